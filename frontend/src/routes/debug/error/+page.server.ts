import { requireDebugRoutes } from '#lib/observability/debug.server.ts';
import type { PageServerLoad } from './$types';

/**
 * `/debug/error`: deliberate errors, to check error tracking end to end. `?where=server` fails this
 * load function on the web server (an unexpected error: logged, reported, a 500 page); the page's button
 * throws in the browser.
 */
export const load: PageServerLoad = ({ locals, url }) => {
  requireDebugRoutes(locals.session);
  if (url.searchParams.get('where') === 'server')
    throw new Error('Debug error: raised on purpose by the web server');
};
