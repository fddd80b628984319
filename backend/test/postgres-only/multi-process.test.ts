import { request as httpRequest, get as httpGet } from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedirectWalker } from '../support/browser-flow.ts';
import { startFakeGitHub, type FakeGitHub } from '@lexikon/harness/fakes/github';
import { freeLoopbackPort } from '@lexikon/harness/ports';
import { startServerProcess, type ServerProcess } from '@lexikon/harness/server-process';
import { createTestDatabaseUrl } from '../support/test-app.ts';

/**
 * Serving from several processes on one PostgreSQL database, with the real entry point: `a` is a cluster
 * (API_WORKERS=2), `b` a single process, `c` another cluster with its metrics on an internal port. What
 * one process decided (a rate-limit count, a rotated refresh token, an OAuth state, a claimed validation
 * job) must hold on the others; `/metrics` must be the sum over a cluster's workers; a cluster must
 * replace a worker that dies and drain on SIGTERM.
 *
 * The login limits are the defaults (10 per account per 5 min, 20 per IP per minute), on purpose: this
 * file proves they hold across processes. Every test here logs in from 127.0.0.1, so the file stays
 * well under 20 logins.
 */

const JWT_SECRET = 'multi-process-test-secret-0123456789-abcdefghijklmnop';
const METRICS_TOKEN = 'multi-process-metrics-token-0123456789';
const WEB = 'http://127.0.0.1:9'; // the web app's public URL: providers redirect there, nobody fetches it
const PASSWORD = 'Multi-Process-Password-1';
const clusterOf = (count: number) =>
  new RegExp(`Lexikon API on (http://127\\.0\\.0\\.1:\\d+) .*with ${count} processes`);

let databaseUrl: string;
let github: FakeGitHub;
let a: ServerProcess;
let b: ServerProcess;
const started: ServerProcess[] = [];

function environment(extra: Record<string, string> = {}): Record<string, string> {
  return {
    // Development, not production: the GitHub stand-in speaks plain http, which production refuses.
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    JWT_SECRET,
    METRICS_TOKEN,
    LEXIKON_DATA_DIR: ':memory:',
    VALIDATION_WORKER_POLL_MS: '100',
    PUBLIC_WEB_URL: WEB,
    OAUTH_ALLOW_HTTP: 'true',
    GITHUB_CLIENT_ID: github.clientId,
    GITHUB_CLIENT_SECRET: github.clientSecret,
    GITHUB_URL: github.url,
    GITHUB_API_URL: github.url,
    ...extra,
  };
}

async function start(env: Record<string, string>, workers = 1): Promise<ServerProcess> {
  const server = await startServerProcess(env, workers > 1 ? { ready: clusterOf(workers) } : {});
  started.push(server);
  return server;
}

beforeAll(async () => {
  databaseUrl = (await createTestDatabaseUrl())!;
  github = await startFakeGitHub();
  // One after the other: the cluster's primary migrates the empty database first.
  a = await start(environment({ API_WORKERS: '2' }), 2);
  b = await start(environment({ API_WORKERS: '1' }));
}, 90_000);

afterAll(async () => {
  for (const server of started) if (server.child.exitCode === null) server.child.kill('SIGTERM');
  await Promise.all(started.map((server) => server.exited));
  await github?.close();
});

interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

async function call(
  server: ServerProcess,
  path: string,
  init: { method?: string; body?: unknown; token?: string } = {},
): Promise<Reply> {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method: init.method ?? (init.body ? 'POST' : 'GET'),
    headers: {
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  return {
    status: response.status,
    body: (await response.json().catch(() => ({}))) as Record<string, unknown>,
    headers: response.headers,
  };
}

async function register(server: ServerProcess, email: string): Promise<void> {
  const registered = await call(server, '/api/auth/register', { body: { email, password: PASSWORD } });
  expect(registered.status, JSON.stringify(registered.body)).toBe(201);
}

async function login(server: ServerProcess, email: string): Promise<{ access: string; refresh: string }> {
  const response = await call(server, '/api/auth/login', { body: { email, password: PASSWORD } });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return { access: String(response.body.access_token), refresh: String(response.body.refresh_token) };
}

/** A GET on a connection of its own, so node:cluster's round-robin hands each one to the next worker. */
function getOnFreshConnection(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    httpGet(url, { agent: false, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    }).on('error', reject);
  });
}

/** The value of one series in Prometheus' text format (0 when absent). */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

const HEALTH_SERIES = 'http_requests_total{method="GET",route="/health",status_class="2xx"}';

