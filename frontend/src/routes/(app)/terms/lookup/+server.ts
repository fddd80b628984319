import { json } from '@sveltejs/kit';
import { ApiProblem, ApiUnreachable, call } from '#lib/server/api.ts';
import type { RequestHandler } from './$types';

const LIMIT = 8;

/**
 * Suggestions for the relation form's target picker: `GET /terms/lookup?q=neur[&exclude=id]` →
 * `[{id, term, domain}]`. Same origin, so the browser never talks to the API and never sees a token.
 */
export const GET: RequestHandler = async ({ locals, url }) => {
  const headers = { 'cache-control': 'private, no-store' };
  if (!locals.session) return json({ message: 'Sign in to search terms.' }, { status: 401, headers });
  const q = url.searchParams.get('q')?.replace(/\s+/g, ' ').trim().slice(0, 200);
  if (!q) return json([], { headers });
  const exclude = url.searchParams.get('exclude');
  try {
    const page = await call(locals.api.GET('/api/terms', { params: { query: { q, limit: LIMIT + 1 } } }));
    return json(
      page.items
        .filter((term) => term.id !== exclude)
        .slice(0, LIMIT)
        .map((term) => ({ id: term.id, term: term.term, domain: term.domain })),
      { headers },
    );
  } catch (error) {
    if (error instanceof ApiProblem)
      return json({ message: error.message }, { status: error.status === 401 ? 401 : 502, headers });
    if (error instanceof ApiUnreachable) return json({ message: error.message }, { status: 503, headers });
    throw error;
  }
};
