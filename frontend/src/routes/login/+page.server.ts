import { redirect } from '@sveltejs/kit';
import { loginBodySchema } from '@lexikon/contracts/auth';
import { formValues } from '#lib/forms.ts';
import { safeNextPath } from '#lib/navigation.ts';
import { call } from '#lib/server/api.ts';
import { apiFailure, invalidForm } from '#lib/server/form-failure.ts';
import { storeTokens } from '#lib/server/session.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const next = safeNextPath(url.searchParams.get('next'));
  if (locals.session) redirect(303, next);
  // Provider buttons appear only for providers the API says are configured; an API outage hides them.
  const providers = await call(locals.api.GET('/api/auth/providers'))
    .then((answer) => answer.providers)
    .catch(() => []);
  return {
    next,
    providers,
    notice: url.searchParams.get('signed_out') ? 'signedOut' : null,
    oauthError: url.searchParams.get('error')?.slice(0, 60) ?? null,
  };
};

export const actions: Actions = {
  default: async ({ request, locals, cookies, url }) => {
    const values = formValues(await request.formData());
    const next = safeNextPath(values.next);
    const parsed = loginBodySchema.safeParse({ email: values.email, password: values.password });
    const { password: _password, ...kept } = values;
    if (!parsed.success) return invalidForm(parsed.error, kept, locals.locale);
    try {
      const tokens = await call(locals.api.POST('/api/auth/login', { body: parsed.data }));
      storeTokens(cookies, tokens, url.protocol === 'https:');
    } catch (error) {
      return apiFailure(error, kept, locals.locale);
    }
    redirect(303, next);
  },
};
