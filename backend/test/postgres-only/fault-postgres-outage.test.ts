import { sql } from 'drizzle-orm';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDatabase, rowsOf } from '../../src/platform/database/client.ts';
import { classifyDatabaseError } from '../../src/platform/database/errors.ts';
import { trackReliability } from '@lexikon/harness/reliability/records';
import { expectLogsFreeOfSecrets, LogWatch } from '@lexikon/harness/reliability/logs';
import { signUp, startProductionServer, type ProductionServer } from '@lexikon/harness/reliability/server';
import { freeLoopbackPort } from '@lexikon/harness/ports';
import { startPostgresCluster, type PostgresCluster } from '@lexikon/harness/postgres-cluster';

// Real processes on a shared 2-core machine: generous deadlines, only to detect a hang.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

// Fault 1: PostgreSQL stopped (`pg_ctl stop -m fast`) under a loop of writers, then started again. This
// file stops its own PostgreSQL server, so it shares none with other test files. (In-process checks of
// the same outage: resilience.test.ts.)
const WRITERS = 4;
const OUTAGE_MS = 3000;

let cluster: PostgresCluster;
let databaseUrl: string;
let server: ProductionServer;
const logs = new LogWatch();

beforeAll(async () => {
  cluster = await startPostgresCluster();
  databaseUrl = await cluster.createDatabase('lexikon_outage');
  server = await startProductionServer(
    {
      DATABASE_URL: databaseUrl,
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
      // A graph mirror is configured, so every write also records its outbox row; the drain worker is
      // off (no Neo4j here: fault 2 covers it), which keeps the rows to count.
      NEO4J_URI: `bolt://127.0.0.1:${await freeLoopbackPort()}`,
      NEO4J_PASSWORD: 'no-neo4j-listens-here',
      GRAPH_OUTBOX_WORKER: 'off',
    },
    { watch: logs, name: 'api' },
  );
});
afterAll(async () => {
  await server?.stop();
  await cluster?.stop();
});

interface Attempt {
  phase: 'before' | 'outage' | 'after';
  kind: 'term' | 'relation';
  status: number;
  ms: number;
  contentType: string | null;
  code: unknown;
  id?: string;
  error?: string;
}

