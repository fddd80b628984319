import { fail } from '@sveltejs/kit';
import { revalidationBodySchema } from '@lexikon/contracts/validation';
import { translate } from '#lib/i18n/messages.ts';
import { call } from '#lib/server/api.ts';
import { failLoad } from '#lib/server/errors.ts';
import { apiFailure } from '#lib/server/form-failure.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  try {
    const status = await call(locals.api.GET('/api/validation/status'));
    // Only reviewers may queue bulk runs (the API decides; this only spares the others a useless form).
    return { status, isReviewer: locals.session?.role === 'admin' };
  } catch (error) {
    failLoad(error, url);
  }
};

export const actions: Actions = {
  /** "Validate all" / "validate what changed": queues the work; the page shows how much. */
  revalidate: async ({ request, locals }) => {
    const parsed = revalidationBodySchema.safeParse({ scope: (await request.formData()).get('scope') });
    if (!parsed.success)
      return fail(400, {
        values: {},
        fieldErrors: {},
        message: translate(locals.locale, 'qualityPage.run.badScope'),
      });
    try {
      const run = await call(locals.api.POST('/api/validation/runs', { body: parsed.data }));
      return { run };
    } catch (error) {
      return apiFailure(error, {}, locals.locale);
    }
  },
};
