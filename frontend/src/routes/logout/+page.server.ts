import { redirect } from '@sveltejs/kit';
import { REFRESH_COOKIE, clearTokens } from '#lib/server/session.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
  default: async ({ cookies, locals, url }) => {
    const refreshToken = cookies.get(REFRESH_COOKIE);
    // Revoke server-side first; an unreachable API must not keep the user signed in on this browser.
    if (refreshToken)
      await locals.api
        .POST('/api/auth/logout', { body: { refresh_token: refreshToken } })
        .catch(() => undefined);
    clearTokens(cookies, url.protocol === 'https:');
    redirect(303, '/login?signed_out=1');
  },
};
