import { error, redirect } from '@sveltejs/kit';
import { ApiProblem, call } from '#lib/server/api.ts';
import { failLoad } from '#lib/server/errors.ts';
import type { PageServerLoad } from './$types';

interface Deletion {
  revision: number;
  deleted_at: string;
}

/**
 * A concept's IRI, as Lexikon mints it (the vocabulary's base IRI, here by default, and the notation):
 * dereferenced, it leads to the concept's page; a deleted concept answers 410 with its deletion's revision.
 */
export const load: PageServerLoad = async ({ locals, params, url }) => {
  try {
    const vocabulary = await call(
      locals.api.GET('/api/vocabularies/{slug}', { params: { path: { slug: params.slug } } }),
    );
    const iri = `${vocabulary.base_iri}${params.notation}`;
    const concept = await call(locals.api.GET('/api/resolve', { params: { query: { iri } } })).catch(
      (cause: unknown) => {
        if (cause instanceof ApiProblem && cause.problem.code === 'term-deleted') {
          const deletion = (cause.problem as { deletion?: Deletion }).deletion;
          error(
            410,
            `This concept was deleted (revision ${deletion?.revision ?? '?'}, ${deletion?.deleted_at ?? ''}).`,
            {
              code: 'term-deleted',
            },
          );
        }
        throw cause;
      },
    );
    redirect(
      303,
      locals.session ? `/terms/${concept.id}` : `/browse/${concept.vocabulary_slug}/${concept.id}`,
    );
  } catch (cause) {
    if (cause instanceof ApiProblem && cause.status === 404)
      error(404, 'No concept has this IRI.', { code: 'not-found' });
    failLoad(cause, url);
  }
};
