import { fail } from '@sveltejs/kit';
import { createWebhookBodySchema } from '@lexikon/contracts/webhooks';
import { fieldErrorsFrom, formValues } from '#lib/forms.ts';
import { translate } from '#lib/i18n/messages.ts';
import { call } from '#lib/server/api.ts';
import { failLoad } from '#lib/server/errors.ts';
import { apiFailure } from '#lib/server/form-failure.ts';
import { isUuid } from '#lib/terms/relations.ts';
import type { Actions, PageServerLoad } from './$types';

/** The webhooks (owners only: the API answers 403 to others), and one's delivery log with `?webhook=`. */
export const load: PageServerLoad = async ({ locals, params, url }) => {
  const path = { slug: params.slug };
  const selected = url.searchParams.get('webhook');
  const beforeParam = url.searchParams.get('before');
  const before = beforeParam && /^\d{1,15}$/.test(beforeParam) ? Number(beforeParam) : undefined;
  try {
    const [vocabulary, webhooks] = await Promise.all([
      call(locals.api.GET('/api/vocabularies/{slug}', { params: { path } })),
      call(locals.api.GET('/api/vocabularies/{slug}/webhooks', { params: { path } })),
    ]);
    const log =
      selected && isUuid(selected) && webhooks.items.some((hook) => hook.id === selected)
        ? await call(
            locals.api.GET('/api/vocabularies/{slug}/webhooks/{id}/deliveries', {
              params: { path: { slug: params.slug, id: selected }, query: { limit: 20, before } },
            }),
          )
        : null;
    return { vocabulary, webhooks: webhooks.items, selected: log ? selected : null, log };
  } catch (cause) {
    failLoad(cause, url);
  }
};

const hookPath = (slug: string, id: string) => ({ params: { path: { slug, id } } });

export const actions: Actions = {
  create: async ({ request, locals, params }) => {
    const data = await request.formData();
    const values = formValues(data);
    const parsed = createWebhookBodySchema.safeParse({
      url: values.url?.trim() ?? '',
      events: data.getAll('events').map(String),
      ...(values.description?.trim() ? { description: values.description } : {}),
    });
    if (!parsed.success)
      return fail(400, { values, fieldErrors: fieldErrorsFrom(parsed.error, locals.locale) });
    try {
      const created = await call(
        locals.api.POST('/api/vocabularies/{slug}/webhooks', {
          params: { path: { slug: params.slug } },
          body: parsed.data,
        }),
      );
      return { created: { id: created.id, url: created.url, secret: created.secret } };
    } catch (error) {
      return apiFailure(error, values, locals.locale);
    }
  },

  toggle: async ({ request, locals, params }) => {
    const values = formValues(await request.formData());
    if (!isUuid(values.id ?? ''))
      return fail(400, { message: translate(locals.locale, 'validation.invalid') });
    try {
      await call(
        locals.api.PATCH('/api/vocabularies/{slug}/webhooks/{id}', {
          ...hookPath(params.slug, values.id!),
          body: { active: values.active === 'true' },
        }),
      );
      return { saved: true };
    } catch (error) {
      return apiFailure(error, values, locals.locale);
    }
  },

  delete: async ({ request, locals, params }) => {
    const values = formValues(await request.formData());
    if (!isUuid(values.id ?? ''))
      return fail(400, { message: translate(locals.locale, 'validation.invalid') });
    try {
      await call(
        locals.api.DELETE('/api/vocabularies/{slug}/webhooks/{id}', hookPath(params.slug, values.id!)),
      );
      return { deleted: true };
    } catch (error) {
      return apiFailure(error, values, locals.locale);
    }
  },

  redeliver: async ({ request, locals, params }) => {
    const values = formValues(await request.formData());
    const delivery = Number(values.delivery);
    if (!isUuid(values.id ?? '') || !Number.isInteger(delivery) || delivery < 1)
      return fail(400, { message: translate(locals.locale, 'validation.invalid') });
    try {
      await call(
        locals.api.POST('/api/vocabularies/{slug}/webhooks/{id}/deliveries/{delivery}/redeliver', {
          params: { path: { slug: params.slug, id: values.id!, delivery } },
        }),
      );
      return { redelivered: true };
    } catch (error) {
      return apiFailure(error, values, locals.locale);
    }
  },
};
