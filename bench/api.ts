/**
 * `npm run bench:api`: measures the real API server against a throwaway PostgreSQL cluster loaded with a
 * synthetic ontology, and writes docs/benchmarks/api.md (plus a latency chart) with the figures beside
 * the issue's targets. A command, not a test: it never fails on a missed target, only on a broken run.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import pino from 'pino';
import { auditRecorder } from '../backend/src/audit/recorder.ts';
import { PostgresRateLimiter } from '../backend/src/auth/rate-limiter.ts';
import { authRepository } from '../backend/src/auth/repository.ts';
import { AuthService } from '../backend/src/auth/service.ts';
import { AccessTokens } from '../backend/src/auth/tokens.ts';
import { generateOntology, HUB_TERM, loadOntology } from '../backend/src/demo/synthetic.ts';
import { PostgresGraphStore } from '../backend/src/graph/postgres-graph-store.ts';
import { loadConfig, type Config } from '../backend/src/platform/config.ts';
import { createDatabase, rowsOf, type Database } from '../backend/src/platform/database/client.ts';
import { runMigrations } from '../backend/src/platform/database/migrate.ts';
import { startPostgresCluster } from '@lexikon/harness/postgres-cluster';
import { renderLatencyChart } from './lib/chart.ts';
import { TimedClient } from './lib/http.ts';
import { runListLoad, type ListLoadResult } from './lib/list-load.ts';
import { renderMarkdown, renderSummary, TARGETS, type BenchReport, type Machine } from './lib/report.ts';
import { freeLoopbackPort, startServer } from './lib/server.ts';
import { runTraversals, type TraversalKind, type TraversalMeasurement } from './lib/traversal.ts';
import { gitCommit as gitCommitOf } from './lib/git.ts';
import { repoRoot } from '@lexikon/harness/repo-root';

const backendDir = path.join(repoRoot, 'backend');

const LIST_PATH = '/api/terms?limit=20';
const TRAVERSAL_DEPTH = 3;
const traversalPath = (direction: 'out' | 'both') =>
  `/api/graph/related?term=${encodeURIComponent(HUB_TERM)}&depth=${TRAVERSAL_DEPTH}&direction=${direction}`;
const GRAPH_MAX_NODES = 500;
// The server's default (GRAPH_MAX_EDGES).
const GRAPH_MAX_EDGES = 2000;

const USAGE = `Usage: npm run bench:api -- [options]

  --terms N          synthetic terms to load (default 5000)
  --duration S       measured seconds of the list load test (default 20)
  --warmup S         warm-up seconds before it (default 5)
  --connections N    concurrent connections of the list load test (default 100)
  --traversals N     measured traversal rounds (default 1000; 200 warm-up rounds come first)
  --seed N           seed of the synthetic ontology (default 42)
  --direction D      traversal direction: out (the seed's SQL semantics, default) or both (the web app's)
  --pool N           the server's DATABASE_POOL_MAX, per process (default 20)
  --workers N|auto   the server's API_WORKERS (default 1; auto = one process per core); with any
                     other count than 1 the figures are printed, not written to the report
  --out FILE         markdown report (default docs/benchmarks/api.md); the chart goes next to it
  --only list|traversal   run one part and print it; no report is written
  --cpu-prof DIR     profile the server (node --cpu-prof) into DIR
`;

interface Options {
  terms: number;
  duration: number;
  warmup: number;
  connections: number;
  traversals: number;
  traversalWarmup: number;
  seed: number;
  direction: 'out' | 'both';
  pool: number;
  workers: string;
  out: string;
  only: 'list' | 'traversal' | undefined;
  cpuProfileDir: string | undefined;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      terms: { type: 'string', default: '5000' },
      duration: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '5' },
      connections: { type: 'string', default: '100' },
      traversals: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '42' },
      direction: { type: 'string', default: 'out' },
      pool: { type: 'string', default: '20' },
      workers: { type: 'string', default: '1' },
      out: { type: 'string', default: path.join(repoRoot, 'docs/benchmarks/api.md') },
      only: { type: 'string' },
      'cpu-prof': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  if (values.only !== undefined && values.only !== 'list' && values.only !== 'traversal')
    throw new UsageError('--only must be "list" or "traversal"');
  if (values.direction !== 'out' && values.direction !== 'both')
    throw new UsageError('--direction must be "out" or "both"');
  return {
    terms: positiveInteger('terms', values.terms),
    duration: positiveInteger('duration', values.duration),
    warmup: positiveInteger('warmup', values.warmup),
    connections: positiveInteger('connections', values.connections),
    traversals: positiveInteger('traversals', values.traversals),
    traversalWarmup: 200,
    seed: positiveInteger('seed', values.seed, 0),
    direction: values.direction,
    pool: positiveInteger('pool', values.pool),
    workers: values.workers === 'auto' ? 'auto' : String(positiveInteger('workers', values.workers)),
    // npm runs the script from backend/; a relative --out means relative to where the user typed it.
    out: path.resolve(process.env.INIT_CWD ?? process.cwd(), values.out),
    only: values.only,
    cpuProfileDir:
      values['cpu-prof'] && path.resolve(process.env.INIT_CWD ?? process.cwd(), values['cpu-prof']),
  };
}

class UsageError extends Error {}

function positiveInteger(name: string, text: string, min = 1): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min)
    throw new UsageError(`--${name} must be an integer ≥ ${min}`);
  return value;
}

// ---- progress and clean-up ------------------------------------------------------------------------------

const startedAt = performance.now();

function log(line: string): void {
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench ${seconds}s] ${line}\n`);
}

const cleanups: (() => Promise<void>)[] = [];
let cleaning: Promise<void> | undefined;

/** Undo in reverse order of set-up; runs once, whether the run ended, failed or was interrupted. */
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const cleanup of cleanups.reverse())
      await cleanup().catch((error: unknown) => log(`clean-up failed (ignored): ${String(error)}`));
  })();
  return cleaning;
}

