import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApp } from '../../src/app.ts';
import { createDatabase } from '../../src/platform/database/client.ts';
import { runMigrations } from '../../src/platform/database/migrate.ts';
import { ManualClock } from './manual-clock.ts';
import { createTestDatabaseUrl, testConfig, type TestContext } from './test-app.ts';

export { ManualClock };

export interface ValidationTestContext extends TestContext {
  clock: ManualClock;
}

/** The real app on a fresh database with a manual clock (and, when given, an LLM at `LLM_BASE_URL`). */
export async function createValidationContext(
  overrides: Record<string, string | undefined> = {},
): Promise<ValidationTestContext> {
  const config = testConfig(overrides, await createTestDatabaseUrl());
  const logger = pino({ level: 'silent' });
  const database = createDatabase(config.database, logger);
  await runMigrations(database);
  const clock = new ManualClock();
  const app = await buildApp({ config, database, logger, clock });
  await app.ready();
  return {
    app,
    database,
    config,
    clock,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

/** LLM settings for a fake server: fast retries, a breaker that stays closed unless a test says otherwise. */
export function llmEnvironment(url: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    LLM_BASE_URL: url,
    LLM_MODEL: 'fake-model',
    LLM_API_KEY: 'test-key',
    LLM_TIMEOUT_MS: '2000',
    LLM_MAX_ATTEMPTS: '3',
    LLM_RETRY_BASE_MS: '20',
    LLM_RETRY_MAX_MS: '1500',
    LLM_CIRCUIT_FAILURES: '100',
    LLM_CIRCUIT_COOLDOWN_MS: '30000',
    ...overrides,
  };
}

/**
 * The sum of a metric's samples whose labels include `labels` (for a histogram, pass the sample name,
 * e.g. `llm_response_time_seconds_count`).
 */
export async function metricValue(
  app: FastifyInstance,
  name: string,
  labels: Record<string, string> = {},
  sample?: string,
): Promise<number> {
  const metric = app.metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const data = await metric.get();
  return data.values
    .filter((value) => sample === undefined || (value as { metricName?: string }).metricName === sample)
    .filter((value) =>
      Object.entries(labels).every(([key, expected]) => String(value.labels[key]) === expected),
    )
    .reduce((sum, value) => sum + value.value, 0);
}
