import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runServerExpectingFailure, startServerProcess } from '@lexikon/harness/server-process';
import { createTestDatabaseUrl, testDatabaseKind } from './support/test-app.ts';

const strongSecret = 'k3'.repeat(20) + 'ZxY9-8w7v6u5t4';
const dataDirs: string[] = [];

interface ResponseBody {
  id: string;
  access_token: string;
  refresh_token: string;
  [field: string]: unknown;
}
afterAll(() => dataDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function databaseEnv(): Promise<Record<string, string>> {
  if (testDatabaseKind() === 'postgres') return { DATABASE_URL: (await createTestDatabaseUrl())! };
  const dir = mkdtempSync(join(tmpdir(), 'lexikon-server-'));
  dataDirs.push(dir);
  return { LEXIKON_DATA_DIR: dir };
}

describe('start-up configuration', () => {
  it.each([
    [
      'no JWT_SECRET in production',
      { NODE_ENV: 'production' },
      /JWT_SECRET: required when NODE_ENV=production/,
    ],
    [
      'a weak JWT_SECRET in production',
      { NODE_ENV: 'production', JWT_SECRET: 'secret' },
      /JWT_SECRET: must be at least 32 bytes/,
    ],
    ['an invalid port', { PORT: 'eighty' }, /PORT: /],
    [
      'a DATABASE_URL that is not PostgreSQL',
      { DATABASE_URL: 'mysql://x' },
      /DATABASE_URL: must be a postgres:\/\/ URL/,
    ],
    [
      'a malformed rate limit',
      { AUTH_LOGIN_LIMIT_PER_IP: 'lots' },
      /AUTH_LOGIN_LIMIT_PER_IP: expected "attempts\/seconds"/,
    ],
  ])('refuses to start with %s, saying why', async (_label, env, message) => {
    const { code, output } = await runServerExpectingFailure({ LEXIKON_DATA_DIR: ':memory:', ...env });
    expect(code).toBe(78);
    expect(output).toMatch(message);
    expect(output).not.toMatch(/at .*\.ts:\d+/); // a readable message, not a stack trace
  });
});

describe('the server process', () => {
  it('serves, keeps data across restarts, logs no secrets, and shuts down gracefully on SIGTERM', async () => {
    const env = {
      ...(await databaseEnv()),
      NODE_ENV: 'production',
      JWT_SECRET: strongSecret,
      METRICS_TOKEN: 'server-process-metrics-token',
    };
    const password = 'Process-Test-Password-1';
    let server = await startServerProcess(env);
    const call = async (path: string, init: { method?: string; body?: unknown; token?: string } = {}) => {
      const response = await fetch(`${server.baseUrl}${path}`, {
        method: init.method ?? 'GET',
        headers: {
          ...(init.body ? { 'content-type': 'application/json' } : {}),
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        },
        body: init.body ? JSON.stringify(init.body) : undefined,
      });
      return {
        status: response.status,
        body: (await response.json().catch(() => null)) as ResponseBody,
        headers: response.headers,
      };
    };

    expect((await call('/ready')).status).toBe(200);
    expect(
      (await call('/api/auth/register', { method: 'POST', body: { email: 'proc@example.org', password } }))
        .status,
    ).toBe(201);
    const tokens = (
      await call('/api/auth/login', { method: 'POST', body: { email: 'proc@example.org', password } })
    ).body;
    const created = await call('/api/terms', {
      method: 'POST',
      token: tokens.access_token,
      body: { term: 'Persistent', definition: 'Survives a restart of the server.' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('strict-transport-security')).toBeNull();

    // A request in flight when SIGTERM arrives still completes: its body is still being sent when the
    // signal lands, so the server has accepted it but not answered yet.
    const inFlight = slowPost(`${server.baseUrl}/api/terms`, tokens.access_token, {
      term: 'In flight',
      definition: 'Sent while the server is asked to stop.',
    });
    await inFlight.started;
    server.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    inFlight.finish();
    expect(await inFlight.status).toBe(201);
    expect(await server.exited, server.output()).toBe(0);

    const logs = server.output();
    expect(logs).toContain('shutting down');
    for (const secret of [password, tokens.access_token, tokens.refresh_token, strongSecret])
      expect(logs).not.toContain(secret);

    server = await startServerProcess(env);
    const again = (
      await call('/api/auth/login', { method: 'POST', body: { email: 'proc@example.org', password } })
    ).body;
    const read = await call(`/api/terms/${created.body.id}`, { token: again.access_token });
    expect(read.body).toMatchObject({ term: 'Persistent' });
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });
});

/** A POST whose body is sent in two parts, so the test controls when the request can complete. */
function slowPost(url: string, token: string, body: unknown) {
  const payload = Buffer.from(JSON.stringify(body));
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const req = request(url, {
    method: 'POST',
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
