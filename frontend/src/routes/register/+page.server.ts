import { redirect } from '@sveltejs/kit';
import { registerBodySchema } from '@lexikon/contracts/auth';
import { formValues } from '#lib/forms.ts';
import { call } from '#lib/server/api.ts';
import { apiFailure, invalidForm } from '#lib/server/form-failure.ts';
import { storeTokens } from '#lib/server/session.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
  if (locals.session) redirect(303, '/terms');
};

export const actions: Actions = {
  default: async ({ request, locals, cookies, url }) => {
    const values = formValues(await request.formData());
    const { password: _password, ...kept } = values;
    const parsed = registerBodySchema.safeParse({
      email: values.email,
      password: values.password,
      ...(values.username ? { username: values.username } : {}),
      ...(values.full_name ? { full_name: values.full_name } : {}),
    });
    if (!parsed.success) return invalidForm(parsed.error, kept, locals.locale);
    try {
      await call(locals.api.POST('/api/auth/register', { body: parsed.data }));
      // Registration signs the new user straight in.
      const tokens = await call(
        locals.api.POST('/api/auth/login', {
          body: { email: parsed.data.email, password: parsed.data.password },
        }),
      );
      storeTokens(cookies, tokens, url.protocol === 'https:');
    } catch (error) {
      return apiFailure(error, kept, locals.locale);
    }
    redirect(303, '/terms');
  },
};
