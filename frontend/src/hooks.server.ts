import { sequence, type Handle, type HandleServerError, type ServerInit } from '@sveltejs/kit/hooks';
import { LEXIKON_API_URL, SENTRY_TIMEOUT_MS } from '$app/env/private';
import { defaultLocale, isLocale } from '#lib/i18n/messages.ts';
import { createApiClient } from '#lib/server/api.ts';
import { refreshSession } from '#lib/server/auth.ts';
import { restoreSession } from '#lib/server/session.ts';
import { isReportable } from '#lib/observability/reportable.ts';
import type { ServerTracker } from '#lib/observability/sentry.server.ts';
import { trackingSettings, TUNNEL_PATH } from '#lib/observability/settings.ts';

export const LOCALE_COOKIE = 'lexikon_locale';

// Error tracking, when SENTRY_DSN_FRONTEND is set. The SDK is imported only then: without a DSN no
// Sentry code runs at all.
let tracker: ServerTracker | null = null;

export const init: ServerInit = async () => {
  const settings = trackingSettings();
  if (!settings) return;
  const { initServerSentry } = await import('#lib/observability/sentry.server.ts');
  tracker = initServerSentry(settings, SENTRY_TIMEOUT_MS);
};

const observe: Handle = (input) => (tracker ? tracker.handle(input) : input.resolve(input.event));

const app: Handle = async ({ event, resolve }) => {
  // The error-report tunnel needs no session: no cookie work, no token refresh per report.
  if (event.url.pathname === TUNNEL_PATH) return resolve(event);

  const cookieLocale = event.cookies.get(LOCALE_COOKIE);
  event.locals.locale = isLocale(cookieLocale) ? cookieLocale : defaultLocale;

  const secure = event.url.protocol === 'https:';
  const session = await restoreSession(event.cookies, refreshSession, secure);
  event.locals.session = session.user;
  event.locals.sessionUnverified = session.unverified === true;
  tracker?.identify(session.user?.userId ?? null);
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

export const handle = sequence(observe, app);

/**
 * Unexpected server errors are logged with their stack and reported; the page shows a generic message.
 * Expected ones (404, errors thrown with `error()`, bad input) are neither.
 */
export const handleError: HandleServerError = (caught) => {
  if (caught.kind === 'unknown') console.error(caught.error);
  if (isReportable(caught)) tracker?.capture(caught.error);
};
