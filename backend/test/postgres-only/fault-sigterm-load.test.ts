import { request } from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { trackReliability } from '@lexikon/harness/reliability/records';
import { expectLogsFreeOfSecrets, LogWatch } from '@lexikon/harness/reliability/logs';
import {
  call,
  signUp,
  startProductionServer,
  type ProductionServer,
} from '@lexikon/harness/reliability/server';
import { createTestDatabaseUrl } from '../support/test-app.ts';

// Real processes on a shared 2-core machine: generous deadlines, only to detect a hang.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

// Fault 6: SIGTERM while clients keep the API busy. (server-process.test.ts checks one request in flight
// on an idle server; this is under load, on a production server with its worker processes.)
const CLIENTS = 6;
const HELD_OPEN = 4;
const EXIT_DEADLINE_MS = 30_000;

let databaseUrl: string;
let server: ProductionServer;
const logs = new LogWatch();

beforeAll(async () => {
  databaseUrl = (await createTestDatabaseUrl())!;
  server = await startProductionServer({ DATABASE_URL: databaseUrl }, { watch: logs });
});
afterAll(async () => {
  await server?.stop();
});

type Outcome = { sentAfterSignal: boolean; status: number; error?: string; id?: string; problem: boolean };

describe('fault 6: SIGTERM under load', () => {
  it('completes requests in flight, refuses new ones, and exits 0 before the deadline', async () => {
    const record = await trackReliability({
      id: 'fault-6-sigterm-under-load',
      kind: 'fault',
      title: 'SIGTERM under load',
      injected: `SIGTERM to the production server while ${CLIENTS} clients loop on reads and writes and ${HELD_OPEN} POSTs are half-sent`,
      expected:
        'Requests in flight complete (201, stored); requests after the signal refused (connection refused or 503 problem+json); exit 0 within 30 s',
    });
    const user = await signUp(server.baseUrl, 'load');
    logs.secret('password', user.password);
    logs.secret('access token', user.accessToken);
    logs.secret('refresh token', user.refreshToken);

    let signalled = false;
    let stopLoops = false;
    const outcomes: Outcome[] = [];
    let counter = 0;
    const client = async (index: number): Promise<void> => {
      while (!stopLoops) {
        const sentAfterSignal = signalled;
        const n = ++counter;
        const result =
          n % 2 === 0
            ? await call(server.baseUrl, '/api/terms?limit=5', { token: user.accessToken, timeoutMs: 20_000 })
            : await call(server.baseUrl, '/api/terms', {
                method: 'POST',
                token: user.accessToken,
                timeoutMs: 20_000,
                body: { term: `Load term ${index}-${n}`, definition: `Written under load, request ${n}.` },
              });
        outcomes.push({
          sentAfterSignal,
          status: result.status,
          problem: /problem\+json/.test(result.headers.get('content-type') ?? ''),
          ...(result.error ? { error: result.error } : {}),
          ...(result.status === 201 ? { id: String(result.body.id) } : {}),
        });
        if (result.status === 0 && sentAfterSignal) await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const clients = Array.from({ length: CLIENTS }, (_, index) => client(index));
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const held = Array.from({ length: HELD_OPEN }, (_, index) =>
      halfSentPost(`${server.baseUrl}/api/terms`, user.accessToken, {
        term: `Held open ${index}`,
        definition: 'Its body was still arriving when the server was asked to stop.',
      }),
    );
    await Promise.all(held.map((post) => post.started));
    const signalledAt = performance.now();
    signalled = true;
    server.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const post of held) post.finish();
    const heldStatuses = await Promise.all(held.map((post) => post.status));
    const code = await Promise.race([
      server.exited,
      new Promise<'deadline'>((resolve) => setTimeout(() => resolve('deadline'), EXIT_DEADLINE_MS)),
    ]);
    const exitMs = performance.now() - signalledAt;
    stopLoops = true;
    await Promise.all(clients);
    const afterExit = await call(server.baseUrl, '/health', { timeoutMs: 5000 });

    const pgClient = new pg.Client({ connectionString: databaseUrl });
    await pgClient.connect();
    const stored = new Set(
      (await pgClient.query(`SELECT id FROM terms`)).rows.map((row: { id: string }) => row.id),
    );
    const heldStored = (
      await pgClient.query(`SELECT count(*)::int AS n FROM terms WHERE term LIKE 'Held open %'`)
    ).rows[0].n as number;
    await pgClient.end();

    const before = outcomes.filter((outcome) => !outcome.sentAfterSignal);
    const after = outcomes.filter((outcome) => outcome.sentAfterSignal);
    const acknowledged = outcomes.filter((outcome) => outcome.status === 201);
    const lost = acknowledged.filter((outcome) => !stored.has(outcome.id!));
    const badBefore = before.filter((outcome) => outcome.status !== 200 && outcome.status !== 201);
    const refusedAfter = after.filter(
      (outcome) => outcome.status === 0 || (outcome.status === 503 && outcome.problem),
    );
    const badAfter = after.filter(
      (outcome) => ![0, 200, 201].includes(outcome.status) && !(outcome.status === 503 && outcome.problem),
    );
    record.set('requests', outcomes.length + HELD_OPEN);
    record.set('in flight at the signal (half-sent POSTs)', HELD_OPEN);
    record.set('in flight answered 201', heldStatuses.filter((status) => status === 201).length);
    record.set('201', acknowledged.length + heldStatuses.filter((status) => status === 201).length);
    record.set('201 not stored', lost.length + (HELD_OPEN - heldStored));
    record.set('sent after the signal', after.length);
    record.set('refused after the signal', refusedAfter.length);
    record.set(
      '5xx other than a 503 problem',
      outcomes.filter((o) => o.status >= 500 && !(o.status === 503 && o.problem)).length,
    );
    record.set('exit code', typeof code === 'number' ? code : -1);
    record.set('exit after (ms)', Math.round(exitMs));
    record.observe(
      `${HELD_OPEN}/${HELD_OPEN} half-sent POSTs answered ${[...new Set(heldStatuses)].join('/')} and stored; ${after.length} requests sent after the signal: ${refusedAfter.length} refused, ${after.length - refusedAfter.length - badAfter.length} served before the listener closed; exit ${String(code)} after ${Math.round(exitMs)} ms`,
    );

    expect(heldStatuses).toEqual(Array(HELD_OPEN).fill(201));
    expect(heldStored).toBe(HELD_OPEN);
    expect(badBefore, JSON.stringify(badBefore.slice(0, 3))).toEqual([]);
    expect(badAfter, JSON.stringify(badAfter.slice(0, 3))).toEqual([]);
    expect(lost).toEqual([]);
    expect(code, server.output().slice(-3000)).toBe(0);
    expect(afterExit.status).toBe(0); // nothing listens any more
    expect(refusedAfter.length).toBeGreaterThan(0);
  });

  it('leaks no password or token into the server log', async () => {
    await expectLogsFreeOfSecrets(logs, 'fault-sigterm-load');
  });
});

/** A POST whose body is sent in two parts, so that it is in flight when the signal lands. */
function halfSentPost(url: string, token: string, body: unknown) {
  const payload = Buffer.from(JSON.stringify(body));
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const req = request(url, {
    method: 'POST',
    agent: false,
    headers: {
      'content-type': 'application/json',
      'content-length': payload.length,
      authorization: `Bearer ${token}`,
    },
  });
  const status = new Promise<number>((resolve) => {
    req.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
  });
  req.flushHeaders();
  req.write(payload.subarray(0, 10), () => setTimeout(markStarted, 200));
  return { started, status, finish: () => req.end(payload.subarray(10)) };
}
