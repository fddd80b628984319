import { json } from '@sveltejs/kit';
import { ApiProblem, ApiUnreachable, call } from '#lib/server/api.ts';
import type { RequestHandler } from './$types';

/**
 * The domains in use, for the term form's suggestions: `GET /terms/domains` → `[{domain, terms}]`. Same
 * origin, so the browser never talks to the API and never sees a token.
 */
export const GET: RequestHandler = async ({ locals }) => {
  const headers = { 'cache-control': 'private, no-store' };
  if (!locals.session) return json({ message: 'Sign in to list domains.' }, { status: 401, headers });
  try {
    return json((await call(locals.api.GET('/api/domains'))).items, { headers });
  } catch (error) {
    if (error instanceof ApiProblem)
      return json({ message: error.message }, { status: error.status === 401 ? 401 : 502, headers });
    if (error instanceof ApiUnreachable) return json({ message: error.message }, { status: 503, headers });
    throw error;
  }
};
