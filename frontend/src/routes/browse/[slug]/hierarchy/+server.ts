import { json } from '@sveltejs/kit';
import { ApiProblem, ApiUnreachable, call } from '#lib/server/api.ts';
import { isUuid } from '#lib/terms/relations.ts';
import type { RequestHandler } from './$types';

/**
 * One level of the vocabulary's tree, for the browser to expand a branch: `?parent=id[&cursor=…]` →
 * `{items, next_cursor}`. Same origin, so the API token (when signed in) stays on the server.
 */
export const GET: RequestHandler = async ({ locals, params, url }) => {
  const headers = { 'cache-control': 'private, no-store' };
  const parent = url.searchParams.get('parent');
  const cursor = url.searchParams.get('cursor')?.slice(0, 512);
  if (parent !== null && !isUuid(parent))
    return json({ message: 'No such concept.' }, { status: 404, headers });
  try {
    const page = await call(
      locals.api.GET('/api/vocabularies/{slug}/hierarchy', {
        params: {
          path: { slug: params.slug },
          query: { ...(parent ? { parent } : {}), ...(cursor ? { cursor } : {}) },
        },
      }),
    );
    return json({ items: page.items, next_cursor: page.next_cursor }, { headers });
  } catch (error) {
    if (error instanceof ApiProblem)
      return json({ message: error.message }, { status: error.status < 500 ? error.status : 502, headers });
    if (error instanceof ApiUnreachable) return json({ message: error.message }, { status: 503, headers });
    throw error;
  }
};
