import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Neo4jServer } from '@lexikon/harness/neo4j/server';
import { neo4jEnvironment, startTestNeo4j } from '../support/neo4j.ts';
import { trackReliability } from '@lexikon/harness/reliability/records';
import { expectLogsFreeOfSecrets, LogWatch } from '@lexikon/harness/reliability/logs';
import { signUp, startProductionServer, type ProductionServer } from '@lexikon/harness/reliability/server';
import { createTestDatabaseUrl } from '../support/test-app.ts';

// Fault 2: the Neo4j mirror stopped and restarted while a production server (its workers each draining
// the outbox) takes writes and traversals. graph-neo4j.test.ts covers the same outage in process, one
// write at a time; here it is under concurrent writes, and the verdict is `lexikon graph verify`'s.
const WRITERS = 3;
const cliMain = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

let neo4j: Neo4jServer;
let neo4jDir: string;
let databaseUrl: string;
let server: ProductionServer;
const logs = new LogWatch();

beforeAll(async () => {
  neo4jDir = await mkdtemp(join(tmpdir(), 'lexikon-neo4j-fault-'));
  neo4j = await startTestNeo4j({ dataDir: neo4jDir });
  databaseUrl = (await createTestDatabaseUrl())!;
  server = await startProductionServer(
    {
      DATABASE_URL: databaseUrl,
      ...neo4jEnvironment(neo4j),
      GRAPH_ENGINE: 'neo4j',
      GRAPH_OUTBOX_POLL_MS: '100',
      GRAPH_OUTBOX_BACKOFF_MS: '100',
      GRAPH_OUTBOX_BACKOFF_MAX_MS: '1000',
      NEO4J_TIMEOUT_MS: '2000',
    },
    { watch: logs },
  );
}, 600_000);
afterAll(async () => {
  await server?.stop();
  await neo4j?.stop();
  if (neo4jDir) await rm(neo4jDir, { recursive: true, force: true });
}, 120_000);

async function outbox(): Promise<{ pending: number; failed: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(`
      SELECT count(*) FILTER (WHERE failed_at IS NULL)::int AS pending,
             count(*) FILTER (WHERE failed_at IS NOT NULL)::int AS failed FROM graph_outbox`);
    return rows[0];
  } finally {
    await client.end();
  }
}

