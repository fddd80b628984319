import { redirect } from '@sveltejs/kit';
import { createTermBodySchema } from '@lexikon/contracts/terms';
import { DEFAULT_VOCABULARY_SLUG } from '@lexikon/contracts/vocabularies';
import { formValues } from '#lib/forms.ts';
import { currentLocaleTitle } from '#lib/vocabularies/form.ts';
import { call } from '#lib/server/api.ts';
import { failLoad } from '#lib/server/errors.ts';
import { invalidForm } from '#lib/server/form-failure.ts';
import { redirectIfSignedOut, requireSession } from '#lib/terms/auth.server.ts';
import { termApiFailure } from '#lib/terms/failures.server.ts';
import { createTermInput } from '#lib/terms/form.ts';
import type { Actions, PageServerLoad } from './$types';

const HERE = '/terms/new';

/** The vocabularies the caller may add concepts to, the one `?vocabulary=` names (or the default) first. */
export const load: PageServerLoad = async ({ locals, url }) => {
  try {
    const { items } = await call(locals.api.GET('/api/vocabularies'));
    const wanted = url.searchParams.get('vocabulary') ?? DEFAULT_VOCABULARY_SLUG;
    const vocabularies = items
      .filter((vocabulary) => vocabulary.permissions.create_terms)
      .map((vocabulary) => ({
        slug: vocabulary.slug,
        title: currentLocaleTitle(vocabulary, locals.locale),
      }))
      .sort((a, b) => Number(b.slug === wanted) - Number(a.slug === wanted));
    return { vocabularies };
  } catch (error) {
    failLoad(error, url);
  }
};

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
      return termApiFailure(error, values, locals.locale, {
        fieldFor: { 'term-exists': 'term', 'notation-exists': 'notation', 'not-found': 'vocabulary' },
      });
    }
    redirect(303, `/terms/${id}?created=1`);
  },
};
