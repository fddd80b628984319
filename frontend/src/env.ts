import { defineEnvVars } from '@sveltejs/kit/env';
import { name, version } from '../package.json';
import { parseDsn } from './lib/observability/dsn.ts';

// Optional values: blank counts as unset, so `VAR=` in a .env file means "not configured".
const optional = (value: string | undefined): string | undefined => value?.trim() || undefined;

// The API's rule: development unless NODE_ENV says otherwise (`npm start` leaves it unset).
const nodeEnv = (): string => optional(process.env.NODE_ENV) ?? 'development';

function flag(variable: string, value: string | undefined): boolean | undefined {
  const text = optional(value);
  if (text === undefined) return undefined;
  if (['true', '1'].includes(text)) return true;
  if (['false', '0'].includes(text)) return false;
  throw new Error(`${variable} must be true or false, got "${text}"`);
}

function rate(variable: string, value: string | undefined, fallback: number): number {
  const text = optional(value);
  if (text === undefined) return fallback;
  const parsed = Number(text);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1)
    throw new Error(`${variable} must be a number from 0 to 1, got "${text}"`);
  return parsed;
}

/** The web app's configuration, read when the server starts (never inlined into the build). */
export const variables = defineEnvVars({
  LEXIKON_API_URL: {
    description:
      'Base URL of the Lexikon API, as the web server reaches it (browsers never call it directly).',
    schema: (value) => {
      const url = value?.trim() || 'http://127.0.0.1:8000';
      if (!/^https?:\/\/[^/]+/.test(url))
        throw new Error(`LEXIKON_API_URL must be an http(s) URL, got "${url}"`);
      return url.replace(/\/+$/, '');
    },
  },
  NODE_ENV: {
    description: 'development | production | test (production closes the debug routes).',
    schema: (value) => optional(value) ?? 'development',
  },
  DEBUG_ROUTES: {
    description:
      'Serve /debug/error (deliberate browser and server errors, to check error tracking): ' +
      'on outside production; in production only when true, and only for administrators.',
    schema: (value) => flag('DEBUG_ROUTES', value) ?? nodeEnv() !== 'production',
  },
  // Error tracking. Public: the browser needs them, and they are read when the server starts, so one
  // build runs with or without Sentry. The DSN's key is public by design; nothing secret lives here.
  SENTRY_DSN_FRONTEND: {
    public: true,
    description:
      "DSN of the web app's Sentry project. Unset: no error tracking, and no Sentry code is loaded.",
    schema: (value) => {
      const dsn = optional(value);
      if (dsn !== undefined && !parseDsn(dsn))
        throw new Error(
          `SENTRY_DSN_FRONTEND must be a Sentry DSN (https://KEY@HOST/PROJECT_ID), got "${dsn}"`,
        );
      return dsn;
    },
  },
  SENTRY_ENVIRONMENT: {
    public: true,
    description: 'Environment name on error reports (default: NODE_ENV, as for the API).',
    schema: (value) => optional(value)?.slice(0, 64) ?? nodeEnv(),
  },
  SENTRY_RELEASE: {
    public: true,
    description: `Release name on error reports (default: ${name}@${version}).`,
    schema: (value) => optional(value)?.slice(0, 200) ?? `${name}@${version}`,
  },
  SENTRY_TRACES_SAMPLE_RATE: {
    public: true,
    description: 'Share of page loads, navigations and server requests traced (0 to 1, default 0.1).',
    schema: (value) => rate('SENTRY_TRACES_SAMPLE_RATE', value, 0.1),
  },
  SENTRY_REPLAYS_SESSION_SAMPLE_RATE: {
    public: true,
    description: 'Share of browser sessions recorded as replays (0 to 1, default 0.1; text is masked).',
    schema: (value) => rate('SENTRY_REPLAYS_SESSION_SAMPLE_RATE', value, 0.1),
  },
  SENTRY_REPLAYS_ON_ERROR_SAMPLE_RATE: {
    public: true,
    description: 'Share of sessions with an error whose last minute is sent as a replay (default 1).',
    schema: (value) => rate('SENTRY_REPLAYS_ON_ERROR_SAMPLE_RATE', value, 1),
  },
  SENTRY_TIMEOUT_MS: {
    description: 'Deadline for each delivery to Sentry from the web server, in milliseconds (default 5000).',
    schema: (value) => {
      const text = optional(value);
      const parsed = text === undefined ? 5000 : Number(text);
      if (!Number.isInteger(parsed) || parsed < 100 || parsed > 60_000)
        throw new Error(`SENTRY_TIMEOUT_MS must be an integer from 100 to 60000, got "${text}"`);
      return parsed;
    },
  },
});
