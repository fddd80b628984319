import { SENTRY_DSN_FRONTEND } from '$app/env/public';
import { SENTRY_TIMEOUT_MS } from '$app/env/private';
import { parseDsn } from '#lib/observability/dsn.ts';
import { forwardEnvelope, TUNNEL_MAX_BYTES, tunnelOff } from '#lib/observability/tunnel.server.ts';
import type { RequestHandler } from './$types';

// Parsed once: env.ts has already refused an invalid DSN at start-up.
const dsn = SENTRY_DSN_FRONTEND ? parseDsn(SENTRY_DSN_FRONTEND) : null;

/** The browser SDK's `tunnel`: envelopes for our own Sentry project, relayed from our own origin. */
export const POST: RequestHandler = ({ request }) => {
  if (!dsn) return tunnelOff();
  return forwardEnvelope(request, { dsn, maxBytes: TUNNEL_MAX_BYTES, timeoutMs: SENTRY_TIMEOUT_MS });
};
