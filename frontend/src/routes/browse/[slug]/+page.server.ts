import { call } from '#lib/server/api.ts';
import { failLoad } from '#lib/server/errors.ts';
import type { PageServerLoad } from './$types';

const MAX_QUERY_LENGTH = 200;

/** A vocabulary's concepts, for anyone who may read it — without signing in when it is public. */
export const load: PageServerLoad = async ({ locals, params, url }) => {
  const q = url.searchParams.get('q')?.replace(/\s+/g, ' ').trim().slice(0, MAX_QUERY_LENGTH) || undefined;
  const cursor = url.searchParams.get('cursor')?.slice(0, 512) || undefined;
  try {
    const path = { slug: params.slug };
    const [vocabulary, page] = await Promise.all([
      call(locals.api.GET('/api/vocabularies/{slug}', { params: { path } })),
      call(
        locals.api.GET('/api/vocabularies/{slug}/terms', {
          params: { path, query: { limit: 50, ...(q ? { q } : {}), ...(cursor ? { cursor } : {}) } },
        }),
      ),
    ]);
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
      q: q ?? '',
      items: page.items.map((term) => ({
        id: term.id,
        term: term.term,
        status: term.status,
        match: term.match ?? null,
      })),
      nextCursor: page.next_cursor,
    };
  } catch (error) {
    failLoad(error, url);
  }
};
