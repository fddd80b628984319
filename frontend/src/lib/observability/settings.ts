import {
  SENTRY_DSN_FRONTEND,
  SENTRY_ENVIRONMENT,
  SENTRY_RELEASE,
  SENTRY_REPLAYS_ON_ERROR_SAMPLE_RATE,
  SENTRY_REPLAYS_SESSION_SAMPLE_RATE,
  SENTRY_TRACES_SAMPLE_RATE,
} from '$app/env/public';

/**
 * Error tracking settings, the same in the browser and on the web server (public environment variables,
 * read when the server starts; see src/env.ts). Null when SENTRY_DSN_FRONTEND is unset: then nothing
 * of Sentry is loaded anywhere.
 */
export interface TrackingSettings {
  dsn: string;
  /** Where the browser posts its reports (TUNNEL_PATH). */
  tunnel: string;
  environment: string;
  release: string;
  tracesSampleRate: number;
  replaysSessionSampleRate: number;
  replaysOnErrorSampleRate: number;
}

/** Same-origin path of the envelope tunnel (src/routes/monitoring/+server.ts). */
export const TUNNEL_PATH = '/monitoring';

export function trackingSettings(): TrackingSettings | null {
  if (!SENTRY_DSN_FRONTEND) return null;
  return {
    dsn: SENTRY_DSN_FRONTEND,
    tunnel: TUNNEL_PATH,
    environment: SENTRY_ENVIRONMENT,
    release: SENTRY_RELEASE,
    tracesSampleRate: SENTRY_TRACES_SAMPLE_RATE,
    replaysSessionSampleRate: SENTRY_REPLAYS_SESSION_SAMPLE_RATE,
    replaysOnErrorSampleRate: SENTRY_REPLAYS_ON_ERROR_SAMPLE_RATE,
  };
}
