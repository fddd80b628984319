import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

/**
 * Where GitHub and Google send the browser back. Until an OAuth provider is configured on the API there
 * is no flow to finish: the user is sent back to the login page with an explanation, never left on a
 * blank page. A denied consent (`error=access_denied`) says so.
 */
export const load: PageServerLoad = ({ url }) => {
  const denied = url.searchParams.get('error') === 'access_denied';
  redirect(303, `/login?error=${denied ? 'oauth_denied' : 'oauth_unavailable'}`);
};
