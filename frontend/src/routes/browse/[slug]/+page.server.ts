import { call } from '#lib/server/api.ts';
import { failLoad } from '#lib/server/errors.ts';
import type { PageServerLoad } from './$types';

const MAX_QUERY_LENGTH = 200;

/**
 * A vocabulary's concepts, for anyone who may read it — without signing in when it is public: its
 * hierarchy's top level, and the search results (or every concept, alphabetically) with their count.
 */
export const load: PageServerLoad = async ({ locals, params, url }) => {
  const q = url.searchParams.get('q')?.replace(/\s+/g, ' ').trim().slice(0, MAX_QUERY_LENGTH) || undefined;
  const cursor = url.searchParams.get('cursor')?.slice(0, 512) || undefined;
  try {
    const path = { slug: params.slug };
    const [vocabulary, page, top] = await Promise.all([
      call(locals.api.GET('/api/vocabularies/{slug}', { params: { path } })),
      call(
        locals.api.GET('/api/vocabularies/{slug}/terms', {
          params: {
            path,
            query: {
              limit: 50,
              with_total: 'true',
              ...(q ? { q } : { sort: 'term' }),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      ),
      call(locals.api.GET('/api/vocabularies/{slug}/hierarchy', { params: { path } })),
    ]);
    // The content language: one of the vocabulary's, chosen apart from the language of the interface.
    const wanted = url.searchParams.get('lang');
    const language = wanted && vocabulary.languages.includes(wanted) ? wanted : vocabulary.default_language;
    return {
      vocabulary: {
        slug: vocabulary.slug,
        title: vocabulary.title,
        description: vocabulary.description,
        default_language: vocabulary.default_language,
        languages: vocabulary.languages,
        license: vocabulary.license,
        term_count: vocabulary.term_count,
      },
      language,
      q: q ?? '',
      total: page.total ?? page.items.length,
      items: page.items.map((term) => ({
        id: term.id,
        term: term.term,
        pref_labels: term.pref_labels,
        status: term.status,
        quality: term.quality,
        match: term.match ?? null,
      })),
      nextCursor: page.next_cursor,
      top: top.items,
      topNext: top.next_cursor,
    };
  } catch (error) {
    failLoad(error, url);
  }
};
