import { fail } from '@sveltejs/kit';
import { createReleaseBodySchema, releaseNameSchema } from '@lexikon/contracts/releases';
import { fieldErrorsFrom, formValues } from '#lib/forms.ts';
import { call } from '#lib/server/api.ts';
import { failLoad } from '#lib/server/errors.ts';
import { apiFailure } from '#lib/server/form-failure.ts';
import type { Actions, PageServerLoad } from './$types';

/** The releases, and the comparison of two when `from` and `to` name them. */
export const load: PageServerLoad = async ({ locals, params, url }) => {
  const from = releaseNameSchema.safeParse(url.searchParams.get('from'));
  const to = releaseNameSchema.safeParse(url.searchParams.get('to'));
  try {
    const path = { slug: params.slug };
    const [vocabulary, releases] = await Promise.all([
      call(locals.api.GET('/api/vocabularies/{slug}', { params: { path } })),
      call(locals.api.GET('/api/vocabularies/{slug}/releases', { params: { path } })),
    ]);
    const comparison =
      from.success && to.success
        ? await call(
            locals.api.GET('/api/vocabularies/{slug}/releases/{name}/compare/{other}', {
              params: { path: { slug: params.slug, name: from.data, other: to.data } },
            }),
          )
        : null;
    return { vocabulary, releases: releases.items, comparison };
  } catch (cause) {
    failLoad(cause, url);
  }
};

export const actions: Actions = {
  publish: async ({ request, locals, params }) => {
    const values = formValues(await request.formData());
    const parsed = createReleaseBodySchema.safeParse({
      name: values.name?.trim() ?? '',
      ...(values.note?.trim() ? { note: values.note } : {}),
    });
    if (!parsed.success)
      return fail(400, { values, fieldErrors: fieldErrorsFrom(parsed.error, locals.locale) });
    try {
      const release = await call(
        locals.api.POST('/api/vocabularies/{slug}/releases', {
          params: { path: { slug: params.slug } },
          body: parsed.data,
        }),
      );
      return { published: release };
    } catch (error) {
      return apiFailure(error, values, locals.locale);
    }
  },
};
