import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  content,
  httpStatus,
  slow,
  startFakeLlm,
  verdict,
  type FakeLlm,
  type FakeReply,
} from '@lexikon/harness/fakes/llm';
import { trackReliability } from '@lexikon/harness/reliability/records';
import { expectLogsFreeOfSecrets, LogWatch } from '@lexikon/harness/reliability/logs';
import { signUp, startProductionServer, type ProductionServer } from '@lexikon/harness/reliability/server';
import { createTestDatabaseUrl, testDatabaseKind } from '../support/test-app.ts';

// Real processes on a shared 2-core machine: generous deadlines, only to detect a hang.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

// Fault 3: the LLM endpoint fails in every way at once (HTTP 500, 429, malformed JSON, too slow) while a
// production server with its background validation worker takes writes. The fine-grained behaviour of
// each failure (backoff, Retry-After, the circuit breaker) is in validation-llm.test.ts and
// validation-jobs.test.ts; this is the whole system under a failing LLM.
const TERMS = 6;
const FAILURES: FakeReply[] = [
  httpStatus(500),
  httpStatus(429, { 'retry-after-ms': '50' }),
  content('{"findings": [{"type": "too_vague",'),
  slow(3000, verdict()),
];

let llm: FakeLlm;
let server: ProductionServer;
let dataDir: string | undefined;
let databaseUrl: string | undefined;
const logs = new LogWatch();
const METRICS_TOKEN = 'llm-outage-metrics-token-0123456789';

beforeAll(async () => {
  llm = await startFakeLlm();
  llm.fallback = httpStatus(500);
  // Every reply a failure, in turn, as long as the run lasts.
  llm.script(...Array.from({ length: 400 }, (_, index) => FAILURES[index % FAILURES.length]!));
  let database: Record<string, string>;
  if (testDatabaseKind() === 'postgres') {
    databaseUrl = (await createTestDatabaseUrl())!;
    database = { DATABASE_URL: databaseUrl };
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'lexikon-llm-outage-'));
    database = { LEXIKON_DATA_DIR: dataDir };
  }
  server = await startProductionServer(
    {
      ...database,
      METRICS_TOKEN,
      LLM_BASE_URL: llm.url,
      LLM_MODEL: 'fake-model',
      LLM_API_KEY: 'llm-outage-api-key-0123456789',
      LLM_TIMEOUT_MS: '500',
      LLM_MAX_ATTEMPTS: '3',
      LLM_RETRY_BASE_MS: '20',
      LLM_RETRY_MAX_MS: '200',
      // The breaker would stop calling the LLM at all; here every call must meet a failure.
      LLM_CIRCUIT_FAILURES: '1000',
      VALIDATION_WORKER_POLL_MS: '100',
      VALIDATION_JOB_MAX_ATTEMPTS: '2',
      VALIDATION_JOB_BACKOFF_MS: '100',
    },
    { watch: logs },
  );
  logs.secret('LLM API key', 'llm-outage-api-key-0123456789');
  logs.secret('metrics token', METRICS_TOKEN);
});
afterAll(async () => {
  await server?.stop();
  await llm?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function metric(text: string, name: string, labels: Record<string, string>): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`))
    .filter((line) => Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`)))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

