import type { Handle, HandleServerError } from '@sveltejs/kit/hooks';
import { LEXIKON_API_URL } from '$app/env/private';
import { defaultLocale, isLocale } from '#lib/i18n/messages.ts';
import { createApiClient } from '#lib/server/api.ts';
import { refreshSession } from '#lib/server/auth.ts';
import { restoreSession } from '#lib/server/session.ts';

export const LOCALE_COOKIE = 'lexikon_locale';

export const handle: Handle = async ({ event, resolve }) => {
  const cookieLocale = event.cookies.get(LOCALE_COOKIE);
  event.locals.locale = isLocale(cookieLocale) ? cookieLocale : defaultLocale;

  const secure = event.url.protocol === 'https:';
  const session = await restoreSession(event.cookies, refreshSession, secure);
  event.locals.session = session.user;
  event.locals.sessionUnverified = session.unverified === true;
  event.locals.api = createApiClient(
    LEXIKON_API_URL,
    () => session.accessToken,
    event.request.headers.get('x-request-id') ?? undefined,
  );

  const response = await resolve(event, {
    transformPageChunk: ({ html }) => html.replace('%lang%', event.locals.locale),
  });
  response.headers.set('x-content-type-options', 'nosniff');
  response.headers.set('referrer-policy', 'strict-origin-when-cross-origin');
  response.headers.set('permissions-policy', 'camera=(), microphone=(), geolocation=()');
  if (secure) response.headers.set('strict-transport-security', 'max-age=31536000; includeSubDomains');
  // Pages show a user's data: never let a shared cache keep them.
  if (!response.headers.has('cache-control') && (event.locals.session || event.request.method !== 'GET'))
    response.headers.set('cache-control', 'private, no-store');
  return response;
};

/** Unexpected server errors are logged with their stack; the page shows a generic message. */
export const handleError: HandleServerError = (caught) => {
  if (caught.kind === 'unknown') console.error(caught.error);
};
