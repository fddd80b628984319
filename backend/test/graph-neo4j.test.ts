import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import type { Driver } from 'neo4j-driver';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Neo4jServer } from '@lexikon/harness/neo4j/server';
import { executeCommand } from '../src/cli/command.ts';
import { graphCommand } from '../src/cli/commands/graph.ts';
import { seedDemoCommand } from '../src/cli/commands/seed-demo.ts';
import { demoConcepts } from '../src/demo/concepts.ts';

const { concepts: demoTerms, relations: demoRelations } = demoConcepts();
import { createNeo4jDriver } from '../src/graph/neo4j/driver.ts';
import { Neo4jGraphStore } from '../src/graph/neo4j/neo4j-graph-store.ts';
import { Neo4jMirror } from '../src/graph/neo4j/neo4j-mirror.ts';
import { compareMirror } from '../src/graph/neo4j/verify.ts';
import { graphOutboxRepository, type ClaimedChange } from '../src/graph/outbox/repository.ts';
import { GraphOutboxWorker } from '../src/graph/outbox/worker.ts';
import type { TraversalDirection, TraversalOptions } from '../src/graph/port.ts';
import { PostgresGraphStore } from '../src/graph/postgres-graph-store.ts';
import { SEED_TRAVERSAL_CYPHER } from '../src/graph/seed-query.ts';
import { systemClock } from '../src/platform/clock.ts';
import { rowsOf } from '../src/platform/database/client.ts';
import type { RelationType } from '../src/relations/schemas.ts';
import { neo4jEnvironment, startTestNeo4j } from './support/neo4j.ts';
import {
  createTerm,
  createTestContext,
  createUser,
  relate,
  testDatabaseKind,
  type TestContext,
  type TestUser,
} from './support/test-app.ts';

/**
 * The Neo4j mirror against a real Neo4j (one server for the whole file, started by our launcher), on the
 * real PostgreSQL only: the outbox's point is concurrency (several workers, several processes) and its
 * claims use row locks that embedded PGlite, one connection, cannot exercise. The behaviour without a
 * reachable Neo4j runs on both databases in graph-neo4j-fallback.test.ts.
 *
 * Tests share the server and the database and run in order; each leaves the mirror identical to
 * PostgreSQL (checked), so the next can compare them whole.
 */
const onPostgres = testDatabaseKind() === 'postgres';

class Capture extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

