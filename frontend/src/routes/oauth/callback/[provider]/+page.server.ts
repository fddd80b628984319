import { redirect } from '@sveltejs/kit';
import { LEXIKON_API_URL } from '$app/env/private';
import { safeNextPath } from '#lib/navigation.ts';
import { OAUTH_STATE_COOKIE, sameState } from '#lib/server/oauth.ts';
import { storeTokens } from '#lib/server/session.ts';
import type { components } from '#lib/api/schema.ts';
import type { PageServerLoad } from './$types';

type Outcome = components['schemas']['OAuthOutcome'];

/**
 * Where GitHub and Google send the browser back (as registered with them). The code is exchanged by the
 * API, server to server; the session lands in HttpOnly cookies and no token ever appears in a URL.
 */
export const load: PageServerLoad = async ({ params, url, cookies, locals }) => {
  // A signed-in user was linking a provider: failures go back to the profile, not to the login page.
  const back = locals.session ? '/profile' : '/login';
  const expectedState = cookies.get(OAUTH_STATE_COOKIE);
  cookies.delete(OAUTH_STATE_COOKIE, { path: '/oauth', secure: url.protocol === 'https:' });
  if (url.searchParams.get('error') === 'access_denied') redirect(303, `${back}?error=oauth-denied`);
  if (!sameState(url.searchParams.get('state'), expectedState))
    redirect(303, `${back}?error=oauth-state-invalid`);

  let response: Response;
  try {
    response = await fetch(
      `${LEXIKON_API_URL}/api/auth/oauth/${encodeURIComponent(params.provider)}/callback${url.search}`,
      {
        signal: AbortSignal.timeout(30_000),
      },
    );
  } catch {
    redirect(303, `${back}?error=oauth-provider-unavailable`);
  }
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as { code?: string };
    redirect(303, `${back}?error=${encodeURIComponent(problem.code ?? 'oauth-provider-unavailable')}`);
  }
  const outcome = (await response.json()) as Outcome;
  if (outcome.mode === 'link') redirect(303, `/profile?linked=${encodeURIComponent(params.provider)}`);
  if (outcome.tokens) storeTokens(cookies, outcome.tokens, url.protocol === 'https:');
  redirect(303, `/oauth/success?next=${encodeURIComponent(safeNextPath(outcome.next))}`);
};