describe('fault 3: the LLM slow, failing (500, 429) and answering malformed JSON', () => {
  it('never blocks or fails a write; retries, records the failure, and counts it by type', async () => {
    const record = await trackReliability({
      id: 'fault-3-llm-failing',
      kind: 'fault',
      title: 'LLM endpoint slow, failing (500/429) or answering malformed JSON',
      injected: `An OpenAI-compatible endpoint answering only 500, 429 (Retry-After), truncated JSON and 3 s delays (timeout 500 ms), while ${TERMS} terms are written and validated in the background and once on demand`,
      expected:
        'Every write 201 at once; each job retried with backoff, then recorded as failed with its reason; "validate now" answers 201 with the failure recorded; llm_failures_total counts each reason',
    });
    const user = await signUp(server.baseUrl, 'llm');
    logs.secret('password', user.password);
    logs.secret('access token', user.accessToken);
    logs.secret('refresh token', user.refreshToken);
    const ids: string[] = [];
    let slowest = 0;
    for (let index = 0; index < TERMS; index++) {
      const created = await server.call('/api/terms', {
        method: 'POST',
        token: user.accessToken,
        // A write that waited for the LLM would hang with it: the client's deadline fails it.
        timeoutMs: 10_000,
        body: {
          term: `Failing validation ${index}`,
          definition: `A definition written while the language model fails in every possible way, number ${index}.`,
          domain: 'Reliability',
        },
      });
      slowest = Math.max(slowest, created.ms);
      expect(created.status).toBe(201);
      ids.push(String(created.body.id));
    }
    const now = await server.call(`/api/terms/${ids[0]}/validate`, {
      method: 'POST',
      token: user.accessToken,
      timeoutMs: 30_000,
    });

    // Wait for the background jobs to give up (two attempts each).
    const history = async (id: string) =>
      (await server.call(`/api/terms/${id}/validations`, { token: user.accessToken })).body as {
        items: { trigger: string; status: string; error_reason: string | null; llm_attempts: number }[];
        pending_job: unknown;
      };
    const deadline = performance.now() + 90_000;
    let settled: Awaited<ReturnType<typeof history>>[] = [];
    while (performance.now() < deadline) {
      settled = await Promise.all(ids.map(history));
      if (
        settled.every(
          (page) => page.pending_job === null && page.items.some((item) => item.trigger === 'job'),
        )
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const exposition = await (
      await fetch(`${server.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    const failures = Object.fromEntries(
      ['server_error', 'rate_limited', 'malformed', 'timeout'].map((reason) => [
        reason,
        metric(exposition, 'llm_failures_total', { reason }),
      ]),
    );
    const jobRecords = settled.flatMap((page) => page.items.filter((item) => item.trigger === 'job'));
    const failedJobs = jobRecords.filter((item) => item.status !== 'ok');

    record.set('writes', TERMS);
    record.set('201', ids.length);
    record.set('slowest write (ms)', Math.round(slowest));
    record.set('LLM requests', llm.requests.length);
    record.set('job validations recorded', jobRecords.length);
    record.set('recorded as failed', failedJobs.length);
    for (const [reason, count] of Object.entries(failures))
      record.set(`llm_failures_total{${reason}}`, count);
    record.observe(
      `${TERMS} writes answered 201 (slowest ${Math.round(slowest)} ms); ${llm.requests.length} LLM requests; ${failedJobs.length}/${jobRecords.length} background validations (of ${TERMS} terms) recorded as failed (${[...new Set(failedJobs.map((item) => item.error_reason))].join(', ')}); "validate now" ${now.status} ${String(now.body.status)}; failures by reason ${JSON.stringify(failures)}`,
    );

    expect(now.status).toBe(201);
    expect(now.body.status).not.toBe('ok');
    expect(now.body.error_reason).toEqual(expect.any(String));
    // The definitions are near-duplicates of one another, so a term's job may queue another run of the
    // terms it duplicates (their findings should name it too): at least one job record per term.
    for (const page of settled) expect(page.items.some((item) => item.trigger === 'job')).toBe(true);
    expect(failedJobs).toHaveLength(jobRecords.length);
    for (const item of failedJobs) expect(item.error_reason).toEqual(expect.any(String));
    // Retried: more calls than validations.
    expect(llm.requests.length).toBeGreaterThan(TERMS + 1);
    for (const count of Object.values(failures)) expect(count).toBeGreaterThan(0);

    if (databaseUrl) {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      const { rows } = await client.query(
        `SELECT status, count(*)::int AS n FROM validation_jobs GROUP BY status ORDER BY status`,
      );
      await client.end();
      // Finished either way: given up after its attempts (failed), or done with a malformed answer recorded
      // (not worth retrying); none left queued or running.
      for (const row of rows) record.set(`jobs ${row.status}`, row.n);
      expect(rows.every((row) => row.status === 'done' || row.status === 'failed')).toBe(true);
      expect(rows.reduce((sum, row) => sum + row.n, 0)).toBeGreaterThanOrEqual(TERMS);
    }
  });

  it('leaks no password, token or key into the server log', async () => {
    await expectLogsFreeOfSecrets(logs, `llm-outage-${testDatabaseKind()}`);
  });
});
