import { error } from '@sveltejs/kit';
import { DEBUG_ROUTES, NODE_ENV } from '$app/env/private';

/**
 * The API's DEBUG_ROUTES rule, for the web app's /debug pages: open outside production; in production
 * they exist only with DEBUG_ROUTES=true, and then only for administrators. Anyone else gets the
 * ordinary 404, so the route does not even show it exists.
 */
export function requireDebugRoutes(session: App.Locals['session']): void {
  const allowed = DEBUG_ROUTES && (NODE_ENV !== 'production' || session?.role === 'admin');
  if (!allowed) error(404, 'Not found');
}
