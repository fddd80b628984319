/**
 * `npm run bench:graph -- --terms 5000,50000,100000 --depth 3`: the seed's "Tests de charge Neo4j", with
 * both engines real. For each size: a synthetic ontology is loaded into a throwaway PostgreSQL (the system
 * of record), a throwaway Neo4j is rebuilt from it by the mirror's resync, the counts are checked equal,
 * then both engines answer the same traversals, interleaved, after a warm-up — the seed's queries and our
 * production `GraphStore.related` — and must return the same terms. Writes docs/benchmarks/graph.md and
 * an SVG chart with the decision under the seed's rule and ADR-0001's. A command, not a test: it fails on a
 * broken run or on different answers, never on a verdict.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import neo4j, { type Driver, type Session } from 'neo4j-driver';
import pg from 'pg';
import pino from 'pino';
import { ensureNeo4jBuilt, startNeo4j } from '@lexikon/harness/neo4j/server';
import { generateOntology, loadOntology, type SyntheticOntology } from '../backend/src/demo/synthetic.ts';
import { createNeo4jDriver } from '../backend/src/graph/neo4j/driver.ts';
import { Neo4jGraphStore } from '../backend/src/graph/neo4j/neo4j-graph-store.ts';
import { resyncMirror } from '../backend/src/graph/neo4j/resync.ts';
import { compareMirror } from '../backend/src/graph/neo4j/verify.ts';
import type { Subgraph, TraversalOptions } from '../backend/src/graph/port.ts';
import { PostgresGraphStore } from '../backend/src/graph/postgres-graph-store.ts';
import { SEED_TRAVERSAL_CYPHER, SEED_TRAVERSAL_SQL } from '../backend/src/graph/seed-query.ts';
import { createDatabase, type Database } from '../backend/src/platform/database/client.ts';
import { runMigrations } from '../backend/src/platform/database/migrate.ts';
import { startPostgresCluster, type PostgresCluster } from '@lexikon/harness/postgres-cluster';
import { renderGrowthChart, type GrowthPanel } from './lib/graph-chart.ts';
import {
  assertSame,
  compareMultisets,
  compareSubgraphs,
  describeComparison,
  DifferentAnswersError,
  rowKey,
  type ReachedRow,
} from './lib/graph-compare.ts';
import { degreeProfile } from './lib/graph-data.ts';
import { SEED_RULE } from './lib/graph-decision.ts';
import {
  describeMachine,
  jvmVersion,
  neo4jVersion,
  postgresVersion,
  residentMiB,
} from './lib/graph-machine.ts';
import { measureInterleaved, type Probe } from './lib/graph-measure.ts';
import { LIKE_FOR_LIKE_SQL, reachedByLikeForLikeSql, reachedBySeedSql } from './lib/graph-queries.ts';
import {
  renderMarkdown,
  renderSummary,
  type GraphParameters,
  type GraphReport,
  type RowsSize,
  type SeedProbe,
  type SizeResult,
  type StoreProbe,
  type SubgraphSize,
} from './lib/graph-report.ts';
import { gitCommit } from './lib/git.ts';
import { repoRoot } from '@lexikon/harness/repo-root';

const NEO4J_HEAP = '1g'; // harness/src/neo4j/server.ts starts the JVM with -Xmx1g

const USAGE = `Usage: npm run bench:graph -- [options]

  --terms N[,N…]     ontology sizes, one run each (default 5000; the report's sizes: 5000,50000,100000)
  --depth N          depth of the production traversal (default 3; the seed's queries are fixed at 3 levels)
  --direction D      production traversal direction: out (the seed's, default) or both (the web app's)
  --max-nodes N      the traversal cap, GRAPH_MAX_NODES (default 500, the server's default)
  --traversals N     measured rounds per group and size (default 1000; every engine runs once per round)
  --warmup N         warm-up rounds before them (default 100) …
  --warmup-seconds S … or fewer if they take longer than this (default 30)
  --max-seconds S    time budget of one group's measured rounds (default 300); the report says if it was hit
  --seed N           seed of the synthetic ontology (default 42)
  --out FILE         markdown report (default docs/benchmarks/graph.md); the chart goes next to it
`;

interface Options {
  sizes: number[];
  depth: number;
  direction: 'out' | 'both';
  maxNodes: number;
  traversals: number;
  warmup: number;
  warmupSeconds: number;
  maxSeconds: number;
  seed: number;
  out: string;
}

class UsageError extends Error {}

function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    options: {
      terms: { type: 'string', default: '5000' },
      depth: { type: 'string', default: '3' },
      direction: { type: 'string', default: 'out' },
      'max-nodes': { type: 'string', default: '500' },
      traversals: { type: 'string', default: '1000' },
      warmup: { type: 'string', default: '100' },
      'warmup-seconds': { type: 'string', default: '30' },
      'max-seconds': { type: 'string', default: '300' },
      seed: { type: 'string', default: '42' },
      out: { type: 'string', default: path.join(repoRoot, 'docs/benchmarks/graph.md') },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  if (values.direction !== 'out' && values.direction !== 'both')
    throw new UsageError('--direction must be "out" or "both"');
  const sizes = values.terms.split(',').map((size) => integer('terms', size.trim(), 10));
  return {
    sizes: [...new Set(sizes)].sort((a, b) => a - b),
    depth: integer('depth', values.depth, 1, 5),
    direction: values.direction,
    maxNodes: integer('max-nodes', values['max-nodes'], 10, 100_000),
    traversals: integer('traversals', values.traversals),
    warmup: integer('warmup', values.warmup, 0),
    warmupSeconds: integer('warmup-seconds', values['warmup-seconds'], 0),
    maxSeconds: integer('max-seconds', values['max-seconds']),
    seed: integer('seed', values.seed, 0),
    // npm runs the script from backend/; a relative --out means relative to where the user typed it.
    out: path.resolve(process.env.INIT_CWD ?? process.cwd(), values.out),
  };
}

function integer(name: string, text: string, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new UsageError(`--${name} must be an integer from ${min} to ${max.toLocaleString('en')}`);
  return value;
}

// ---- progress and clean-up ------------------------------------------------------------------------------

const startedAt = performance.now();

function log(line: string): void {
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1).padStart(7);
  process.stderr.write(`[bench:graph ${seconds}s] ${line}\n`);
}

const cleanups: (() => Promise<void>)[] = [];
let cleaning: Promise<void> | undefined;

/** Undo in reverse order of set-up; runs once, whether the run ended, failed or was interrupted. */
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const cleanup of cleanups.splice(0).reverse())
      await cleanup().catch((error: unknown) => log(`clean-up failed (ignored): ${String(error)}`));
  })();
  return cleaning;
}