describe('fault 1: PostgreSQL stopped under writes, then restarted', () => {
  it('answers 503 problem+json at once, recovers by itself, and loses or half-applies nothing', async () => {
    const record = await trackReliability({
      id: 'fault-1-postgres-stopped',
      kind: 'fault',
      title: 'PostgreSQL stopped under writes, then restarted',
      injected: `pg_ctl stop -m fast for ${OUTAGE_MS / 1000} s while ${WRITERS} writers create terms and relations against a production server process`,
      expected:
        'During the outage 503 problem+json within 2 s and /ready 503; recovery without restart; every 201 present, none half-applied (term, relation, validation job and graph outbox rows agree)',
    });
    const user = await signUp(server.baseUrl, 'writer');
    logs.secret('password', user.password);
    logs.secret('access token', user.accessToken);
    logs.secret('refresh token', user.refreshToken);
    const anchor = await server.call('/api/terms', {
      method: 'POST',
      token: user.accessToken,
      body: { term: 'Outage anchor', definition: 'The term every written term is related to.' },
    });
    expect(anchor.status).toBe(201);

    let phase: Attempt['phase'] = 'before';
    let running = true;
    const attempts: Attempt[] = [];
    let counter = 0;
    const attempt = async (kind: Attempt['kind'], path: string, body: unknown): Promise<Attempt> => {
      const at = phase;
      // 10 s: far above any answer, low enough to report a hang as a failure rather than a test timeout.
      const result = await server.call(path, {
        method: 'POST',
        token: user.accessToken,
        body,
        timeoutMs: 10_000,
      });
      const entry: Attempt = {
        phase: at,
        kind,
        status: result.status,
        ms: result.ms,
        contentType: result.headers.get('content-type'),
        code: result.body.code,
        ...(result.status === 201 ? { id: String(result.body.id) } : {}),
        ...(result.error ? { error: result.error } : {}),
      };
      attempts.push(entry);
      return entry;
    };
    const writer = async (index: number): Promise<void> => {
      while (running) {
        const n = ++counter;
        const term = await attempt('term', '/api/terms', {
          term: `Outage term ${index}-${n}`,
          definition: `Written by writer ${index} around a database outage, number ${n}.`,
          domain: 'Reliability',
        });
        if (term.status === 201)
          await attempt('relation', `/api/terms/${term.id}/relations`, {
            target_id: anchor.body.id,
            type: 'related_to',
          });
        else await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const writers = Array.from({ length: WRITERS }, (_, index) => writer(index));

    await waitFor(() => attempts.filter((entry) => entry.status === 201).length >= 20, 30_000);
    await cluster.pgCtl('stop');
    phase = 'outage';
    const readyDuringOutage = await server.call('/ready', { timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    await cluster.pgCtl('start');
    phase = 'after';
    const recoveredAt = performance.now();
    let ready = 0;
    while (ready !== 200 && performance.now() - recoveredAt < 30_000) {
      ready = (await server.call('/ready', { timeoutMs: 10_000 })).status;
      if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const readyAfterMs = performance.now() - recoveredAt;
    await waitFor(
      () => attempts.filter((entry) => entry.phase === 'after' && entry.status === 201).length >= 20,
      30_000,
    );
    running = false;
    await Promise.all(writers);

    // What the database holds, read directly.
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const stored = async (query: string, values: unknown[] = []) => (await client.query(query, values)).rows;
    const terms = await stored(
      `SELECT t.id, (SELECT count(*)::int FROM validation_jobs j WHERE j.term_id = t.id) AS jobs,
              (SELECT count(*)::int FROM validation_jobs j WHERE j.term_id = t.id AND j.priority = 0)
                AS writes_jobs,
              (SELECT count(*)::int FROM relationships r WHERE r.source_id = t.id) AS relations,
              (SELECT count(*)::int FROM graph_outbox o
                WHERE o.kind = 'term' AND o.change = 'created' AND o.term_id = t.id) AS term_outbox,
              (SELECT count(*)::int FROM graph_outbox o JOIN relationships r ON r.id = o.relation_id
                WHERE o.kind = 'relation' AND o.change = 'created' AND r.source_id = t.id) AS relation_outbox
         FROM terms t WHERE t.term LIKE 'Outage term %'`,
    );
    const relationIds = new Set(
      (await stored('SELECT id FROM relationships WHERE target_id = $1', [anchor.body.id])).map(
        (row) => row.id as string,
      ),
    );
    await client.end();
    const storedIds = new Set(terms.map((row) => row.id as string));
    const acknowledged = (kind: Attempt['kind']) =>
      attempts.filter((entry) => entry.kind === kind && entry.status === 201);
    const termRelations = new Map(terms.map((row) => [row.id as string, row.relations as number]));
    const relationOf = new Map(
      attempts
        .filter((entry) => entry.kind === 'relation' && entry.status === 201)
        .map((entry) => [entry.id!, entry]),
    );
    const outage = attempts.filter((entry) => entry.phase === 'outage');
    const fiveHundreds = attempts.filter((entry) => entry.status >= 500);
    const unexpected = attempts.filter(
      (entry) =>
        entry.status !== 201 &&
        !(
          entry.status === 503 &&
          /problem\+json/.test(entry.contentType ?? '') &&
          entry.code === 'service-unavailable'
        ),
    );
    const missingTerms = acknowledged('term').filter((entry) => !storedIds.has(entry.id!));
    // Written in one transaction with the term: its validation job and its outbox row; with the
    // relation: the relation's outbox row, and a validation of its source unless one is already waiting
    // (so a term has one job queued by these writes, plus at most one per relation from it). The writers'
    // definitions differ by a number, so the duplicate-definition rule finds near-duplicates and queues
    // their re-validation as bulk work (priority 1): those jobs are not the writes', and are not counted
    // against them (a write that finds one waiting moves it to priority 0 instead of adding its own).
    const halfApplied = terms.filter(
      (row) =>
        row.jobs < 1 ||
        row.writes_jobs > 1 + row.relations ||
        row.term_outbox !== 1 ||
        row.relation_outbox !== row.relations,
    );
    const missingRelations = [...relationOf.keys()].filter((id) => !relationIds.has(id));

    record.set('requests', attempts.length);
    record.set('201', attempts.filter((entry) => entry.status === 201).length);
    record.set('503', attempts.filter((entry) => entry.status === 503).length);
    record.set('5xx other than 503', fiveHundreds.filter((entry) => entry.status !== 503).length);
    record.set('other statuses or errors', unexpected.length);
    record.set('terms acknowledged', acknowledged('term').length);
    record.set('terms found', terms.length);
    record.set('terms acknowledged but missing', missingTerms.length);
    record.set('terms whose job or outbox rows disagree', halfApplied.length);
    record.set(
      'outbox rows',
      terms.reduce((sum, row) => sum + (row.term_outbox as number) + (row.relation_outbox as number), 0),
    );
    record.set('relations acknowledged', relationOf.size);
    record.set('relations found', relationIds.size);
    record.set('relations acknowledged but missing', missingRelations.length);
    record.set('requests during outage', outage.length);
    record.set('slowest outage answer (ms)', Math.round(Math.max(0, ...outage.map((entry) => entry.ms))));
    record.set('ready again after (ms)', Math.round(readyAfterMs));
    record.observe(
      `${outage.length} requests during the outage all answered 503 problem+json (slowest ${Math.round(Math.max(0, ...outage.map((entry) => entry.ms)))} ms); /ready ${readyDuringOutage.status}; ready again ${Math.round(readyAfterMs)} ms after the restart; ${terms.length} terms stored for ${acknowledged('term').length} acknowledged, each with its validation jobs (one, plus at most one per relation from it) and its outbox rows (term and relation)`,
    );

    expect(readyDuringOutage.status).toBe(503);
    expect(readyDuringOutage.headers.get('content-type')).toMatch(/problem\+json/);
    expect(outage.length).toBeGreaterThan(0);
    expect(outage.filter((entry) => entry.status === 503).length).toBeGreaterThan(0);
    expect(unexpected, JSON.stringify(unexpected.slice(0, 5))).toEqual([]);
    // "No hang": each refusal comes at once; 2 s is the bound (connect timeout: 1 s).
    for (const entry of outage) expect(entry.ms).toBeLessThan(2000);
    expect(ready).toBe(200);
    expect(missingTerms).toEqual([]);
    expect(halfApplied).toEqual([]);
    expect(missingRelations).toEqual([]);
    // A term holds at most the one relation its writer asked for.
    for (const count of termRelations.values()) expect(count).toBeLessThanOrEqual(1);
  });

  // Regression: found by the test above, where a stopped PostgreSQL killed an API worker mid-request.
  it('survives a connection killed while a transaction holds it (no unhandled error event)', async () => {
    const logger = pino({ level: 'silent' });
    const database = createDatabase(
      { kind: 'postgres', url: databaseUrl, poolMax: 2, connectTimeoutMs: 1000, statementTimeoutMs: 5000 },
      logger,
    );
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      const outcome = await database.db
        .transaction(async (tx) => {
          const [row] = rowsOf<{ pid: number }>(await tx.execute(sql`SELECT pg_backend_pid() AS pid`));
          await admin.query('SELECT pg_terminate_backend($1)', [row!.pid]);
          // The connection's 'error' event fires now, while the transaction still holds it.
          await new Promise((resolve) => setTimeout(resolve, 300));
          await tx.execute(sql`SELECT 1`);
          return 'committed';
        })
        .catch((error: unknown) => classifyDatabaseError(error)?.kind ?? 'unclassified');
      expect(outcome).toBe('unavailable');
      // The pool dropped the broken connection and serves the next request.
      expect(rowsOf<{ one: number }>(await database.db.execute(sql`SELECT 1 AS one`))[0]!.one).toBe(1);
    } finally {
      await admin.end();
      await database.close();
    }
  });

  it('leaks no password or token into the server log', async () => {
    await expectLogsFreeOfSecrets(logs, 'fault-postgres-outage');
  });
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
