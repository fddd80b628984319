import type { ClientInit, HandleClientError } from '@sveltejs/kit/hooks';
import { reportBrowserError, startBrowserErrorTracking } from '#lib/observability/browser.ts';
import { isReportable } from '#lib/observability/reportable.ts';
import { trackingSettings } from '#lib/observability/settings.ts';

/** Error tracking starts only when SENTRY_DSN_FRONTEND is set; the SDK itself arrives after hydration. */
export const init: ClientInit = () => {
  const settings = trackingSettings();
  if (settings) startBrowserErrorTracking(settings);
};

/**
 * Unexpected errors while loading or navigating are logged (SvelteKit's default) and reported; 404s
 * and `error()` pages are neither.
 */
export const handleError: HandleClientError = (caught) => {
  if (caught.kind === 'unknown') console.error(caught.error);
  if (isReportable(caught)) reportBrowserError(caught.error);
};