/**
 * What one size sets up, undone in reverse order as soon as that size is over, so sizes never overlap.
 * Each step is also registered for the run's clean-up, which undoes it instead on Ctrl-C or a failure.
 */
class Scope {
  readonly #undos: (() => Promise<void>)[] = [];

  defer(undo: () => Promise<void>): void {
    this.#undos.push(undo);
    cleanups.push(undo);
  }

  async close(): Promise<void> {
    for (const undo of this.#undos.splice(0).reverse()) {
      const index = cleanups.indexOf(undo);
      // Not registered any more: the run's clean-up has already undone it.
      if (index === -1) continue;
      cleanups.splice(index, 1);
      await undo().catch((error: unknown) => log(`clean-up failed (ignored): ${String(error)}`));
    }
  }
}

let interrupted = false;

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    log(`${signal}: stopping Neo4j and the PostgreSQL cluster`);
    void cleanUp().finally(() => process.exit(130));
  });
}

// ---- loading ----------------------------------------------------------------------------------------------

const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
};

/** A progress line every `step` items and at the end, so a long load shows it is moving. */
function progress(label: string, step: number): (done: number, total: number) => void {
  let next = step;
  return (done, total) => {
    if (done >= next || done === total) {
      log(`${label}: ${done.toLocaleString('en')}/${total.toLocaleString('en')}`);
      next = done + step;
    }
  };
}

async function loadPostgres(
  database: Database,
  ontology: SyntheticOntology,
): Promise<{ loadMs: number; analyzeMs: number }> {
  const report = {
    terms: progress('PostgreSQL terms', 20_000),
    relationships: progress('PostgreSQL relations', 50_000),
  };
  const [, loadMs] = await timed(() =>
    loadOntology(database.db, ontology, {
      onProgress: ({ table, done, total }) => report[table](done, total),
    }),
  );
  // Fresh planner statistics, rather than autovacuum deciding to analyse in the middle of a measurement.
  const [, analyzeMs] = await timed(() => database.db.execute(sql`VACUUM ANALYZE`));
  return { loadMs, analyzeMs };
}

// ---- probes -----------------------------------------------------------------------------------------------

interface Answer<Size> {
  /** What the same-answer check compares. */
  keys: string[];
  size: Size;
}

const rowsSizeOf = (rows: readonly ReachedRow[]): RowsSize => ({
  rows: rows.length,
  distinct: new Set(rows.map((row) => row.name)).size,
});