/** The pino lines a server process printed, parsed (non-JSON lines skipped). */
function logLines(server: ServerProcess): Record<string, unknown>[] {
  return server
    .output()
    .split('\n')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

/** The pids of the processes that logged "Server listening at", in order. */
function servingPids(server: ServerProcess): number[] {
  return logLines(server)
    .filter((line) => String(line.msg).startsWith('Server listening at'))
    .map((line) => Number(line.pid));
}

async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('state shared through PostgreSQL across processes', () => {
  it('counts login attempts for an account across processes and answers 429 with Retry-After (default limits)', async () => {
    const email = 'limited@example.org';
    await register(a, email);
    // The default AUTH_LOGIN_LIMIT_PER_ACCOUNT is 10 per 300 s: ten failures, alternating processes…
    for (let attempt = 0; attempt < 10; attempt++) {
      const server = attempt % 2 === 0 ? a : b;
      const response = await call(server, '/api/auth/login', {
        body: { email, password: 'wrong-password-1' },
      });
      expect(response.status).toBe(401);
    }
    // …and the eleventh is refused on either, even with the right password.
    for (const server of [b, a]) {
      const refused = await call(server, '/api/auth/login', { body: { email, password: PASSWORD } });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(300);
    }
    // The cluster's own metrics count its one refusal, whichever of its workers answered it.
    const text = await (
      await fetch(`${a.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    expect(sample(text, 'rate_limit_rejections_total{limit="login_account"}')).toBe(1);
  });

  it('rotates a refresh token on one process and detects its replay on another, revoking the family', async () => {
    const email = 'rotation@example.org';
    await register(b, email);
    const first = await login(a, email);
    const rotated = await call(b, '/api/auth/refresh', { body: { refresh_token: first.refresh } });
    expect(rotated.status).toBe(200);
    const second = String(rotated.body.refresh_token);

    const replay = await call(a, '/api/auth/refresh', { body: { refresh_token: first.refresh } });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('invalid-refresh-token');
    expect(String(replay.body.detail)).toContain('already used');
    // The whole family is revoked: the token that replaced it is dead too, on every process.
    for (const server of [b, a]) {
      const after = await call(server, '/api/auth/refresh', { body: { refresh_token: second } });
      expect(after.status).toBe(401);
    }
  });

  it('accepts an OAuth state created on one process exactly once on another', async () => {
    github.signInAs({
      id: 4242,
      login: 'octo-multi',
      name: 'Octo Multi',
      email: null,
      emails: [{ email: 'octo-multi@users.example', primary: true, verified: true, visibility: 'private' }],
    });
    const startFlow = await fetch(`${a.baseUrl}/api/auth/oauth/github`, { redirect: 'manual' });
    expect(startFlow.status).toBe(302);
    const callback = await new RedirectWalker(WEB).walk(String(startFlow.headers.get('location')));
    expect(callback.searchParams.get('state')).toBeTruthy();

    const finished = await call(b, `/api/auth/oauth/github/callback${callback.search}`);
    expect(finished.status, JSON.stringify(finished.body)).toBe(200);
    expect(finished.body).toMatchObject({ mode: 'login', tokens: { token_type: 'bearer' } });
    const replayed = await call(a, `/api/auth/oauth/github/callback${callback.search}`);
    expect(replayed.status).toBe(400);
    expect(replayed.body.code).toBe('oauth-state-invalid');
  });

  it('runs each background validation job exactly once while every process polls the queue', async () => {
    const QUEUE_SUBJECTS = [
      'Granite quarries',
      'Migrating swallows',
      'Copper wiring',
      'Tidal estuaries',
      'Baroque fugues',
      'Volcanic basalt',
      'Sourdough starters',
      'Orbital debris',
      'Medieval charters',
      'Desert lichens',
      'Glacier moraines',
      'Jazz improvisation',
    ];
    const email = 'validator@example.org';
    await register(a, email);
    const { access } = await login(b, email);
    for (let index = 0; index < 12; index++) {
      const created = await call(index % 2 === 0 ? a : b, '/api/terms', {
        token: access,
        body: {
          term: `Shared queue ${index}`,
          // Distinct definitions: near-duplicates would queue further runs of each other.
          definition: `${QUEUE_SUBJECTS[index]} observed while exercising the validation job queue.`,
          domain: 'Queue',
        },
      });
      expect(created.status).toBe(201);
    }
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const pending = async () =>
        Number(
          (
            await client.query<{ count: string }>(
              `SELECT count(*) FROM validation_jobs j JOIN terms t ON t.id = j.term_id
               WHERE t.domain = 'Queue' AND j.status NOT IN ('done', 'failed', 'skipped')`,
            )
          ).rows[0]!.count,
        );
      await until(async () => (await pending()) === 0, 'the validation queue to drain');
      const jobs = await client.query<{ status: string; attempts: number; runs: string }>(
        `SELECT j.status, j.attempts,
                (SELECT count(*) FROM term_validations v
                 WHERE v.term_id = j.term_id AND v.trigger = 'job' AND v.term_version = j.term_version) AS runs
         FROM validation_jobs j JOIN terms t ON t.id = j.term_id WHERE t.domain = 'Queue'`,
      );
      expect(jobs.rows).toHaveLength(12);
      for (const job of jobs.rows)
        expect({ ...job, runs: Number(job.runs) }).toEqual({ status: 'done', attempts: 1, runs: 1 });
    } finally {
      await client.end();
    }
  });
});

describe('a cluster of API workers', () => {
  it('serves /metrics as the sum over its workers', async () => {
    const before = await getOnFreshConnection(`${a.baseUrl}/metrics`, {
      authorization: `Bearer ${METRICS_TOKEN}`,
    });
    expect(before.status).toBe(200);
    const base = sample(before.text, HEALTH_SERIES);
    for (let index = 0; index < 10; index++)
      expect((await getOnFreshConnection(`${a.baseUrl}/health`)).status).toBe(200);

    // Both workers answered some of them, so neither one's own count is the total…
    const healthPids = new Set(
      logLines(a)
        .filter((line) => (line.req as { path?: string } | undefined)?.path === '/health')
        .map((line) => line.pid),
    );
    expect(healthPids.size).toBe(2);
    // …yet every scrape, whichever worker it lands on, reports the total.
    for (let scrape = 0; scrape < 4; scrape++) {
      const metrics = await getOnFreshConnection(`${a.baseUrl}/metrics`, {
        authorization: `Bearer ${METRICS_TOKEN}`,
      });
      expect(metrics.status).toBe(200);
      expect(sample(metrics.text, HEALTH_SERIES)).toBe(base + 10);
      // Pool gauges of the living workers are summed too (each worker's pool holds at least one connection).
      expect(sample(metrics.text, 'db_pool_connections{state="total"}')).toBeGreaterThanOrEqual(2);
    }
    expect((await getOnFreshConnection(`${a.baseUrl}/metrics`)).status).toBe(401);
  });

  it('replaces a worker that dies, keeps its counts, and drains on SIGTERM, finishing requests in flight', async () => {
    const metricsPort = await freeLoopbackPort();
    const c = await start(environment({ API_WORKERS: '2', METRICS_PORT: String(metricsPort) }), 2);
    const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    const scrape = async () => {
      const response = await getOnFreshConnection(metricsUrl, { authorization: `Bearer ${METRICS_TOKEN}` });
      expect(response.status).toBe(200);
      return sample(response.text, HEALTH_SERIES);
    };
    // METRICS_PORT: served on the internal port (shared by the workers), not on the API port.
    expect((await getOnFreshConnection(`${c.baseUrl}/metrics`)).status).toBe(404);
    for (let index = 0; index < 6; index++) await getOnFreshConnection(`${c.baseUrl}/health`);
    expect(await scrape()).toBe(6);

    const [victim, survivor] = servingPids(c);
    process.kill(victim!, 'SIGKILL');
    await until(() => servingPids(c).length === 3, 'a replacement worker');
    expect(c.output()).toContain('API worker exited unexpectedly; starting a replacement');
    const replacement = servingPids(c)[2]!;
    expect([victim, survivor]).not.toContain(replacement);
    // The dead worker's requests are still counted (never a drop, which Prometheus would take for a reset).
    expect(await scrape()).toBe(6);
    for (let index = 0; index < 4; index++)
      expect((await getOnFreshConnection(`${c.baseUrl}/health`)).status).toBe(200);
    expect(await scrape()).toBe(10);

    // Drain: a request in flight when the primary gets SIGTERM still completes, and the primary exits 0.
    const email = 'drain@example.org';
    await register(c, email);
    const { access } = await login(c, email);
    const inFlight = slowPost(`${c.baseUrl}/api/terms`, access, {
      term: 'Drained',
      definition: 'Sent while the cluster is asked to stop.',
    });
    await inFlight.started;
    c.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    inFlight.finish();
    expect(await inFlight.status).toBe(201);
    expect(await c.exited, c.output()).toBe(0);
    expect(c.output()).toContain('all API workers have exited');
    const messages = logLines(c).map((line) => String(line.msg));
    expect(messages.filter((message) => message === 'shutting down')).toHaveLength(2);
    const list = await call(a, '/api/terms?q=Drained', { token: access });
    expect(JSON.stringify(list.body)).toContain('Drained');
  });
});

/** A POST whose body is sent in two parts, so the test controls when the request can complete. */
function slowPost(url: string, token: string, body: unknown) {
  const payload = Buffer.from(JSON.stringify(body));
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const req = httpRequest(url, {
    method: 'POST',
    agent: false,
    headers: {
      'content-type': 'application/json',
      'content-length': payload.length,
      authorization: `Bearer ${token}`,
    },
  });
  const status = new Promise<number>((resolve, reject) => {
    req.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on('error', reject);
  });
  req.flushHeaders();
  req.write(payload.subarray(0, 10), () => setTimeout(markStarted, 200));
  return { started, status, finish: () => req.end(payload.subarray(10)) };
}
