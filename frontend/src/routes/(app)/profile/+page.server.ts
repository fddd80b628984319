import { updateProfileBodySchema } from '@lexikon/contracts/auth';
import { formValues } from '#lib/forms.ts';
import { call } from '#lib/server/api.ts';
import { failLoad } from '#lib/server/errors.ts';
import { apiFailure, invalidForm } from '#lib/server/form-failure.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  try {
    const [profile, methods] = await Promise.all([
      call(locals.api.GET('/api/auth/me')),
      call(locals.api.GET('/api/auth/providers')),
    ]);
    return {
      profile,
      availableProviders: methods.providers,
      linked: url.searchParams.get('linked'),
      oauthError: url.searchParams.get('error')?.slice(0, 60) ?? null,
    };
  } catch (error) {
    failLoad(error, url);
  }
};

export const actions: Actions = {
  unlink: async ({ request, locals }) => {
    const provider = String((await request.formData()).get('provider') ?? '');
    try {
      await call(locals.api.DELETE('/api/auth/oauth/{provider}', { params: { path: { provider } } }));
      return { unlinked: provider };
    } catch (error) {
      return apiFailure(error, {}, locals.locale);
    }
  },
  update: async ({ request, locals }) => {
    const values = formValues(await request.formData());
    const { current_password: _current, new_password: _new, ...kept } = values;
    const parsed = updateProfileBodySchema.safeParse({
      username: values.username ? values.username : null,
      full_name: values.full_name ? values.full_name : null,
      ...(values.new_password
        ? { new_password: values.new_password, current_password: values.current_password }
        : {}),
    });
    if (!parsed.success) return invalidForm(parsed.error, kept, locals.locale);
    try {
      await call(locals.api.PATCH('/api/auth/me', { body: parsed.data }));
      return { saved: true };
    } catch (error) {
      return apiFailure(error, kept, locals.locale);
    }
  },
};