let interrupted = false;

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    log(`${signal}: stopping the server and the PostgreSQL cluster`);
    void cleanUp().finally(() => process.exit(130));
  });
}

// ---- set-up ---------------------------------------------------------------------------------------------

/** The server's whole configuration: production mode, and limits that let the bench user log in. */
function serverEnvironment(
  databaseUrl: string,
  port: number,
  pool: number,
  workers: string,
): Record<string, string> {
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_MAX: String(pool),
    API_WORKERS: workers,
    JWT_SECRET: randomBytes(48).toString('base64'),
    METRICS_TOKEN: randomBytes(24).toString('hex'),
    // Longer than any run, so the token never expires mid-measurement.
    JWT_ACCESS_TTL_SECONDS: '3600',
    AUTH_LOGIN_LIMIT_PER_IP: '1000/60',
    AUTH_LOGIN_LIMIT_PER_ACCOUNT: '1000/60',
    AUTH_REGISTER_LIMIT_PER_IP: '1000/60',
    GRAPH_MAX_NODES: String(GRAPH_MAX_NODES),
    GRAPH_MAX_EDGES: String(GRAPH_MAX_EDGES),
    LEXIKON_DATA_DIR: ':memory:',
  };
}

/** Registers the bench user through the same service as POST /api/auth/register (argon2 and all). */
async function createBenchUser(
  database: Database,
  config: Config,
): Promise<{ id: string; email: string; password: string }> {
  const auth = new AuthService({
    db: database.db,
    repository: authRepository,
    accessTokens: new AccessTokens(config.jwt),
    rateLimiter: new PostgresRateLimiter(database.db),
    rateLimits: config.rateLimits,
    refreshTokenTtlDays: config.refreshTokenTtlDays,
    audit: auditRecorder,
  });
  const email = 'bench@example.org';
  const password = `Bench-${randomBytes(12).toString('base64url')}`;
  const profile = await auth.register({ email, password }, '127.0.0.1');
  return { id: profile.id, email, password };
}

async function seed(
  database: Database,
  options: Options,
  createdBy: string,
): Promise<{ hubId: string; relations: number }> {
  const ontology = generateOntology({ terms: options.terms, seed: options.seed });
  log(
    `seeding: ${ontology.terms.length} terms, ${ontology.relations.length} relations (seed ${options.seed})`,
  );
  await loadOntology(database.db, ontology, {
    createdBy,
    onProgress: ({ table, done, total }) => {
      if (done === total || done % 5000 === 0) log(`seeding: ${table} ${done}/${total}`);
    },
  });
  // Fresh statistics now, rather than autovacuum deciding to analyse in the middle of a measurement.
  await database.db.execute(sql`VACUUM ANALYZE`);
  return { hubId: ontology.terms[0]!.id, relations: ontology.relations.length };
}

async function login(client: TimedClient, user: { email: string; password: string }): Promise<string> {
  const response = await client.request('POST', '/api/auth/login', {
    email: user.email,
    password: user.password,
  });
  if (response.status !== 200)
    throw new Error(`login answered ${response.status}: ${response.body.toString('utf8')}`);
  return (JSON.parse(response.body.toString('utf8')) as { access_token: string }).access_token;
}

/** One request before the load test, so a broken endpoint fails loudly instead of as 100 % non-2xx. */
async function checkListEndpoint(client: TimedClient): Promise<void> {
  const response = await client.get(LIST_PATH);
  const items =
    response.status === 200 ? (JSON.parse(response.body.toString('utf8')) as { items: unknown[] }).items : [];
  if (items.length !== 20)
    throw new Error(
      `GET ${LIST_PATH} answered ${response.status}: ${response.body.toString('utf8').slice(0, 500)}`,
    );
}

async function describeMachine(database: Database, loadBefore: number[]): Promise<Machine> {
  const [row] = rowsOf<{ server_version: string }>(await database.db.execute(sql`SHOW server_version`));
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown CPU',
    cpuCount: cpus.length,
    memoryGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    postgres: row?.server_version ?? 'unknown',
    loadBefore,
    loadAfter: os.loadavg(),
  };
}

function gitCommit(): string {
  return gitCommitOf(repoRoot);
}

// ---- output ---------------------------------------------------------------------------------------------