/** `lexikon graph verify` against the stack's PostgreSQL and Neo4j, as an operator runs it. */
function graphVerify(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliMain, 'graph', 'verify'], {
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: databaseUrl,
        ...neo4jEnvironment(neo4j),
        LEXIKON_DATA_DIR: neo4jDir,
        JWT_SECRET: 'not-used-by-graph-verify-but-kept-out-of-the-repository',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('fault 2: Neo4j stopped and restarted under writes', () => {
  it(
    'keeps writing, falls back for traversals, converges, and graph verify finds no difference',
    { timeout: 420_000 },
    async () => {
      const record = await trackReliability({
        id: 'fault-2-neo4j-stopped',
        kind: 'fault',
        title: 'Neo4j stopped and restarted under writes',
        injected: `The Neo4j mirror stopped (clean shutdown), then started again on its store, while ${WRITERS} writers create terms and relations and a reader traverses, against a production server (GRAPH_ENGINE=neo4j)`,
        expected:
          'Every write 201; traversals 200 from PostgreSQL during the outage; the outbox drains (nothing dead-lettered); `lexikon graph verify` exits 0: identical',
      });
      const user = await signUp(server.baseUrl, 'graph');
      logs.secret('password', user.password);
      logs.secret('access token', user.accessToken);
      logs.secret('refresh token', user.refreshToken);
      const anchor = await server.call('/api/terms', {
        method: 'POST',
        token: user.accessToken,
        body: { term: 'Mirror anchor', definition: 'The term every written term is related to.' },
      });
      expect(anchor.status).toBe(201);

      let phase: 'before' | 'outage' | 'after' = 'before';
      let running = true;
      const writes: { phase: string; status: number }[] = [];
      const reads: { phase: string; status: number; engine: unknown }[] = [];
      let counter = 0;
      const writer = async (index: number) => {
        while (running) {
          const at = phase;
          const n = ++counter;
          const term = await server.call('/api/terms', {
            method: 'POST',
            token: user.accessToken,
            timeoutMs: 20_000,
            body: {
              term: `Mirrored ${index}-${n}`,
              definition: `Written while the mirror comes and goes (${n}).`,
            },
          });
          writes.push({ phase: at, status: term.status });
          // A steady trickle, not a flood: Neo4j must be able to start again on the same two cores.
          await new Promise((resolve) => setTimeout(resolve, 150));
          if (term.status !== 201) continue;
          const relation = await server.call(`/api/terms/${term.body.id}/relations`, {
            method: 'POST',
            token: user.accessToken,
            timeoutMs: 20_000,
            body: { target_id: anchor.body.id, type: 'related_to' },
          });
          writes.push({ phase: at, status: relation.status });
        }
      };
      const reader = async () => {
        while (running) {
          const at = phase;
          const traversal = await server.call(`/api/terms/${anchor.body.id}/related?depth=2`, {
            token: user.accessToken,
            timeoutMs: 20_000,
          });
          reads.push({ phase: at, status: traversal.status, engine: traversal.body.engine });
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      };
      const loops = [...Array.from({ length: WRITERS }, (_, index) => writer(index)), reader()];
      const until = async (condition: () => boolean, timeoutMs: number) => {
        const deadline = performance.now() + timeoutMs;
        while (!condition() && performance.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 100));
      };
      const count = (list: { phase: string }[], at: string) =>
        list.filter((entry) => entry.phase === at).length;

      await until(() => count(writes, 'before') >= 20, 60_000);
      await neo4j.stop();
      phase = 'outage';
      await until(() => count(writes, 'outage') >= 20 && count(reads, 'outage') >= 5, 60_000);
      neo4j = await startTestNeo4j({ dataDir: neo4jDir, port: neo4j.port });
      phase = 'after';
      await until(() => count(writes, 'after') >= 20, 60_000);
      running = false;
      await Promise.all(loops);

      const drainStarted = performance.now();
      let state = await outbox();
      while (state.pending > 0 && performance.now() - drainStarted < 120_000) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        state = await outbox();
      }
      const drainedMs = performance.now() - drainStarted;
      const verify = await graphVerify();
      let backOnNeo4j = false;
      const backDeadline = performance.now() + 30_000;
      while (!backOnNeo4j && performance.now() < backDeadline) {
        const traversal = await server.call(`/api/terms/${anchor.body.id}/related`, {
          token: user.accessToken,
        });
        backOnNeo4j = traversal.body.engine === 'neo4j';
        if (!backOnNeo4j) await new Promise((resolve) => setTimeout(resolve, 500));
      }

      const failedWrites = writes.filter((entry) => entry.status !== 201);
      const outageReads = reads.filter((entry) => entry.phase === 'outage');
      record.set('writes', writes.length);
      record.set('201', writes.length - failedWrites.length);
      record.set('writes during the outage', count(writes, 'outage'));
      record.set('traversals', reads.length);
      record.set('traversals during the outage', outageReads.length);
      record.set(
        'answered by PostgreSQL during the outage',
        outageReads.filter((r) => r.engine === 'postgres').length,
      );
      record.set('non-200 traversals', reads.filter((entry) => entry.status !== 200).length);
      record.set('outbox rows left', state.pending);
      record.set('outbox rows dead-lettered', state.failed);
      record.set('drained after restart (ms)', Math.round(drainedMs));
      record.set('graph verify exit code', verify.code ?? -1);
      record.observe(
        `${writes.length - failedWrites.length}/${writes.length} writes 201 (${count(writes, 'outage')} during the outage); ${outageReads.filter((r) => r.engine === 'postgres').length}/${outageReads.length} traversals during the outage answered from PostgreSQL; outbox drained ${Math.round(drainedMs)} ms after the checks began (${state.failed} dead-lettered); graph verify: exit ${verify.code}, "${verify.stdout.trim().split('\n').at(-1)}"; traversals back on Neo4j: ${backOnNeo4j}`,
      );

      expect(failedWrites, JSON.stringify(failedWrites.slice(0, 5))).toEqual([]);
      expect(reads.every((entry) => entry.status === 200)).toBe(true);
      expect(outageReads.length).toBeGreaterThan(0);
      expect(outageReads.some((entry) => entry.engine === 'postgres')).toBe(true);
      expect(state).toEqual({ pending: 0, failed: 0 });
      expect(verify.code, `${verify.stdout}\n${verify.stderr}`).toBe(0);
      expect(verify.stdout).toContain('identical');
      expect(backOnNeo4j).toBe(true);
    },
  );

  it('leaks no password or token into the server log', async () => {
    logs.secret('Neo4j password', neo4jEnvironment(neo4j).NEO4J_PASSWORD);
    await expectLogsFreeOfSecrets(logs, 'fault-neo4j-outage');
  });
});
