import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { ConfigError } from '../src/platform/config.ts';
import { createDatabase } from '../src/platform/database/client.ts';
import { runMigrations } from '../src/platform/database/migrate.ts';
import { freeLoopbackPort } from '@lexikon/harness/ports';
import {
  createTestContext,
  createTestDatabaseUrl,
  createUser,
  testConfig,
  type TestContext,
} from './support/test-app.ts';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

/** The value of one series in the text format, or undefined when the series does not exist. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const wanted = Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`));
    if (wanted) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

async function scrape(context: TestContext, headers: Record<string, string> = {}): Promise<string> {
  const response = await context.app.inject({ method: 'GET', url: '/metrics', headers });
  expect(response.statusCode).toBe(200);
  return response.body;
}

describe('GET /metrics in development', () => {
  let context: TestContext;
  beforeAll(async () => {
    context = await createTestContext();
  });
  afterAll(() => context.close());

  it('serves the Prometheus text format with runtime and pool series', async () => {
    const response = await context.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(response.body, 'process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
    expect(sample(response.body, 'nodejs_eventloop_lag_seconds')).toBeDefined();
    expect(sample(response.body, 'db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(0);
    expect(sample(response.body, 'db_pool_connections', { state: 'idle' })).toBeDefined();
    expect(sample(response.body, 'db_pool_connections', { state: 'waiting' })).toBe(0);
    expect(sample(response.body, 'llm_requests_total')).toBeUndefined(); // no label set used yet
    expect(response.body).toContain('# TYPE llm_requests_total counter');
  });

  it('labels requests by route template and status class, never by raw URL', async () => {
    const user = await createUser(context);
    const missingId = '00000000-0000-4000-8000-00000000abcd';
    for (let i = 0; i < 3; i++) await context.app.inject({ method: 'GET', url: '/health' });
    await context.app.inject({ method: 'GET', url: `/api/terms/${missingId}`, headers: user.auth });
    await context.app.inject({ method: 'GET', url: '/no/such/page-1234' });
    await context.app.inject({ method: 'GET', url: '/api/terms' }); // no token

    const text = await scrape(context);
    const health = { method: 'GET', route: '/health', status_class: '2xx' };
    expect(sample(text, 'http_requests_total', health)).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'http_request_duration_seconds_count', health)).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'http_request_duration_seconds_bucket', { ...health, le: '+Inf' })).toBeDefined();
    expect(
      sample(text, 'http_requests_total', { method: 'GET', route: '/api/terms/:id', status_class: '4xx' }),
    ).toBe(1);
    expect(
      sample(text, 'http_requests_total', { method: 'GET', route: 'not_found', status_class: '4xx' }),
    ).toBe(1);
    expect(
      sample(text, 'http_requests_total', { method: 'POST', route: '/api/auth/login', status_class: '2xx' }),
    ).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(missingId);
    expect(text).not.toContain('page-1234');
  });

  it('counts password and refresh attempts by outcome', async () => {
    const user = await createUser(context); // one successful password login
    const before = await scrape(context);
    const login = (password: string) =>
      context.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: user.email, password },
      });
    expect((await login('Wrong-Password-123')).statusCode).toBe(401);
    expect((await login(user.password)).statusCode).toBe(200);
    const refresh = (token: string) =>
      context.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: token } });
    expect((await refresh(user.refreshToken)).statusCode).toBe(200);
    expect((await refresh('not-a-real-refresh-token-000000000000000')).statusCode).toBe(401);

    const after = await scrape(context);
    const delta = (method: string, outcome: string) =>
      (sample(after, 'auth_attempts_total', { method, outcome }) ?? 0) -
      (sample(before, 'auth_attempts_total', { method, outcome }) ?? 0);
    expect(delta('password', 'failure')).toBe(1);
    expect(delta('password', 'success')).toBe(1);
    expect(delta('refresh', 'success')).toBe(1);
    expect(delta('refresh', 'failure')).toBe(1);
  });

  it('is hidden from the OpenAPI document', async () => {
    const document = (await context.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(document.paths)).not.toContain('/metrics');
    expect(Object.keys(document.paths).some((path) => path.startsWith('/debug'))).toBe(false);
  });
});

describe('rate-limit rejections', () => {
  let context: TestContext;
  beforeAll(async () => {
    context = await createTestContext({
      AUTH_LOGIN_LIMIT_PER_IP: '2/60',
      AUTH_REGISTER_LIMIT_PER_IP: '1/60',
    });
  });
  afterAll(() => context.close());

  it('counts each refusal by limit, and the refused login as a failed attempt', async () => {
    const payload = { email: 'nobody@example.org', password: 'Whatever-Password-1' };
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push(
        (await context.app.inject({ method: 'POST', url: '/api/auth/login', payload })).statusCode,
      );
    expect(statuses).toEqual([401, 401, 429]);
    for (const email of ['a@example.org', 'b@example.org'])
      await context.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { email, password: 'Correct-Horse-9-Battery' },
      });

    const text = await scrape(context);
    expect(sample(text, 'rate_limit_rejections_total', { limit: 'login_ip' })).toBe(1);
    expect(sample(text, 'rate_limit_rejections_total', { limit: 'register_ip' })).toBe(1);
    expect(sample(text, 'rate_limit_rejections_total', { limit: 'login_account' })).toBeUndefined();
    expect(sample(text, 'auth_attempts_total', { method: 'password', outcome: 'failure' })).toBe(3);
  });
});

describe('database failures', () => {
  it('are counted by kind in the error handler', async () => {
    const config = testConfig({}, await createTestDatabaseUrl());
    const lines: string[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    const database = createDatabase(config.database, logger);
    await runMigrations(database);
    const app = await buildApp({ config, database, logger });
    // A driver error as PostgreSQL reports an administrator shutdown (SQLSTATE 57P01).
    app.get('/test/db-down', async () => {
      throw Object.assign(new Error('terminating connection due to administrator command'), {
        code: '57P01',
      });
    });
    try {
      const response = await app.inject({ method: 'GET', url: '/test/db-down' });
      expect(response.statusCode).toBe(503);
      const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(sample(text, 'db_query_errors_total', { kind: 'unavailable' })).toBe(1);
      expect(sample(text, 'http_requests_total', { route: '/test/db-down', status_class: '5xx' })).toBe(1);
      expect(lines.join('')).toContain('terminating connection');
    } finally {
      await app.close();
      await database.close();
    }
  });
});

describe('GET /metrics in production', () => {
  it('refuses to start without a token or an internal port', () => {
    expect(() => testConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => testConfig({ NODE_ENV: 'production' })).toThrow(/METRICS_TOKEN: required/);
    expect(() => testConfig({ NODE_ENV: 'production', METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
  });

  describe('with METRICS_TOKEN', () => {
    let context: TestContext;
    beforeAll(async () => {
      context = await createTestContext({ NODE_ENV: 'production', METRICS_TOKEN });
    });
    afterAll(() => context.close());

    it('answers 401 without the token or with a wrong one, 200 with it', async () => {
      const get = (headers: Record<string, string> = {}) =>
        context.app.inject({ method: 'GET', url: '/metrics', headers });
      const anonymous = await get();
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(anonymous.body).not.toContain('process_cpu');
      expect((await get({ authorization: 'Bearer wrong-token-wrong-token-000' })).statusCode).toBe(401);
      expect((await get({ authorization: `Basic ${METRICS_TOKEN}` })).statusCode).toBe(401);
      const allowed = await get({ authorization: `Bearer ${METRICS_TOKEN}` });
      expect(allowed.statusCode).toBe(200);
      expect(allowed.body).toContain('http_requests_total');
    });
  });

  describe('with METRICS_PORT', () => {
    let context: TestContext;
    let port: number;
    beforeAll(async () => {
      port = await freeLoopbackPort();
      context = await createTestContext({ NODE_ENV: 'production', METRICS_PORT: String(port) });
    });
    afterAll(() => context.close());

    it('serves /metrics on the internal port only, and frees it on close', async () => {
      expect((await context.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
      await context.app.inject({ method: 'GET', url: '/health' });
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await response.text();
      expect(sample(text, 'http_requests_total', { route: '/health', status_class: '2xx' })).toBe(1);
    });
  });

  it('closes the internal port with the app', async () => {
    const port = await freeLoopbackPort();
    const context = await createTestContext({ METRICS_PORT: String(port), METRICS_TOKEN });
    const unauthorized = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(unauthorized.status).toBe(401);
    const allowed = await fetch(`http://127.0.0.1:${port}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(allowed.status).toBe(200);
    await context.close();
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });
});
