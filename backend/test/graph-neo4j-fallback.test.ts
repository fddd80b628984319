import { PassThrough, Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';
import { MirrorUnavailableError } from '../src/graph/mirror.ts';
import { ConfigError, loadConfig } from '../src/platform/config.ts';
import { rowsOf } from '../src/platform/database/client.ts';
import { freeLoopbackPort } from '@lexikon/harness/ports';
import {
  createTerm,
  createTestContext,
  createUser,
  relate,
  type TestContext,
  type TestUser,
} from './support/test-app.ts';

/**
 * The mirror's behaviour when Neo4j cannot be reached at all (nothing listens on NEO4J_URI's port), on
 * both databases: writes succeed and fill the outbox in their own transaction, traversals are answered
 * by PostgreSQL and say so, nothing is lost. The real-Neo4j behaviour is in graph-neo4j.test.ts.
 */
type OutboxRow = {
  kind: string;
  change: string;
  term_id: string;
  relation_id: string | null;
  attempts: number;
};

async function outboxRows(context: TestContext): Promise<OutboxRow[]> {
  return rowsOf<OutboxRow>(
    await context.database.db.execute(
      sql`SELECT kind, change, term_id::text, relation_id::text, attempts FROM graph_outbox ORDER BY id`,
    ),
  );
}

describe('graph mirror configured but Neo4j unreachable', () => {
  let context: TestContext;
  let owner: TestUser;

  beforeAll(async () => {
    const closedPort = await freeLoopbackPort();
    context = await createTestContext({
      NEO4J_URI: `bolt://127.0.0.1:${closedPort}`,
      NEO4J_PASSWORD: 'irrelevant-password',
      NEO4J_TIMEOUT_MS: '1000',
      GRAPH_ENGINE: 'neo4j',
      GRAPH_OUTBOX_WORKER: 'off',
    });
    owner = await createUser(context, { role: 'admin' });
  });
  afterAll(() => context.close());

  it('writes every change to the outbox in the same transaction, and only committed ones', async () => {
    const a = await createTerm(context, owner, { term: 'Outbox A', domain: 'Fallback' });
    const b = await createTerm(context, owner, { term: 'Outbox B', domain: 'Fallback' });
    const relation = await relate(context, owner, a.id, b.id, 'causes');
    expect(relation.statusCode).toBe(201);
    const patched = await context.app.inject({
      method: 'PATCH',
      url: `/api/terms/${a.id}`,
      headers: { ...owner.auth, 'if-match': `"${a.version}"` },
      payload: { level: 'advanced' },
    });
    expect(patched.statusCode).toBe(200);
    // Refused writes roll back with their outbox row: a duplicate term, a duplicate relation.
    const duplicate = await context.app.inject({
      method: 'POST',
      url: '/api/terms',
      headers: owner.auth,
      payload: { term: 'Outbox A', definition: 'Another definition long enough here.', domain: 'Fallback' },
    });
    expect(duplicate.statusCode).toBe(409);
    expect((await relate(context, owner, a.id, b.id, 'causes')).statusCode).toBe(409);
    const removed = await context.app.inject({
      method: 'DELETE',
      url: `/api/terms/${a.id}/relations/${relation.body.id}`,
      headers: owner.auth,
    });
    expect(removed.statusCode).toBe(204);
    const deleted = await context.app.inject({
      method: 'DELETE',
      url: `/api/terms/${b.id}`,
      headers: owner.auth,
    });
    expect(deleted.statusCode).toBe(204);

    expect(
      (await outboxRows(context)).map(({ kind, change, term_id, relation_id }) => ({
        kind,
        change,
        term_id,
        relation_id,
      })),
    ).toEqual([
      { kind: 'term', change: 'created', term_id: a.id, relation_id: null },
      { kind: 'term', change: 'created', term_id: b.id, relation_id: null },
      { kind: 'relation', change: 'created', term_id: a.id, relation_id: relation.body.id },
      { kind: 'term', change: 'updated', term_id: a.id, relation_id: null },
      { kind: 'relation', change: 'deleted', term_id: a.id, relation_id: relation.body.id },
      { kind: 'term', change: 'deleted', term_id: b.id, relation_id: null },
    ]);
  });

  it('answers traversals from PostgreSQL, says so, and counts the fallback', async () => {
    const root = await createTerm(context, owner, { term: 'Fallback root', domain: 'Fallback' });
    const leaf = await createTerm(context, owner, { term: 'Fallback leaf', domain: 'Fallback' });
    expect((await relate(context, owner, root.id, leaf.id, 'is_a')).statusCode).toBe(201);
    for (let i = 0; i < 3; i++) {
      const response = await context.app.inject({
        method: 'GET',
        url: `/api/terms/${root.id}/related?depth=2`,
        headers: owner.auth,
      });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.engine).toBe('postgres');
      expect(body.nodes.map((node: { term: string }) => node.term)).toEqual([
        'Fallback root',
        'Fallback leaf',
      ]);
    }
    const metrics = (await context.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/graph_traversal_fallbacks_total\{reason="unavailable"\} 3/);
    expect(metrics).toMatch(/graph_traversals_total\{engine="postgres"\} 3/);
    expect(metrics).toMatch(/graph_neo4j_up\{mirror="neo4j"\} 0/);
    expect(metrics).toMatch(/graph_outbox_pending_rows \d+/);
    expect(metrics).toMatch(/graph_outbox_lag_seconds [\d.e+-]+/);
  });

  it('keeps every row when the worker cannot reach Neo4j, without spending attempts', async () => {
    const before = await outboxRows(context);
    expect(before.length).toBeGreaterThan(0);
    await expect(context.app.graph.outboxWorker!.drain()).rejects.toBeInstanceOf(MirrorUnavailableError);
    const after = await outboxRows(context);
    expect(after).toEqual(before);
    expect(after.every((row) => row.attempts === 0)).toBe(true);
    // Readiness is PostgreSQL's: a mirror that is down does not take the API out of service.
    expect((await context.app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
  });
});

describe('graph mirror not configured', () => {
  it('writes no outbox rows and traverses in PostgreSQL', async () => {
    const context = await createTestContext();
    try {
      const owner = await createUser(context);
      const a = await createTerm(context, owner, { term: 'No mirror A', domain: 'Plain' });
      const b = await createTerm(context, owner, { term: 'No mirror B', domain: 'Plain' });
      expect((await relate(context, owner, a.id, b.id, 'related_to')).statusCode).toBe(201);
      expect(await outboxRows(context)).toEqual([]);
      expect(context.app.graph.outboxWorker).toBeNull();
      const body = (
        await context.app.inject({ method: 'GET', url: `/api/terms/${a.id}/related`, headers: owner.auth })
      ).json();
      expect(body.engine).toBe('postgres');
    } finally {
      await context.close();
    }
  });
});

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

describe('lexikon graph', () => {
  it('checks its usage and configuration before touching Neo4j', async () => {
    const closedPort = await freeLoopbackPort();
    const env = {
      NODE_ENV: 'test',
      LEXIKON_DATA_DIR: ':memory:',
      JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-0123456789',
    };
    const run = async (args: string[], extra: Record<string, string> = {}) => {
      const stdout = new Capture();
      const stderr = new Capture();
      const code = await main(['graph', ...args], {
        stdout,
        stderr,
        stdin: new PassThrough(),
        env: { ...env, ...extra },
      });
      return { code, stdout: stdout.text, stderr: stderr.text };
    };
    const help = await run(['--help']);
    expect(help).toMatchObject({ code: 0 });
    expect(help.stdout).toMatch(/^Usage: lexikon graph resync/);
    expect(await run([])).toMatchObject({
      code: 64,
      stderr: expect.stringContaining('Missing the subcommand'),
    });
    expect(await run(['resynch'])).toMatchObject({
      code: 64,
      stderr: expect.stringContaining('resync or verify'),
    });
    expect((await run(['verify', '--bogus'])).code).toBe(64);
    expect(await run(['resync', '--batch-size', '0'])).toMatchObject({
      code: 64,
      stderr: expect.stringContaining('--batch-size must be a whole number above 0'),
    });
    expect(await run(['verify'])).toMatchObject({
      code: 78,
      stderr: expect.stringContaining('NEO4J_URI is not set'),
    });
    const unreachable = await run(['verify'], { NEO4J_URI: `bolt://127.0.0.1:${closedPort}` });
    expect(unreachable).toMatchObject({ code: 69, stderr: expect.stringContaining('cannot reach Neo4j') });
    // Each run migrates a fresh in-memory database: slow on a busy machine, hence the deadline.
  }, 180_000);
});

describe('graph configuration', () => {
  const base = { NODE_ENV: 'test', LEXIKON_DATA_DIR: ':memory:', JWT_SECRET: 'x'.repeat(40) };
  const production = {
    ...base,
    NODE_ENV: 'production',
    JWT_SECRET: 'a-production-secret-that-is-long-and-varied-0123456789',
    METRICS_TOKEN: 'a-metrics-token-long-enough',
  };

  it('fails fast with a readable message', () => {
    const message = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return 'accepted';
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
    };
    expect(message({ ...base, GRAPH_ENGINE: 'neo4j' })).toMatch(/GRAPH_ENGINE: "neo4j" needs NEO4J_URI/);
    expect(message({ ...base, GRAPH_ENGINE: 'sqlite' })).toMatch(/GRAPH_ENGINE/);
    expect(message({ ...base, NEO4J_URI: 'http://127.0.0.1:7474' })).toMatch(/NEO4J_URI: must be a bolt/);
    expect(message({ ...base, NEO4J_URI: 'bolt://neo4j:secret@127.0.0.1:7687' })).toMatch(
      /NEO4J_URI: must not contain credentials/,
    );
    expect(message({ ...production, NEO4J_URI: 'bolt://127.0.0.1:7687' })).toMatch(
      /NEO4J_PASSWORD: required when NODE_ENV=production/,
    );
    expect(message({ ...base, GRAPH_OUTBOX_BACKOFF_MS: '5000', GRAPH_OUTBOX_BACKOFF_MAX_MS: '100' })).toMatch(
      /GRAPH_OUTBOX_BACKOFF_MAX_MS/,
    );
  });

  it('defaults to PostgreSQL without a mirror, and reads the mirror settings', () => {
    expect(loadConfig(base).graph).toMatchObject({ engine: 'postgres', neo4j: null });
    const config = loadConfig({
      ...production,
      NEO4J_URI: 'neo4j+s://graph.example.org:7687',
      NEO4J_PASSWORD: 'a-password',
      GRAPH_ENGINE: 'neo4j',
    });
    expect(config.graph).toMatchObject({
      engine: 'neo4j',
      neo4j: { uri: 'neo4j+s://graph.example.org:7687', user: 'neo4j', password: 'a-password' },
      outbox: { worker: true, batchSize: 200, maxAttempts: 10 },
    });
  });
});