// Starting a real Neo4j costs a minute: the suite runs once, in the PostgreSQL project (the mirror reads
// PostgreSQL the same way on either database), and is skipped in the PGlite one by design.
describe.skipIf(!onPostgres)('Neo4j graph mirror on a real Neo4j', () => {
  let dataDir: string;
  let server: Neo4jServer;
  let context: TestContext;
  let driver: Driver;
  let admin: TestUser;
  const t: Record<string, string> = {};

  const worker = () => context.app.graph.outboxWorker!;
  const neo4jStore = () => new Neo4jGraphStore(driver);
  const postgresStore = () => new PostgresGraphStore(context.database.db);
  const pendingRows = async () =>
    rowsOf<{ count: number }>(
      await context.database.db.execute(sql`SELECT count(*)::int AS count FROM graph_outbox`),
    )[0]!.count;
  const expectIdentical = async () => {
    const comparison = await compareMirror(context.database.db, driver);
    expect(comparison, JSON.stringify(comparison).slice(0, 2000)).toMatchObject({ identical: true });
    return comparison;
  };
  const get = (url: string) => context.app.inject({ method: 'GET', url, headers: admin.auth });
  const command = async (args: string[]) => {
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await executeCommand(graphCommand, {
      database: context.database,
      config: context.config,
      args,
      stdout,
      stderr,
    });
    return { code, stdout: stdout.text, stderr: stderr.text };
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lexikon-neo4j-test-'));
    server = await startTestNeo4j({ dataDir });
    context = await createTestContext({
      ...neo4jEnvironment(server),
      GRAPH_ENGINE: 'neo4j',
      // Tests drain explicitly, except the outage test, which starts the worker itself.
      GRAPH_OUTBOX_WORKER: 'off',
      GRAPH_OUTBOX_POLL_MS: '50',
      GRAPH_OUTBOX_BACKOFF_MS: '100',
      GRAPH_OUTBOX_BACKOFF_MAX_MS: '1000',
      GRAPH_OUTBOX_MAX_ATTEMPTS: '2',
      GRAPH_MAX_NODES: '10',
      NEO4J_TIMEOUT_MS: '3000',
    });
    driver = createNeo4jDriver(context.config.graph.neo4j!);
    admin = await createUser(context, { role: 'admin' });
  }, 600_000);

  afterAll(async () => {
    await context?.close();
    await driver?.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 120_000);

  it('mirrors writes through the outbox and traverses exactly as PostgreSQL does', async () => {
    // The traversal tests' graph: root → a → b → c → d (causes chain after related_to), an a ⇄ e cycle,
    // root is_a parent, f synonym of b, an island, and a 12-term star for the cap.
    for (const name of ['root', 'a', 'b', 'c', 'd', 'e', 'f', 'parent', 'island'])
      t[name] = (await createTerm(context, admin, { term: name, domain: 'Mirror' })).id;
    const edges: [string, string, RelationType][] = [
      ['root', 'a', 'related_to'],
      ['a', 'b', 'causes'],
      ['b', 'c', 'causes'],
      ['c', 'd', 'causes'],
      ['a', 'e', 'causes'],
      ['e', 'a', 'causes'],
      ['e', 'root', 'causes'],
      ['root', 'parent', 'is_a'],
      ['f', 'b', 'synonym'],
    ];
    for (const [source, target, type] of edges)
      expect((await relate(context, admin, t[source]!, t[target]!, type)).statusCode).toBe(201);
    for (let i = 0; i < 12; i++)
      t[`n${i}`] = (await createTerm(context, admin, { term: `n${i}`, domain: 'Mirror star' })).id;
    for (let i = 1; i < 12; i++)
      expect((await relate(context, admin, t.n0!, t[`n${i}`]!, 'related_to')).statusCode).toBe(201);

    expect(await pendingRows()).toBeGreaterThan(0);
    const summary = await worker().drain();
    expect(summary).toMatchObject({ retried: 0, failed: 0 });
    expect(summary.applied).toBeGreaterThan(40);
    expect(await pendingRows()).toBe(0);
    await expectIdentical();

    const typeSets: (RelationType[] | undefined)[] = [
      undefined,
      ['is_a'],
      ['causes'],
      ['related_to', 'synonym'],
      ['causes', 'synonym', 'is_a'],
    ];
    let compared = 0;
    for (const start of ['root', 'a', 'f', 'n0', 'island'])
      for (const direction of ['out', 'in', 'both'] as TraversalDirection[])
        for (const types of typeSets)
          for (const depth of [1, 2, 3, 5])
            for (const [maxNodes, maxEdges] of [
              [10, 1000],
              [3, 1000],
              [10, 4],
            ] as const) {
              const options: TraversalOptions = { depth, types, direction, maxNodes, maxEdges };
              const label = JSON.stringify({ start, ...options });
              const expected = await postgresStore().related(t[start]!, options);
              expect(await neo4jStore().related(t[start]!, options), label).toEqual(expected);
              compared++;
            }
    expect(compared).toBe(900);

    // Through the API: the mirror answers, with the same body PostgreSQL would give.
    const response = await get(`/api/terms/${t.root}/related?depth=3&direction=out`);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.engine).toBe('neo4j');
    const depths = Object.fromEntries(
      body.nodes.map((node: { term: string; depth: number }) => [node.term, node.depth]),
    );
    expect(depths).toEqual({ root: 0, a: 1, parent: 1, b: 2, e: 2, c: 3, f: 3 });
    const capped = (await get(`/api/terms/${t.n0}/related?depth=1`)).json();
    expect(capped).toMatchObject({ engine: 'neo4j', total_nodes: 12, truncated: true, node_limit: 10 });
    // 1,200 traversals: a generous deadline, only to catch a hang on a loaded machine.
  }, 300_000);

  it('mirrors updates and deletions, and answers a term it does not have yet from PostgreSQL', async () => {
    const renamed = await context.app.inject({
      method: 'PATCH',
      url: `/api/terms/${t.c}`,
      headers: { ...admin.auth, 'if-match': '"1"' },
      payload: { term: 'c renamed', level: 'advanced', domain: null },
    });
    expect(renamed.statusCode).toBe(200);
    const relations = (await get(`/api/terms/${t.f}/relations`)).json().items as { id: string }[];
    expect(
      (
        await context.app.inject({
          method: 'DELETE',
          url: `/api/terms/${t.f}/relations/${relations[0]!.id}`,
          headers: admin.auth,
        })
      ).statusCode,
    ).toBe(204);
    expect(
      (await context.app.inject({ method: 'DELETE', url: `/api/terms/${t.d}`, headers: admin.auth }))
        .statusCode,
    ).toBe(204);
    const fresh = await createTerm(context, admin, { term: 'fresh', domain: 'Mirror' });
    // Not drained yet: Neo4j does not know "fresh", so PostgreSQL answers instead of a false 404.
    const early = await get(`/api/terms/${fresh.id}/related`);
    expect(early.statusCode).toBe(200);
    expect(early.json().engine).toBe('postgres');

    await worker().drain();
    await expectIdentical();
    const node = await driver.executeQuery('MATCH (t:Term {id: $id}) RETURN properties(t) AS p', { id: t.c });
    expect(node.records[0]!.get('p')).toEqual({
      id: t.c,
      name: 'c renamed',
      level: 'advanced',
      status: 'draft',
    });
    const late = (await get(`/api/terms/${fresh.id}/related`)).json();
    expect(late.engine).toBe('neo4j');
  }, 120_000);

  it('retries a row Neo4j rejects with backoff, then sets it aside without holding back the others', async () => {
    // A genuine rejection: a constraint PostgreSQL does not have (names are unique per domain only; two
    // properties because a one-property constraint would clash with the index on name). Runs before the demo ontology is loaded, while every name in the mirror is still unique.
    await driver.executeQuery(
      'CREATE CONSTRAINT test_term_name_unique FOR (t:Term) REQUIRE (t.name, t.level) IS UNIQUE',
    );
    try {
      await createTerm(context, admin, { term: 'twin', domain: 'Twins one' });
      const second = await createTerm(context, admin, { term: 'twin', domain: 'Twins two' });
      const bystander = await createTerm(context, admin, { term: 'bystander', domain: 'Twins one' });
      const first = await worker().drain();
      expect(first).toMatchObject({ applied: 2, retried: 1 });
      const row = async () =>
        rowsOf<{ attempts: number; failed: boolean; last_error: string }>(
          await context.database.db.execute(sql`
            SELECT attempts, failed_at IS NOT NULL AS failed, last_error
            FROM graph_outbox WHERE term_id = ${second.id}::uuid`),
        );
      // Its retry comes after the backoff (GRAPH_OUTBOX_BACKOFF_MS; on a slow machine it may already have
      // come round within the first drain); the last allowed attempt (GRAPH_OUTBOX_MAX_ATTEMPTS=2) fails.
      await expect
        .poll(
          async () => {
            await worker().drain();
            return (await row())[0]!.failed;
          },
          { timeout: 30_000, interval: 200 },
        )
        .toBe(true);
      expect(await row()).toMatchObject([{ attempts: 2, failed: true }]);
      expect((await row())[0]!.last_error).toMatch(/already exists|ConstraintValidationFailed/i);
      // Set aside, it blocks nobody: a later change to another term, and to the twin itself, still drain.
      const patched = await context.app.inject({
        method: 'PATCH',
        url: `/api/terms/${bystander.id}`,
        headers: { ...admin.auth, 'if-match': '"1"' },
        payload: { level: 'expert' },
      });
      expect(patched.statusCode).toBe(200);
      expect(await worker().drain()).toEqual({ applied: 1, retried: 0, failed: 0 });
      const metrics = (await context.app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toMatch(/graph_outbox_failed_total\{outcome="retried"\} 1/);
      expect(metrics).toMatch(/graph_outbox_failed_total\{outcome="failed"\} 1/);
      expect(metrics).toMatch(/graph_outbox_failed_rows 1/);
    } finally {
      await driver.executeQuery('DROP CONSTRAINT test_term_name_unique');
    }
    // The kept row is what verify points at, and what a resync supersedes.
    const verify = await command(['verify']);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain('Terms missing in Neo4j: 1');
    expect(verify.stdout).toContain('1 outbox row set aside as failed');
    expect((await command(['resync'])).code).toBe(0);
    const comparison = await expectIdentical();
    expect(comparison.outbox).toEqual({ pending: 0, failed: 0 });
  }, 120_000);

  it("runs the seed's Cypher verbatim on the demo ontology", async () => {
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await executeCommand(seedDemoCommand, {
      database: context.database,
      config: context.config,
      args: [],
      stdout,
      stderr,
    });
    expect(code, stderr.text).toBe(0);
    await worker().drain();
    await expectIdentical();

    const { records } = await driver.executeQuery(SEED_TRAVERSAL_CYPHER);
    const rows = records.map((record) => `${record.get(0)}|${record.get(1)}`).sort();
    // Expected from the demo data itself: every RELATED_TO path of 1–3 hops from "Intelligence Artificielle"
    // in the stored direction, one row per path (the query does not deduplicate).
    const names = new Map(demoTerms.map((term) => [term.key, term.term]));
    const out = new Map<string, string[]>();
    for (const relation of demoRelations.filter((r) => r.type === 'related_to'))
      out.set(relation.source, [...(out.get(relation.source) ?? []), relation.target]);
    const start = demoTerms.find((term) => term.term === 'Intelligence Artificielle')!.key;
    const expected: string[] = [];
    const walk = (key: string, hops: number, used: string[]) => {
      if (hops === 3) return;
      for (const next of out.get(key) ?? []) {
        const edge = `${key}>${next}`;
        if (used.includes(edge)) continue; // a path never repeats a relationship (nodes may repeat)
        expected.push(`${names.get(next)}|${hops + 1}`);
        walk(next, hops + 1, [...used, edge]);
      }
    };
    walk(start, 0, []);
    expect(expected.length).toBeGreaterThan(6);
    expect(rows).toEqual(expected.sort());
  }, 120_000);

  it('verify reports differences with counts; resync rebuilds an identical mirror', async () => {
    const clean = await command(['verify']);
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    expect(clean.stdout).toContain('The mirror is identical to PostgreSQL.');

    // Break the mirror three ways behind the outbox's back.
    await driver.executeQuery('MATCH (t:Term {id: $id}) DETACH DELETE t', { id: t.island });
    await driver.executeQuery("MATCH (t:Term {id: $id}) SET t.level = 'expert', t.stray = 1", { id: t.root });
    await driver.executeQuery(
      "MATCH (a:Term {id: $a}), (b:Term {id: $b}) CREATE (a)-[:OPPOSES {id: 'not-a-relation'}]->(b)",
      { a: t.a, b: t.parent },
    );
    const broken = await command(['verify']);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('Terms missing in Neo4j: 1');
    expect(broken.stdout).toContain(t.island);
    expect(broken.stdout).toContain('Term property differences: 2');
    expect(broken.stdout).toContain('Relations only in Neo4j: 1');
    expect(broken.stdout).toContain('`lexikon graph resync` rebuilds it');
    const json = JSON.parse((await command(['verify', '--json'])).stdout);
    expect(json).toMatchObject({
      identical: false,
      missingTerms: [t.island],
      extraRelations: ['not-a-relation'],
    });

    // A change waiting in the outbox during the resync is kept and applied after it.
    const late = await createTerm(context, admin, { term: 'written before the resync', domain: 'Mirror' });
    const resync = await command(['resync', '--batch-size', '50']);
    expect(resync.code, resync.stderr).toBe(0);
    expect(resync.stdout).toMatch(/Neo4j rebuilt from PostgreSQL in .*: \d+ terms, \d+ relations/);
    expect(resync.stderr).toMatch(/resync \[#+\] \d+\/\d+ 100%/);
    expect(await pendingRows()).toBe(0);
    await expectIdentical();
    const found = await driver.executeQuery('MATCH (t:Term {id: $id}) RETURN t.name AS name', {
      id: late.id,
    });
    expect(found.records[0]!.get('name')).toBe('written before the resync');
    expect((await command(['verify'])).code).toBe(0);
  }, 120_000);

  it('two workers drain one outbox: every row applied once, never two touching one term at once, in order', async () => {
    const ids = [];
    for (let i = 0; i < 6; i++)
      ids.push((await createTerm(context, admin, { term: `busy ${i}`, domain: 'Concurrency' })).id);
    // Interleaved writes: repeated updates of the same terms, relations created and removed among them.
    const versions = new Map(ids.map((id) => [id, 1]));
    for (let round = 0; round < 4; round++) {
      for (const [index, id] of ids.entries()) {
        const response = await context.app.inject({
          method: 'PATCH',
          url: `/api/terms/${id}`,
          headers: { ...admin.auth, 'if-match': `"${versions.get(id)}"` },
          payload: { level: ['beginner', 'intermediate', 'advanced', 'expert'][(round + index) % 4] },
        });
        expect(response.statusCode).toBe(200);
        versions.set(id, response.json().version);
        const target = ids[(index + round + 1) % ids.length]!;
        const created = await relate(context, admin, id, target, 'influenced_by');
        if (round % 2 === 1 && created.statusCode === 201)
          await context.app.inject({
            method: 'DELETE',
            url: `/api/terms/${id}/relations/${created.body.id}`,
            headers: admin.auth,
          });
      }
    }
    const queued = rowsOf<{ id: number | string }>(
      await context.database.db.execute(sql`SELECT id FROM graph_outbox ORDER BY id`),
    ).map((row) => Number(row.id));
    expect(queued.length).toBeGreaterThan(50);

    // Watch the repository the workers call: when each row was claimed and completed, by whom.
    const spans: { row: ClaimedChange; claimedAt: number; completedAt?: number }[] = [];
    const completionOrder: number[] = [];
    const claim = graphOutboxRepository.claim.bind(graphOutboxRepository);
    const complete = graphOutboxRepository.complete.bind(graphOutboxRepository);
    const claimSpy = vi.spyOn(graphOutboxRepository, 'claim').mockImplementation(async (...args) => {
      const rows = await claim(...args);
      const claimedAt = performance.now();
      for (const row of rows) spans.push({ row, claimedAt });
      return rows;
    });
    const completeSpy = vi.spyOn(graphOutboxRepository, 'complete').mockImplementation(async (db, rows) => {
      const completedAt = performance.now();
      for (const row of rows) {
        const span = spans.findLast(
          (candidate) => candidate.row.id === row.id && candidate.completedAt === undefined,
        );
        if (span) span.completedAt = completedAt;
        completionOrder.push(row.id);
      }
      return complete(db, rows);
    });
    try {
      const makeWorker = (id: string) =>
        new GraphOutboxWorker({
          db: context.database.db,
          mirror: new Neo4jMirror(driver),
          clock: systemClock,
          logger: pino({ level: 'silent' }),
          options: {
            pollMs: 10,
            batchSize: 4,
            backoffMs: 10,
            backoffMaxMs: 100,
            maxAttempts: 5,
            leaseMs: 60_000,
          },
          id,
        });
      const [first, second] = await Promise.all([makeWorker('first').drain(), makeWorker('second').drain()]);
      expect(first.applied + second.applied).toBe(queued.length);
      expect(first.applied).toBeGreaterThan(0);
      expect(second.applied).toBeGreaterThan(0);
    } finally {
      claimSpy.mockRestore();
      completeSpy.mockRestore();
    }

    expect(completionOrder.slice().sort((a, b) => a - b)).toEqual(queued);
    const touches = (row: ClaimedChange) =>
      row.kind === 'term' ? [`term:${row.termId}`] : [`term:${row.termId}`, `term:${row.otherTermId}`];
    const conflict = (a: ClaimedChange, b: ClaimedChange) => {
      if (a.kind === 'relation' && b.kind === 'relation') return a.relationId === b.relationId;
      return touches(a).some((key) => touches(b).includes(key));
    };
    for (const [i, a] of spans.entries())
      for (const b of spans.slice(i + 1)) {
        if (a.row.lockedBy === b.row.lockedBy || !conflict(a.row, b.row)) continue;
        const overlap = a.claimedAt < b.completedAt! && b.claimedAt < a.completedAt!;
        expect(overlap, `rows ${a.row.id} and ${b.row.id} were in flight together`).toBe(false);
      }
    // Conflicting rows completed in the order they were written.
    const completedAt = new Map(completionOrder.map((rowId, index) => [rowId, index]));
    const rows = spans.map((span) => span.row);
    for (const a of rows)
      for (const b of rows)
        if (a.id < b.id && conflict(a, b))
          expect(completedAt.get(a.id)!, `row ${a.id} before row ${b.id}`).toBeLessThan(
            completedAt.get(b.id)!,
          );
    await expectIdentical();
  }, 120_000);

  it('keeps writing while Neo4j is stopped, falls back, and catches up when it returns', async () => {
    worker().start();
    try {
      const before = await createTerm(context, admin, { term: 'before the outage', domain: 'Outage' });
      await expect.poll(pendingRows, { timeout: 60_000, interval: 100 }).toBe(0);

      await server.stop();
      const during = await createTerm(context, admin, { term: 'during the outage', domain: 'Outage' });
      expect((await relate(context, admin, before.id, during.id, 'precedes')).statusCode).toBe(201);
      const patched = await context.app.inject({
        method: 'PATCH',
        url: `/api/terms/${before.id}`,
        headers: { ...admin.auth, 'if-match': '"1"' },
        payload: { status: 'proposed' },
      });
      expect(patched.statusCode).toBe(200);
      const traversal = await get(`/api/terms/${before.id}/related`);
      expect(traversal.statusCode).toBe(200);
      expect(traversal.json()).toMatchObject({ engine: 'postgres', total_nodes: 2 });
      expect(await pendingRows()).toBe(3);
      const metrics = (await context.app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toMatch(/graph_outbox_pending_rows 3/);
      expect(metrics).toMatch(/graph_traversal_fallbacks_total\{reason="unavailable"\} [1-9]/);

      server = await startTestNeo4j({ dataDir, port: server.port });
      // The running worker notices by itself (it backs off to at most GRAPH_OUTBOX_BACKOFF_MAX_MS).
      await expect.poll(pendingRows, { timeout: 120_000, interval: 200 }).toBe(0);
      await expectIdentical();
      // Traversals return to Neo4j once the fallback's retry delay has passed.
      await expect
        .poll(async () => (await get(`/api/terms/${before.id}/related`)).json().engine, {
          timeout: 30_000,
          interval: 500,
        })
        .toBe('neo4j');
      const metrics2 = (await context.app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics2).toMatch(/graph_outbox_applied_total \d+/);
      expect(metrics2).toMatch(/graph_neo4j_up\{mirror="neo4j"\} 1/);
    } finally {
      await worker().stop();
    }
  }, 300_000);
});
