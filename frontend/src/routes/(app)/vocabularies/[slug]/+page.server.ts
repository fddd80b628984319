import { fail, redirect } from '@sveltejs/kit';
import { vocabularyRoleSchema, updateVocabularyBodySchema } from '@lexikon/contracts/vocabularies';
import { formValues } from '#lib/forms.ts';
import { translate } from '#lib/i18n/messages.ts';
import { call } from '#lib/server/api.ts';
import { failLoad } from '#lib/server/errors.ts';
import { apiFailure, invalidForm } from '#lib/server/form-failure.ts';
import { updateVocabularyInput } from '#lib/vocabularies/form.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
  try {
    const path = { params: { path: { slug: params.slug } } };
    const [vocabulary, members] = await Promise.all([
      call(locals.api.GET('/api/vocabularies/{slug}', path)),
      call(locals.api.GET('/api/vocabularies/{slug}/members', path)),
    ]);
    return {
      vocabulary,
      members: members.items,
      userId: locals.session?.userId ?? null,
      created: url.searchParams.has('created'),
    };
  } catch (error) {
    failLoad(error, url);
  }
};

const slugPath = (slug: string) => ({ params: { path: { slug } } });

export const actions: Actions = {
  settings: async ({ request, locals, params }) => {
    const values = formValues(await request.formData());
    let current;
    try {
      current = await call(locals.api.GET('/api/vocabularies/{slug}', slugPath(params.slug)));
    } catch (error) {
      return apiFailure(error, values, locals.locale);
    }
    const parsed = updateVocabularyBodySchema.safeParse(updateVocabularyInput(values, current));
    if (!parsed.success) return invalidForm(parsed.error, values, locals.locale);
    try {
      await call(
        locals.api.PATCH('/api/vocabularies/{slug}', { ...slugPath(params.slug), body: parsed.data }),
      );
    } catch (error) {
      return apiFailure(error, values, locals.locale);
    }
    return { saved: true };
  },

  grant: async ({ request, locals, params }) => {
    const values = formValues(await request.formData());
    const role = vocabularyRoleSchema.safeParse(values.role);
    if (!role.success || !values.email?.trim())
      return fail(400, {
        values,
        fieldErrors: { email: translate(locals.locale, 'validation.email') },
      });
    try {
      await call(
        locals.api.POST('/api/vocabularies/{slug}/members', {
          ...slugPath(params.slug),
          body: { email: values.email.trim(), role: role.data },
        }),
      );
    } catch (error) {
      return apiFailure(error, values, locals.locale);
    }
    return { granted: true };
  },

  role: async ({ request, locals, params }) => {
    const values = formValues(await request.formData());
    const role = vocabularyRoleSchema.safeParse(values.role);
    if (!role.success || !values.user_id) return fail(400, { values, fieldErrors: {} });
    try {
      await call(
        locals.api.PUT('/api/vocabularies/{slug}/members/{userId}', {
          params: { path: { slug: params.slug, userId: values.user_id } },
          body: { role: role.data },
        }),
      );
    } catch (error) {
      return apiFailure(error, values, locals.locale);
    }
    return { granted: true };
  },

  revoke: async ({ request, locals, params }) => {
    const values = formValues(await request.formData());
    if (!values.user_id) return fail(400, { values, fieldErrors: {} });
    try {
      await call(
        locals.api.DELETE('/api/vocabularies/{slug}/members/{userId}', {
          params: { path: { slug: params.slug, userId: values.user_id } },
        }),
      );
    } catch (error) {
      return apiFailure(error, values, locals.locale);
    }
    // Leaving a private vocabulary: it is no longer there to show.
    if (values.user_id === locals.session?.userId) redirect(303, '/vocabularies');
    return { revoked: true };
  },

  delete: async ({ locals, params, request }) => {
    const values = formValues(await request.formData());
    try {
      await call(locals.api.DELETE('/api/vocabularies/{slug}', slugPath(params.slug)));
    } catch (error) {
      return apiFailure(error, values, locals.locale);
    }
    redirect(303, '/vocabularies');
  },
};
