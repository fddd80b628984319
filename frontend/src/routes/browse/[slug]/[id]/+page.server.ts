import { error } from '@sveltejs/kit';
import { call } from '#lib/server/api.ts';
import { failLoad } from '#lib/server/errors.ts';
import { isUuid } from '#lib/terms/relations.ts';
import type { PageServerLoad } from './$types';

/** One concept of a vocabulary, read-only, for anyone who may read the vocabulary. */
export const load: PageServerLoad = async ({ locals, params, url }) => {
  if (!isUuid(params.id)) error(404, 'No such term.', { code: 'term-not-found' });
  const path = { slug: params.slug, id: params.id };
  try {
    const [term, relations] = await Promise.all([
      call(locals.api.GET('/api/vocabularies/{slug}/terms/{id}', { params: { path } })),
      call(locals.api.GET('/api/vocabularies/{slug}/terms/{id}/relations', { params: { path } })),
    ]);
    const wanted = url.searchParams.get('lang');
    const language = wanted && term.content_languages.includes(wanted) ? wanted : term.language;
    return { term, relations: relations.items, slug: params.slug, language };
  } catch (failure) {
    failLoad(failure, url);
  }
};
