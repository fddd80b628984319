import { excerpt } from '#lib/terms/form.ts';
import { listQuery, parseCursor, parseTermFilters } from '#lib/terms/filters.ts';
import { termProblemMessage } from '#lib/terms/problems.ts';
import { ApiProblem, call } from '#lib/server/api.ts';
import { failLoad } from '#lib/server/errors.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const filters = parseTermFilters(url.searchParams);
  const cursor = parseCursor(url.searchParams);
  const deleted = url.searchParams.get('deleted')?.slice(0, 200) || null;
  // The domain filter offers the domains in use; without them (an error) it is still a text box.
  const domains = call(locals.api.GET('/api/domains')).then(
    (list) => list.items,
    () => null,
  );
  // With a vocabulary chosen, its content languages: the list can show labels in any of them.
  const vocabulary = filters.vocabulary
    ? call(
        locals.api.GET('/api/vocabularies/{slug}', { params: { path: { slug: filters.vocabulary } } }),
      ).then(
        (found) => ({ default_language: found.default_language, languages: found.languages }),
        () => null,
      )
    : Promise.resolve(null);
  const base = { filters, cursor: cursor ?? null, deleted };
  try {
    const page = await call(
      locals.api.GET('/api/terms', {
        params: { query: listQuery(filters, cursor, locals.session?.userId ?? null) },
      }),
    );
    return {
      ...base,
      domains: await domains,
      vocabulary: await vocabulary,
      // Only what the list shows: a page of 100 long definitions would otherwise weigh on every navigation.
      items: page.items.map((term) => ({
        id: term.id,
        term: term.term,
        pref_labels: term.pref_labels,
        domain: term.domain,
        level: term.level,
        status: term.status,
        quality: term.quality,
        match: term.match ?? null,
        excerpt: excerpt(term.definition),
      })),
      total: page.total ?? null,
      nextCursor: page.next_cursor,
      problem: null,
    };
  } catch (error) {
    // A stale cursor or an odd filter is the reader's URL, not an outage: say so on the page itself.
    if (error instanceof ApiProblem && error.status === 400) {
      const staleCursor = error.problem.errors?.some((item) => item.path === 'query.cursor') ?? false;
      return {
        ...base,
        domains: await domains,
        vocabulary: await vocabulary,
        items: [],
        total: null,
        nextCursor: null,
        problem: staleCursor
          ? ({ kind: 'cursor' } as const)
          : ({
              kind: 'query',
              detail:
                error.problem.errors?.map((item) => item.message).join(' ') ??
                termProblemMessage(error.problem, locals.locale),
            } as const),
      };
    }
    failLoad(error, url);
  }
};
