import { updateProfileBodySchema } from '@lexikon/contracts/auth';
import { formValues } from '#lib/forms.ts';
import { call } from '#lib/server/api.ts';
import { failLoad } from '#lib/server/errors.ts';
import { apiFailure, invalidForm } from '#lib/server/form-failure.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  try {
    return { profile: await call(locals.api.GET('/api/auth/me')) };
  } catch (error) {
    failLoad(error, url);
  }
};

export const actions: Actions = {
  default: async ({ request, locals }) => {
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
