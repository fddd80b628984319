import { redirect } from '@sveltejs/kit';
import { createTermBodySchema } from '@lexikon/contracts/terms';
import { formValues } from '#lib/forms.ts';
import { call } from '#lib/server/api.ts';
import { invalidForm } from '#lib/server/form-failure.ts';
import { redirectIfSignedOut, requireSession } from '#lib/terms/auth.server.ts';
import { termApiFailure } from '#lib/terms/failures.server.ts';
import { createTermInput } from '#lib/terms/form.ts';
import type { Actions } from './$types';

const HERE = '/terms/new';

export const actions: Actions = {
  default: async ({ request, locals }) => {
    // The browser keeps the draft: after signing in again the user comes back here and finds it.
    requireSession(locals.session, HERE);
    const values = formValues(await request.formData());
    const parsed = createTermBodySchema.safeParse(createTermInput(values));
    if (!parsed.success) return invalidForm(parsed.error, values, locals.locale);
    let id: string;
    try {
      ({ id } = await call(locals.api.POST('/api/terms', { body: parsed.data })));
    } catch (error) {
      redirectIfSignedOut(error, HERE);
      return termApiFailure(error, values, locals.locale, { fieldFor: { 'term-exists': 'term' } });
    }
    redirect(303, `/terms/${id}?created=1`);
  },
};
