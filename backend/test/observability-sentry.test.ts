import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSentry, type FakeSentry } from '@lexikon/harness/fakes/sentry';
import { freeLoopbackPort } from '@lexikon/harness/ports';
import { startServerProcess, type ServerProcess } from '@lexikon/harness/server-process';
import { createTestDatabaseUrl, TEST_JWT_SECRET, testDatabaseKind } from './support/test-app.ts';

const PASSWORD = 'Sentry-Canary-Password-4711';
const dataDirs: string[] = [];

async function databaseEnv(): Promise<Record<string, string>> {
  if (testDatabaseKind() === 'postgres') return { DATABASE_URL: (await createTestDatabaseUrl())! };
  const dir = mkdtempSync(join(tmpdir(), 'lexikon-sentry-'));
  dataDirs.push(dir);
  return { LEXIKON_DATA_DIR: dir };
}

async function stop(server: ServerProcess | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null) return;
  server.child.kill('SIGTERM');
  await server.exited;
}

afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

describe('Sentry error reporting (real process, loopback ingestion)', () => {
  let sentry: FakeSentry;
  let server: ServerProcess;
  beforeAll(async () => {
    sentry = await startFakeSentry();
    server = await startServerProcess({
      ...(await databaseEnv()),
      NODE_ENV: 'development',
      JWT_SECRET: TEST_JWT_SECRET,
      DEBUG_ROUTES: 'true',
      VALIDATION_WORKER: 'off',
      SENTRY_DSN_BACKEND: sentry.dsn,
      // Every transaction too, so the "no secrets anywhere" check covers them.
      SENTRY_TRACES_SAMPLE_RATE: '1',
    });
  });
  afterAll(async () => {
    await stop(server);
    await sentry?.close();
  });

  const call = (path: string, init: { method?: string; body?: unknown; token?: string } = {}) =>
    fetch(`${server.baseUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });

  it('sends one event for a server fault, with stack, environment, release and user id, and no secrets', async () => {
    const email = 'sentry-canary@example.org';
    expect(
      (await call('/api/auth/register', { method: 'POST', body: { email, password: PASSWORD } })).status,
    ).toBe(201);
    const login = await call('/api/auth/login', { method: 'POST', body: { email, password: PASSWORD } });
    expect(login.status).toBe(200);
    const tokens = (await login.json()) as { access_token: string; refresh_token: string };
    const me = (await (await call('/api/auth/me', { token: tokens.access_token })).json()) as { id: string };

    // Client errors: never reported.
    expect((await call('/no/such/route')).status).toBe(404);
    expect((await call('/api/auth/login', { method: 'POST', body: { email: 'x' } })).status).toBe(400);
    expect(
      (await call('/api/auth/login', { method: 'POST', body: { email, password: 'Wrong-Password-1' } }))
        .status,
    ).toBe(401);

    const fault = await call('/debug/error', { token: tokens.access_token });
    expect(fault.status).toBe(500);
    expect(fault.headers.get('content-type')).toMatch(/^application\/problem\+json/);

    const [event] = await sentry.waitForEvents(1);
    // Give any stray 4xx report time to arrive before asserting there is none.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(sentry.events()).toHaveLength(1);
    expect(event).toBeDefined();
    const exception = (
      event!.exception as {
        values: { type: string; value: string; stacktrace?: { frames: { filename?: string }[] } }[];
      }
    ).values.at(-1)!;
    expect(exception.type).toBe('Error');
    expect(exception.value).toBe('Debug error: raised on purpose by GET /debug/error');
    const files = (exception.stacktrace?.frames ?? []).map((frame) => frame.filename ?? '');
    expect(files.some((file) => file.endsWith('observability/routes.ts'))).toBe(true);
    expect(event!.environment).toBe('development');
    expect(event!.release).toBe('@lexikon/backend@0.1.0');
    expect(event!.user).toEqual({ id: me.id });
    expect((event!.tags as Record<string, string>).route).toBe('/debug/error');

    // Nothing secret in anything sent: no password, token, email or credential header.
    expect(sentry.envelopes.length).toBeGreaterThanOrEqual(1);
    for (const envelope of sentry.envelopes) {
      expect(envelope.raw).not.toContain(PASSWORD);
      expect(envelope.raw).not.toContain(tokens.access_token);
      expect(envelope.raw).not.toContain(tokens.refresh_token);
      expect(envelope.raw).not.toContain(email);
      expect(envelope.raw.toLowerCase()).not.toMatch(/"authorization"|"cookie"/);
    }
    expect(server.output()).toContain('Debug error: raised on purpose');
  });
});

describe('an ingestion endpoint that hangs or is down', () => {
  let hanging: Server;
  const sockets: Socket[] = [];
  let hangingPort: number;
  beforeAll(async () => {
    // Accepts connections and never answers.
    hanging = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    hangingPort = (hanging.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => hanging.close(resolve));
  });

  // No stopwatch: a request that waited for the endpoint would wait for the whole SENTRY_TIMEOUT_MS. When
  // it hangs, the deadline is a minute, and every answer arrives while the events are still in flight;
  // when it is down, the connection is refused at once and the event dropped.
  it.each([
    {
      label: 'hangs',
      port: async () => hangingPort,
      timeoutMs: '60000',
      async afterAnswers(output: () => string) {
        await expect.poll(() => sockets.length, { timeout: 10_000 }).toBeGreaterThan(0);
        expect(output()).not.toContain('sentry event dropped');
        for (const socket of sockets) socket.destroy();
      },
    },
    { label: 'is down', port: () => freeLoopbackPort(), timeoutMs: '500', async afterAnswers() {} },
  ])('costs the API nothing when it $label: events are dropped with a log line', async (endpoint) => {
    const server = await startServerProcess({
      ...(await databaseEnv()),
      NODE_ENV: 'development',
      JWT_SECRET: TEST_JWT_SECRET,
      DEBUG_ROUTES: 'true',
      VALIDATION_WORKER: 'off',
      SENTRY_DSN_BACKEND: `http://publickey@127.0.0.1:${await endpoint.port()}/1`,
      SENTRY_TRACES_SAMPLE_RATE: '0',
      SENTRY_TIMEOUT_MS: endpoint.timeoutMs,
    });
    try {
      for (let i = 0; i < 3; i++) {
        expect((await fetch(`${server.baseUrl}/debug/error`)).status).toBe(500);
        expect((await fetch(`${server.baseUrl}/health`)).status).toBe(200);
      }
      await endpoint.afterAnswers(() => server.output());
      await expect
        .poll(() => server.output(), { timeout: 10_000, interval: 100 })
        .toContain('sentry event dropped');
    } finally {
      await stop(server);
    }
  });
});