async function seedSqlAnswer(client: pg.Client): Promise<Answer<RowsSize>> {
  const { rows } = await client.query<{ term: string; depth: number }>(SEED_TRAVERSAL_SQL);
  const reached = reachedBySeedSql(rows);
  return { keys: reached.map(rowKey), size: rowsSizeOf(reached) };
}

async function likeSqlAnswer(client: pg.Client): Promise<Answer<RowsSize>> {
  const { rows } = await client.query<{ name: string; hops: number }>(LIKE_FOR_LIKE_SQL);
  const reached = reachedByLikeForLikeSql(rows);
  return { keys: reached.map(rowKey), size: rowsSizeOf(reached) };
}

async function seedCypherAnswer(session: Session): Promise<Answer<RowsSize>> {
  const { records } = await session.run(SEED_TRAVERSAL_CYPHER);
  const reached = records.map((record) => ({
    name: String(record.get(0)),
    hops: Number(record.get(1)),
  }));
  return { keys: reached.map(rowKey), size: rowsSizeOf(reached) };
}

const subgraphSizeOf = (subgraph: Subgraph): SubgraphSize => ({
  nodes: subgraph.nodes.length,
  edges: subgraph.edges.length,
  totalNodes: subgraph.total_nodes,
  truncated: subgraph.truncated,
});

// ---- one size -----------------------------------------------------------------------------------------------

interface Engines {
  cluster: PostgresCluster;
  /** Filled by the first size, from the running servers themselves. */
  versions: { postgres?: string; neo4j?: string };
}

async function runSize(terms: number, options: Options, engines: Engines): Promise<SizeResult> {
  log(`━━ ${terms.toLocaleString('en')} terms ━━`);
  const [ontology, generateMs] = await timed(async () => generateOntology({ terms, seed: options.seed }));
  log(
    `generated ${ontology.terms.length.toLocaleString('en')} terms, ${ontology.relations.length.toLocaleString('en')} relations (seed ${options.seed})`,
  );
  const scope = new Scope();
  try {
    const databaseName = `lexikon_graph_${terms}`;
    const databaseUrl = await engines.cluster.createDatabase(databaseName);
    scope.defer(() => dropDatabase(engines.cluster, databaseName));
    const database = createDatabase(
      { kind: 'postgres', url: databaseUrl, poolMax: 2, connectTimeoutMs: 5000, statementTimeoutMs: 600_000 },
      pino({ level: 'silent' }),
    );
    scope.defer(() => database.close());
    await runMigrations(database);
    const { loadMs, analyzeMs } = await loadPostgres(database, ontology);
    log(
      `PostgreSQL loaded in ${(loadMs / 1000).toFixed(1)} s (+ ${(analyzeMs / 1000).toFixed(1)} s VACUUM ANALYZE)`,
    );
    const sqlClient = new pg.Client({ connectionString: databaseUrl });
    await sqlClient.connect();
    scope.defer(() => sqlClient.end());

    // Authentication on, as in production; a fresh store for every size.
    const server = await startNeo4j({ password: randomBytes(18).toString('base64url'), log });
    scope.defer(() => server.stop());
    // The API's own driver settings; a long budget, since a 100,000-term resync is not a request.
    const driver = createNeo4jDriver({
      uri: server.boltUrl,
      user: server.user,
      password: server.password,
      timeoutMs: 600_000,
    });
    scope.defer(() => driver.close());
    const [resync, neo4jMs] = await timed(() =>
      resyncMirror({ db: database.db, driver, log, onProgress: progress('Neo4j resync', 20_000) }),
    );
    log(`Neo4j rebuilt from PostgreSQL in ${(neo4jMs / 1000).toFixed(1)} s`);
    await verifyMirror(database, driver);
    const rssAfterLoad = await residentMiB(server.pid);
    engines.versions.neo4j ??= await neo4jVersion(driver);
    engines.versions.postgres ??= await postgresVersion(sqlClient);

    const session = driver.session({ defaultAccessMode: neo4j.session.READ });
    scope.defer(() => session.close());
    const seed = await measureSeedQueries(options, sqlClient, session);
    const production = await measureStores(options, database, driver, ontology.terms[0]!.id);
    const rssAfterRun = await residentMiB(server.pid);
    const { rows } = await sqlClient.query<{ bytes: string }>(
      'SELECT pg_database_size(current_database()) AS bytes',
    );
    return {
      terms,
      relations: ontology.relations.length,
      relatedTo: ontology.relations.filter((relation) => relation.type === 'related_to').length,
      degrees: degreeProfile(ontology),
      load: { generateMs, postgresMs: loadMs, analyzeMs, neo4jMs, neo4jBatches: resync.batches },
      memory: {
        neo4jRssAfterLoadMiB: rssAfterLoad,
        neo4jRssAfterRunMiB: rssAfterRun,
        postgresDatabaseMiB: Number(rows[0]!.bytes) / 2 ** 20,
      },
      seed,
      production,
    };
  } finally {
    await scope.close();
  }
}

