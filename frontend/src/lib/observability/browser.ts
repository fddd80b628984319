import type { TrackingSettings } from './settings.ts';

/**
 * Error tracking in the browser, in the main bundle: only this small loader. Sentry's SDK with replay is
 * several times the size of the whole app, so it is fetched after the page has hydrated and the browser
 * is idle, and only when a DSN is configured; a page without DSN ships none of it, and a page with one
 * paints and becomes interactive first. Errors raised before the SDK arrives are kept (a few) and sent
 * once it is there.
 */
export interface BrowserTracker {
  capture(error: unknown, mechanism: string): void;
}

const MAX_PENDING = 20;
// A page that never hydrates (a script failed) is exactly one to hear about: load the SDK anyway.
const HYDRATION_FALLBACK_MS = 5000;

let started = false;
let tracker: BrowserTracker | null = null;
const pending: { error: unknown; mechanism: string }[] = [];

function remember(error: unknown, mechanism: string): void {
  if (tracker) tracker.capture(error, mechanism);
  else if (pending.length < MAX_PENDING) pending.push({ error, mechanism });
}

const onError = (event: ErrorEvent): void => remember(event.error ?? event.message, 'onerror');
const onRejection = (event: PromiseRejectionEvent): void => remember(event.reason, 'onunhandledrejection');

/** Resolves once the root layout has hydrated (it marks `<html data-hydrated>`), or never hydrated. */
function afterHydration(): Promise<void> {
  return new Promise((resolve) => {
    const root = document.documentElement;
    const hydrated = () => root.hasAttribute('data-hydrated');
    if (hydrated()) return resolve();
    const observer = new MutationObserver(() => {
      if (!hydrated()) return;
      observer.disconnect();
      resolve();
    });
    observer.observe(root, { attributes: true, attributeFilter: ['data-hydrated'] });
    const fallback = () => setTimeout(resolve, HYDRATION_FALLBACK_MS);
    if (document.readyState === 'complete') fallback();
    else addEventListener('load', fallback, { once: true });
  });
}

function whenIdle(): Promise<void> {
  return new Promise((resolve) => {
    if ('requestIdleCallback' in window) requestIdleCallback(() => resolve(), { timeout: 2000 });
    else setTimeout(resolve, 0);
  });
}

/** Called once, from the client `init` hook, when SENTRY_DSN_FRONTEND is set. */
export function startBrowserErrorTracking(settings: TrackingSettings): void {
  if (started) return;
  started = true;
  addEventListener('error', onError);
  addEventListener('unhandledrejection', onRejection);
  void afterHydration()
    .then(whenIdle)
    .then(() => import('./sentry.browser.ts'))
    .then(({ initBrowserSentry }) => {
      // Sentry's own global handlers are installed by now (synchronously): ours step aside in the
      // same task, so no error falls between the two.
      tracker = initBrowserSentry(settings);
      removeEventListener('error', onError);
      removeEventListener('unhandledrejection', onRejection);
      for (const item of pending.splice(0)) tracker.capture(item.error, item.mechanism);
    })
    .catch(() => {
      // The SDK's chunk did not load (offline, blocked by an extension): the app works on without it.
    });
}

/** For the client `handleError` hook: an unexpected error while loading or navigating. */
export function reportBrowserError(error: unknown): void {
  if (started) remember(error, 'sveltekit.handle_error');
}
