import { redirect } from '@sveltejs/kit';
import { isLocale } from '#lib/i18n/messages.ts';
import { safeNextPath } from '#lib/navigation.ts';
import { LOCALE_COOKIE } from '../../hooks.server.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

/** The language switch: a plain form, so it works without JavaScript; the choice is kept for a year. */
export const actions: Actions = {
  default: async ({ request, cookies, url }) => {
    const form = await request.formData();
    const locale = form.get('locale');
    if (isLocale(locale))
      cookies.set(LOCALE_COOKIE, locale, {
        path: '/',
        maxAge: 60 * 60 * 24 * 365,
        sameSite: 'lax',
        httpOnly: false,
        secure: url.protocol === 'https:',
      });
    redirect(303, safeNextPath(String(form.get('next') ?? '/'), '/'));
  },
};
