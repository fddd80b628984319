import * as Sentry from '@sentry/sveltekit';
import type { Handle } from '@sveltejs/kit/hooks';
import { scrubBreadcrumb, scrubEvent, scrubTransaction } from './scrub.ts';
import { TUNNEL_PATH, type TrackingSettings } from './settings.ts';

/** What hooks.server.ts needs from error tracking once it is on. */
export interface ServerTracker {
  /** Traces the request and isolates its scope (first in the `handle` sequence). */
  handle: Handle;
  /** Ties the current request's reports to a user id (never an email or a name). */
  identify(userId: string | null): void;
  capture(error: unknown): void;
}

/**
 * Sentry on the web server, imported by hooks.server.ts only when SENTRY_DSN_FRONTEND is set (without it
 * the SDK is never loaded). Reports are scrubbed like the browser's; only errors that `isReportable`
 * lets through are captured, by the `handleError` hook.
 */
export function initServerSentry(settings: TrackingSettings, timeoutMs: number): ServerTracker {
  Sentry.init({
    dsn: settings.dsn,
    environment: settings.environment,
    release: settings.release,
    sendDefaultPii: false,
    tracesSampleRate: settings.tracesSampleRate,
    transport: transportWithDeadline(timeoutMs),
    beforeSend: (event) => scrubEvent(event),
    beforeSendTransaction: (event) => scrubTransaction(event),
    beforeBreadcrumb: (crumb) => scrubBreadcrumb(crumb),
  });
  // Pages get the trace's <meta> tags (the browser SDK continues the trace). The fetch-proxy script
  // is for SDKs initialised before hydration; ours loads later, and an inline script would need a
  // CSP exception.
  const sentryHandle = Sentry.sentryHandle({ injectFetchProxyScript: false });
  return {
    // The tunnel's own requests are not worth a trace each.
    handle: (input) =>
      input.event.url.pathname === TUNNEL_PATH ? input.resolve(input.event) : sentryHandle(input),
    identify(userId) {
      Sentry.setUser(userId === null ? null : { id: userId });
    },
    capture(error) {
      Sentry.captureException(error, { mechanism: { type: 'sveltekit.handle_error', handled: false } });
    },
  };
}

/**
 * The SDK's transport with a deadline: an ingestion endpoint that is down or hangs costs the event and
 * a log line, never a request (sending is already off the request path; the deadline frees the queue).
 */
function transportWithDeadline(timeoutMs: number): typeof Sentry.makeNodeTransport {
  return (options) => {
    const transport = Sentry.makeNodeTransport(options);
    return {
      ...transport,
      async send(envelope) {
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        });
        try {
          return await Promise.race([transport.send(envelope), deadline]);
        } catch (error) {
          console.warn(`Sentry event dropped: ${error instanceof Error ? error.message : String(error)}`);
          return {};
        } finally {
          clearTimeout(timer);
        }
      },
    };
  };
}
