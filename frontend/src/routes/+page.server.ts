import { call } from '#lib/server/api.ts';
import { failLoad } from '#lib/server/errors.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  try {
    // The vocabularies the visitor may read: the public ones without signing in.
    const [stats, vocabularies] = await Promise.all([
      call(locals.api.GET('/api/stats')),
      call(locals.api.GET('/api/vocabularies')).then(
        (list) => list.items,
        () => [],
      ),
    ]);
    return {
      stats,
      vocabularies: vocabularies.map((vocabulary) => ({
        slug: vocabulary.slug,
        title: vocabulary.title,
        default_language: vocabulary.default_language,
        term_count: vocabulary.term_count,
      })),
    };
  } catch (error) {
    failLoad(error, url);
  }
};
