import {
  captureException,
  init,
  replayIntegration,
  type Breadcrumb,
  type BrowserOptions,
  type ReplayFrameEvent,
} from '@sentry/sveltekit';
// Replay compresses recordings in a Web Worker. Served from our origin as a file (CSP `worker-src
// 'self'`), instead of the SDK's default blob: URL, which the CSP would have to allow.
import replayWorkerUrl from '@sentry/replay/worker-bundler?url';
import type { BrowserTracker } from './browser.ts';
import { scrubBreadcrumb, scrubEvent, scrubTransaction, scrubValue, withoutQuery } from './scrub.ts';
// Types only: settings.ts stays in the main bundle alone, not in a chunk shared with this one.
import type { TrackingSettings } from './settings.ts';

/**
 * The browser SDK, in its own chunk (imported by browser.ts once the page is idle): tracing, replay with
 * every text and input masked and media blocked, reports sent through the same-origin tunnel.
 */
export function initBrowserSentry(settings: TrackingSettings): BrowserTracker {
  const options: BrowserOptions = {
    dsn: settings.dsn,
    tunnel: settings.tunnel,
    environment: settings.environment,
    release: settings.release,
    sendDefaultPii: false,
    tracesSampleRate: settings.tracesSampleRate,
    replaysSessionSampleRate: settings.replaysSessionSampleRate,
    replaysOnErrorSampleRate: settings.replaysOnErrorSampleRate,
    integrations: [
      replayIntegration({
        maskAllText: true,
        maskAllInputs: true,
        blockAllMedia: true,
        // No request or response headers or bodies in replays (the default; said out loud).
        networkDetailAllowUrls: [],
        workerUrl: replayWorkerUrl,
        beforeAddRecordingEvent: scrubRecordingEvent,
      }),
    ],
    beforeSend: (event) => scrubEvent(event),
    beforeSendTransaction: (event) => scrubTransaction(event),
    beforeBreadcrumb: (crumb) => scrubBreadcrumb(crumb),
  };
  init(options);
  return {
    capture(error, mechanism) {
      captureException(error, { mechanism: { type: mechanism, handled: false } });
    },
  };
}

/** Replays carry breadcrumbs and network spans of their own: same rules as events. */
function scrubRecordingEvent(event: ReplayFrameEvent): ReplayFrameEvent {
  const { data } = event;
  if (data.tag === 'breadcrumb') {
    const payload = scrubBreadcrumb(data.payload as Breadcrumb) as typeof data.payload;
    return { ...event, data: { ...data, payload } };
  }
  if (data.tag === 'performanceSpan') {
    const span = data.payload;
    const payload = {
      ...span,
      description: withoutQuery(span.description),
      ...(span.data ? { data: scrubValue(span.data) } : {}),
    } as typeof span;
    return { ...event, data: { ...data, payload } };
  }
  return event;
}
