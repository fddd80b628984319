import * as Sentry from '@sentry/node';
import type { FastifyRequest } from 'fastify';
import type { SentryConfig } from '../platform/config.ts';
import { AppError } from '../platform/errors.ts';
import { scrubEvent } from './scrub.ts';

/**
 * Error tracking with Sentry (or any server speaking its envelope protocol). Off unless
 * SENTRY_DSN_BACKEND is set. Only server faults are sent: the error handler reports an error once the
 * catalogue has classified it (`reportable`, i.e. 5xx), so the Fastify integration's own capture, which
 * runs before that classification, is switched off.
 */
export function initSentry(config: SentryConfig, release: string): void {
  Sentry.init({
    dsn: config.dsn,
    environment: config.environment,
    release: config.release ?? release,
    tracesSampleRate: config.tracesSampleRate,
    // v11 replaced `sendDefaultPii` with per-category switches: collect no personal data by default.
    dataCollection: {
      userInfo: false,
      cookies: false,
      httpHeaders: { request: { deny: ['authorization', 'cookie', 'x-api-key'] }, response: false },
      httpBodies: [],
      urlQueryParams: false,
      stackFrameVariables: false,
      databaseQueryData: false,
      genAI: { inputs: false, outputs: false },
    },
    integrations: [Sentry.fastifyIntegration({ shouldHandleError: () => false })],
    transport: droppingTransport(config.timeoutMs),
    beforeSend(event, hint) {
      // A safety net for captures that bypass the error handler (4xx must never be sent).
      const original = hint.originalException;
      if (original instanceof AppError && !original.reportable) return null;
      return scrubEvent(event);
    },
  });
}

/** Reports a classified server fault with the request's id and the caller's user id (nothing else). */
export function reportError(error: unknown, request: FastifyRequest): void {
  if (!Sentry.isInitialized()) return;
  Sentry.withScope((scope) => {
    const user = (request as FastifyRequest & { user?: { id: string } | null }).user;
    if (user) scope.setUser({ id: user.id });
    scope.setTag('request_id', request.id);
    if (request.routeOptions.url) scope.setTag('route', request.routeOptions.url);
    Sentry.captureException(error, { mechanism: { handled: false, type: 'fastify.error-handler' } });
  });
}

/** Sends what is queued before the process exits (bounded, so shutdown never hangs on it). */
export async function flushSentry(timeoutMs = 2000): Promise<void> {
  if (Sentry.isInitialized()) await Sentry.close(timeoutMs);
}

/**
 * The SDK's transport, with a deadline: an ingest endpoint that is down or hangs costs a log line and
 * the event, never a request (sending is already off the request path; the deadline frees the queue).
 */
function droppingTransport(timeoutMs: number): typeof Sentry.makeNodeTransport {
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
          logDrop(error);
          return {};
        } finally {
          clearTimeout(timer);
        }
      },
    };
  };
}

function logDrop(error: unknown): void {
  // The app's logger does not exist yet when the SDK starts: write one pino-shaped line ourselves.
  const reason = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `${JSON.stringify({ level: 40, time: Date.now(), msg: 'sentry event dropped', reason })}\n`,
  );
}