async function dropDatabase(cluster: PostgresCluster, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** The whole mirror against PostgreSQL, term by term and relation by relation (`lexikon graph verify`). */
async function verifyMirror(database: Database, driver: Driver): Promise<void> {
  const [mirror, verifyMs] = await timed(() => compareMirror(database.db, driver));
  if (!mirror.identical) {
    const sample = {
      ...mirror,
      missingTerms: mirror.missingTerms.slice(0, 5),
      missingRelations: mirror.missingRelations.slice(0, 5),
    };
    throw new DifferentAnswersError(
      `the mirror differs from PostgreSQL after the resync: ${JSON.stringify(sample)}`,
    );
  }
  log(
    `mirror verified identical in ${(verifyMs / 1000).toFixed(1)} s: ${mirror.counts.neo4j.terms.toLocaleString('en')} terms, ${mirror.counts.neo4j.relations.toLocaleString('en')} relations on both sides`,
  );
}

async function measureSeedQueries(
  options: Options,
  sqlClient: pg.Client,
  session: Session,
): Promise<SizeResult['seed']> {
  const answers = {
    seedCypher: await seedCypherAnswer(session),
    likeSql: await likeSqlAnswer(sqlClient),
    seedSql: await seedSqlAnswer(sqlClient),
  };
  const comparison = compareMultisets(answers.likeSql.keys, answers.seedCypher.keys);
  assertSame(
    "rows (term, hops) of the seed's Cypher and the like-for-like SQL",
    ['PostgreSQL', 'Neo4j'],
    comparison,
  );
  log(describeComparison("seed's question: rows (term, hops)", ['PostgreSQL', 'Neo4j'], comparison));
  log(
    `seed's SQL verbatim (every type, 2 hops): ${answers.seedSql.size.rows} rows, ${answers.seedSql.size.distinct} distinct names — another question, timed for reference`,
  );
  const probes: Probe<SeedProbe>[] = [
    { key: 'seedCypher', run: () => session.run(SEED_TRAVERSAL_CYPHER) },
    { key: 'likeSql', run: () => sqlClient.query(LIKE_FOR_LIKE_SQL) },
    { key: 'seedSql', run: () => sqlClient.query(SEED_TRAVERSAL_SQL) },
  ];
  const result = await measureInterleaved(probes, {
    warmupRounds: options.warmup,
    warmupMaxSeconds: options.warmupSeconds,
    rounds: options.traversals,
    maxSeconds: options.maxSeconds,
    label: "seed's queries",
    log,
  });
  return {
    ...result,
    sizes: {
      seedCypher: answers.seedCypher.size,
      likeSql: answers.likeSql.size,
      seedSql: answers.seedSql.size,
    },
  };
}

async function measureStores(
  options: Options,
  database: Database,
  driver: Driver,
  hubId: string,
): Promise<SizeResult['production']> {
  const stores = { postgres: new PostgresGraphStore(database.db), neo4j: new Neo4jGraphStore(driver) };
  const traversal: TraversalOptions = {
    depth: options.depth,
    types: undefined,
    direction: options.direction,
    maxNodes: options.maxNodes,
    // The server's default (GRAPH_MAX_EDGES): the production traversal as the API runs it.
    maxEdges: 2000,
  };
  const [inPostgres, inNeo4j] = [
    await stores.postgres.related(hubId, traversal),
    await stores.neo4j.related(hubId, traversal),
  ];
  for (const [what, comparison] of Object.entries(compareSubgraphs(inPostgres, inNeo4j)))
    assertSame(`GraphStore.related ${what}`, ['PostgreSQL', 'Neo4j'], comparison);
  log(
    `production traversal: identical answers, ${inPostgres.nodes.length} terms at the same depths ` +
      `(${inPostgres.total_nodes} in reach), ${inPostgres.edges.length} relations`,
  );
  const probes: Probe<StoreProbe>[] = [
    { key: 'neo4j', run: () => stores.neo4j.related(hubId, traversal) },
    { key: 'postgres', run: () => stores.postgres.related(hubId, traversal) },
  ];
  const result = await measureInterleaved(probes, {
    warmupRounds: options.warmup,
    warmupMaxSeconds: options.warmupSeconds,
    rounds: options.traversals,
    maxSeconds: options.maxSeconds,
    label: `GraphStore.related (depth ${options.depth}, ${options.direction})`,
    log,
  });
  return { ...result, sizes: { postgres: subgraphSizeOf(inPostgres), neo4j: subgraphSizeOf(inNeo4j) } };
}

// ---- output -------------------------------------------------------------------------------------------------

const COLORS = { neo4j: '#059669', postgres: '#2563eb', seedSql: '#9ca3af' };

function writeReport(report: Omit<GraphReport, 'chart'>, out: string): void {
  const chartFile = path.join(path.dirname(out), `${path.basename(out, '.md')}-latency.svg`);
  const point = (terms: number, latency: { p50: number; p95: number; p99: number }) => ({
    terms,
    ...latency,
  });
  const panels: GrowthPanel[] = [
    {
      title: "Seed's question: RELATED_TO, 1–3 hops",
      series: [
        {
          label: 'Neo4j (Cypher)',
          color: COLORS.neo4j,
          points: report.sizes.map((s) => point(s.terms, s.seed.measurements.seedCypher.latency)),
        },
        {
          label: 'PostgreSQL (SQL)',
          color: COLORS.postgres,
          points: report.sizes.map((s) => point(s.terms, s.seed.measurements.likeSql.latency)),
        },
      ],
    },
    {
      title: `GraphStore.related, depth ${report.parameters.depth}, ${report.parameters.direction}`,
      series: [
        {
          label: 'Neo4j (Cypher)',
          color: COLORS.neo4j,
          points: report.sizes.map((s) => point(s.terms, s.production.measurements.neo4j.latency)),
        },
        {
          label: 'PostgreSQL (SQL)',
          color: COLORS.postgres,
          points: report.sizes.map((s) => point(s.terms, s.production.measurements.postgres.latency)),
        },
      ],
    },
  ];
  const chart = renderGrowthChart(
    'Traversal latency from "Intelligence Artificielle" by ontology size',
    panels,
    [
      {
        label: `seed rule: Neo4j must be under ${SEED_RULE.neo4jUnderMs} ms`,
        ms: SEED_RULE.neo4jUnderMs,
        color: COLORS.neo4j,
      },
      {
        label: `… while PostgreSQL is over ${SEED_RULE.postgresOverMs} ms`,
        ms: SEED_RULE.postgresOverMs,
        color: COLORS.postgres,
      },
    ],
  );
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(chartFile, chart);
  const link = path.relative(path.dirname(out), chartFile).split(path.sep).join('/');
  writeFileSync(out, renderMarkdown({ ...report, chart: link }));
  log(`wrote ${path.relative(repoRoot, out)} and ${path.relative(repoRoot, chartFile)}`);
}

// ---- main -----------------------------------------------------------------------------------------------

async function main(args: string[]): Promise<void> {
  const options = parseOptions(args);
  const loadBefore = os.loadavg();
  log(
    `sizes ${options.sizes.map((size) => size.toLocaleString('en')).join(', ')}; load average ${loadBefore.map((load) => load.toFixed(2)).join(' / ')}`,
  );
  const java = await ensureNeo4jBuilt(log);
  const cluster = await startPostgresCluster({ log });
  cleanups.push(() => cluster.stop());

  const engines: Engines = { cluster, versions: {} };
  const parameters: GraphParameters = {
    seed: options.seed,
    depth: options.depth,
    direction: options.direction,
    maxNodes: options.maxNodes,
    rounds: options.traversals,
    warmupRounds: options.warmup,
    warmupMaxSeconds: options.warmupSeconds,
    maxSeconds: options.maxSeconds,
    neo4jHeap: NEO4J_HEAP,
  };
  const jvm = await jvmVersion(java);
  const sizes: SizeResult[] = [];
  for (const terms of options.sizes) {
    sizes.push(await runSize(terms, options, engines));
    const last = options.sizes[options.sizes.length - 1] === terms;
    if (!last) process.stderr.write(renderSummary({ sizes: sizes.slice(-1), parameters }));
    // Written after every size: a long run that fails at 100,000 terms still leaves what it measured.
    writeReport(
      {
        generatedAt: new Date(),
        commit: gitCommit(repoRoot),
        command: `npm run bench:graph -- ${args.join(' ')}`.trimEnd(),
        machine: describeMachine(
          {
            postgres: engines.versions.postgres ?? 'unknown',
            neo4j: engines.versions.neo4j ?? 'unknown',
            jvm,
          },
          loadBefore,
        ),
        parameters,
        sizes,
      },
      options.out,
    );
  }
  process.stdout.write(renderSummary({ sizes, parameters }));
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 64; // EX_USAGE
  } else if (!interrupted) {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  }
} finally {
  await cleanUp();
}
