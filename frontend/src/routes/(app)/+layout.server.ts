import { error, redirect } from '@sveltejs/kit';
import { loginUrl } from '#lib/navigation.ts';
import type { LayoutServerLoad } from './$types';

/** Every page in (app) needs a signed-in user; others are sent to sign in and brought back. */
export const load: LayoutServerLoad = ({ locals, url }) => {
  // Signed in, as far as we can tell, but the API is down: offer a retry rather than the login page.
  if (!locals.session && locals.sessionUnverified)
    error(503, 'The Lexikon API is unreachable.', { code: 'service-unavailable', retryable: true });
  if (!locals.session) redirect(303, loginUrl(url));
  return {};
};
