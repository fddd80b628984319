import { readFileSync } from 'node:fs';
import { loadDotEnv, loadSentryConfig } from '../platform/config.ts';
import { initSentry } from './sentry.ts';

/**
 * Loaded before the app (first import of main.ts, or `node --import ./src/observability/instrument.ts`),
 * so the SDK sees the HTTP server and Fastify from the start. Without SENTRY_DSN_BACKEND it does nothing.
 */
loadDotEnv();
const config = loadSentryConfig();
if (config) {
  const { name, version } = JSON.parse(
    readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
  ) as {
    name: string;
    version: string;
  };
  initSentry(config, `${name}@${version}`);
}
