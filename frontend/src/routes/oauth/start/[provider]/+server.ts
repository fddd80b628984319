import { redirect } from '@sveltejs/kit';
import { LEXIKON_API_URL } from '$app/env/private';
import { safeNextPath } from '#lib/navigation.ts';
import { ACCESS_COOKIE } from '#lib/server/session.ts';
import { OAUTH_STATE_COOKIE } from '#lib/server/oauth.ts';
import type { RequestHandler } from './$types';

/**
 * "Continue with GitHub/Google": asks the API to start the flow, binds its `state` to this browser in an
 * HttpOnly cookie (so a callback carrying someone else's state is refused), then sends the browser on.
 */
export const GET: RequestHandler = async ({ params, url, cookies, locals }) => {
  const linking = url.searchParams.get('mode') === 'link';
  const next = safeNextPath(url.searchParams.get('next'), linking ? '/profile' : '/terms');
  if (linking && !locals.session) redirect(303, `/login?next=${encodeURIComponent('/profile')}`);
  const query = new URLSearchParams({ next, ...(linking ? { mode: 'link' } : {}) });
  let response: Response;
  try {
    response = await fetch(
      `${LEXIKON_API_URL}/api/auth/oauth/${encodeURIComponent(params.provider)}?${query}`,
      {
        redirect: 'manual',
        headers: linking ? { authorization: `Bearer ${cookies.get(ACCESS_COOKIE) ?? ''}` } : {},
        signal: AbortSignal.timeout(15_000),
      },
    );
  } catch {
    redirect(303, `/login?error=oauth-provider-unavailable`);
  }
  const location = response.headers.get('location');
  const state = location ? new URL(location).searchParams.get('state') : null;
  if (response.status !== 302 || !location || !state) {
    const problem = (await response.json().catch(() => ({}))) as { code?: string };
    redirect(
      303,
      `${linking ? '/profile' : '/login'}?error=${encodeURIComponent(problem.code ?? 'oauth-provider-unavailable')}`,
    );
  }
  cookies.set(OAUTH_STATE_COOKIE, state, {
    path: '/oauth',
    httpOnly: true,
    // Lax: the cookie must come back on the provider's top-level redirect to our callback.
    sameSite: 'lax',
    secure: url.protocol === 'https:',
    maxAge: 600,
  });
  // The provider's address comes from our API's own redirect, not from the request.
  redirect(303, location, { external: true });
};
