import { redirect } from '@sveltejs/kit';
import { createVocabularyBodySchema } from '@lexikon/contracts/vocabularies';
import { formValues } from '#lib/forms.ts';
import { call } from '#lib/server/api.ts';
import { failLoad } from '#lib/server/errors.ts';
import { apiFailure, invalidForm } from '#lib/server/form-failure.ts';
import { createVocabularyInput } from '#lib/vocabularies/form.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  try {
    const { items } = await call(locals.api.GET('/api/vocabularies'));
    return { vocabularies: items };
  } catch (error) {
    failLoad(error, url);
  }
};

export const actions: Actions = {
  create: async ({ request, locals }) => {
    const values = formValues(await request.formData());
    const parsed = createVocabularyBodySchema.safeParse(createVocabularyInput(values));
    if (!parsed.success) return invalidForm(parsed.error, values, locals.locale);
    let slug: string;
    try {
      ({ slug } = await call(locals.api.POST('/api/vocabularies', { body: parsed.data })));
    } catch (error) {
      return apiFailure(error, values, locals.locale);
    }
    redirect(303, `/vocabularies/${slug}?created=1`);
  },
};
