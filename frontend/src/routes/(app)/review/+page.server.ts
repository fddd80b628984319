import { fail } from '@sveltejs/kit';
import { formValues } from '#lib/forms.ts';
import { translate } from '#lib/i18n/messages.ts';
import { call } from '#lib/server/api.ts';
import { failLoad } from '#lib/server/errors.ts';
import { redirectIfSignedOut } from '#lib/terms/auth.server.ts';
import { termApiFailure } from '#lib/terms/failures.server.ts';
import { isUuid } from '#lib/terms/relations.ts';
import type { Actions, PageServerLoad } from './$types';

/** What waits for the signed-in user: changes to review, and their own sent back. */
export const load: PageServerLoad = async ({ locals, url }) => {
  try {
    return { queue: await call(locals.api.GET('/api/review/queue')) };
  } catch (cause) {
    failLoad(cause, url);
  }
};

/** Approve or request changes from the queue, on the version listed. */
export const actions: Actions = {
  default: async ({ request, locals }) => {
    const values = formValues(await request.formData());
    const id = values.id ?? '';
    const version = Number(values.version);
    const comment = values.comment?.trim() ? values.comment : undefined;
    if (!isUuid(id) || !Number.isInteger(version) || version < 1)
      return fail(400, { id, message: translate(locals.locale, 'problem.version-mismatch') });
    const params = { path: { id } };
    try {
      if (values.intent === 'request-changes') {
        if (!comment) return fail(400, { id, message: translate(locals.locale, 'review.requestRequired') });
        await call(
          locals.api.POST('/api/terms/{id}/review/request-changes', { params, body: { version, comment } }),
        );
        return { id, done: 'changes_requested' as const };
      }
      const result = await call(
        locals.api.POST('/api/terms/{id}/review/approve', { params, body: { version, comment } }),
      );
      return { id, done: result.published ? ('published' as const) : ('approved' as const) };
    } catch (caught) {
      redirectIfSignedOut(caught, '/review');
      const failure = termApiFailure(caught, values, locals.locale);
      return fail(failure.status, { id, message: failure.data.message });
    }
  },
};