function writeReport(report: Omit<BenchReport, 'chart'>, out: string): void {
  const chartFile = path.join(path.dirname(out), `${path.basename(out, '.md')}-latency.svg`);
  const { list, traversal, parameters } = report;
  const chart = renderLatencyChart(
    `Lexikon API latency by percentile (${parameters.terms.toLocaleString('en')} terms)`,
    [
      {
        label: `list, ${parameters.connections} connections (${list.sorted.length.toLocaleString('en')} requests)`,
        color: '#2563eb',
        sorted: list.sorted,
      },
      { label: 'traversal, HTTP endpoint (sequential)', color: '#dc2626', sorted: traversal.http.sorted },
      { label: 'traversal, PostgresGraphStore.related', color: '#f59e0b', sorted: traversal.store.sorted },
      { label: 'traversal, seed SQL via pg', color: '#059669', sorted: traversal.seedSql.sorted },
    ],
    [
      {
        label: `list target: p99 ≤ ${TARGETS.listP99Ms} ms`,
        color: '#2563eb',
        percentile: 99,
        ms: TARGETS.listP99Ms,
      },
      {
        label: `traversal target: p95 ≤ ${TARGETS.traversalP95Ms} ms`,
        color: '#dc2626',
        percentile: 95,
        ms: TARGETS.traversalP95Ms,
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

async function main(options: Options): Promise<void> {
  const loadBefore = os.loadavg();
  const cluster = await startPostgresCluster({ log });
  cleanups.push(() => cluster.stop());
  const databaseUrl = await cluster.createDatabase('lexikon_bench');
  const env = serverEnvironment(databaseUrl, await freeLoopbackPort(), options.pool, options.workers);
  // Parsed here too: a bad setting fails before anything starts, and the bench uses the server's secret.
  const config = loadConfig(env);

  const database = createDatabase(
    { kind: 'postgres', url: databaseUrl, poolMax: 4, connectTimeoutMs: 5000, statementTimeoutMs: 600_000 },
    pino({ level: 'silent' }),
  );
  cleanups.push(() => database.close());
  await runMigrations(database);
  const user = await createBenchUser(database, config);
  const { hubId, relations } = await seed(database, options, user.id);

  const nodeArgs = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  log(
    `starting the server on ${env.HOST}:${env.PORT}${nodeArgs.length ? ` with ${nodeArgs.join(' ')}` : ''}`,
  );
  const server = await startServer({ cwd: backendDir, env, nodeArgs, log });
  cleanups.push(() => server.stop());
  const anonymous = new TimedClient(server.url);
  const token = await login(anonymous, user);
  anonymous.close();
  const headers = { authorization: `Bearer ${token}` };
  const client = new TimedClient(server.url, headers);
  cleanups.push(async () => client.close());
  await checkListEndpoint(client);

  let list: ListLoadResult | undefined;
  if (options.only !== 'traversal') {
    list = await runListLoad({
      url: `${server.url}${LIST_PATH}`,
      headers,
      connections: options.connections,
      durationSeconds: options.duration,
      warmupSeconds: options.warmup,
      log,
    });
  }

  let traversal: Record<TraversalKind, TraversalMeasurement> | undefined;
  if (options.only !== 'list') {
    const sqlClient = new pg.Client({ connectionString: databaseUrl });
    await sqlClient.connect();
    cleanups.push(() => sqlClient.end());
    traversal = await runTraversals({
      client,
      path: traversalPath(options.direction),
      store: new PostgresGraphStore(database.db),
      startId: hubId,
      traversal: {
        depth: TRAVERSAL_DEPTH,
        types: undefined,
        direction: options.direction,
        maxNodes: GRAPH_MAX_NODES,
        maxEdges: GRAPH_MAX_EDGES,
      },
      sqlClient,
      count: options.traversals,
      warmup: options.traversalWarmup,
      log,
    });
  }

  process.stdout.write(renderSummary(options, list, traversal));
  if (!list || !traversal) {
    log('--only: partial run, no report written');
    return;
  }
  // docs/benchmarks/api.md describes one server process; other counts are compared by `npm run load`.
  if (options.workers !== '1') {
    log(`--workers ${options.workers}: printed only, no report written`);
    return;
  }
  writeReport(
    {
      generatedAt: new Date(),
      commit: gitCommit(),
      machine: await describeMachine(database, loadBefore),
      parameters: {
        terms: options.terms,
        relations,
        seed: options.seed,
        connections: options.connections,
        durationSeconds: options.duration,
        warmupSeconds: options.warmup,
        traversals: options.traversals,
        traversalWarmup: options.traversalWarmup,
        poolMax: options.pool,
        graphMaxNodes: GRAPH_MAX_NODES,
        listPath: LIST_PATH,
        traversalPath: traversalPath(options.direction),
        traversalDirection: options.direction,
      },
      list,
      traversal,
    },
    options.out,
  );
}

try {
  await main(parseOptions());
} catch (error) {
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 64; // EX_USAGE
  } else if (!interrupted) {
    // (After Ctrl-C the server, in the same process group, stops first: its refusals are not news.)
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  }
} finally {
  await cleanUp();
}
