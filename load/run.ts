/**
 * `npm run load`: the seed's Locust scenario (load/locustfile.py), 100 users spawned at 10/s for
 * LOAD_DURATION (default 10 minutes), against a fresh server we start: on a throwaway real PostgreSQL
 * with every core (`--target postgres`, the default) or on embedded PGlite as `npm start` serves it
 * (`--target embedded`). Then every term answered 201 is read back, the closed-loop list throughput is
 * measured with every core and with one, and docs/benchmarks/load.md is written. Loopback only; it stops
 * by itself, and stops everything it started (also on Ctrl-C). Not part of `npm test`.
 */
// autocannon's declarations live beside the API bench, outside the scripts project's include list.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="../bench/autocannon.d.ts" />
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { gitCommit } from '../bench/lib/git.ts';
import { runListLoad, type ListLoadResult } from '../bench/lib/list-load.ts';
import { startServer } from '../bench/lib/server.ts';
import { sortSamples, summarize } from '../bench/lib/stats.ts';
import { startPostgresCluster } from '@lexikon/harness/postgres-cluster';
import { freeLoopbackPort } from '@lexikon/harness/ports';
import { renderLoadChart } from './chart.ts';
import {
  ensureLocust,
  failuresByCause,
  LOCUST_VERSION,
  readResults,
  repoRoot,
  runLocust,
  type HistoryRow,
} from './locust.ts';
import {
  readStoredRuns,
  renderLoadReport,
  TARGETS,
  verdictOf,
  type ClosedLoopRun,
  type Target,
  type TargetRun,
} from './report.ts';
import { createLoadAccount, readBack, startApi } from './server.ts';

const USAGE = `Usage: npm run load -- [options]

  --target T        postgres (default: a throwaway real PostgreSQL, API_WORKERS=auto), embedded (PGlite,
                    one process, as npm start serves it), or both; env LOAD_TARGET
  --duration D      Locust's run time, e.g. 10m, 90s, 600 (default 10m); env LOAD_DURATION
  --users N         simulated users (default 100)
  --spawn-rate N    users started per second (default 10)
  --tags T,…        Locust tags: the seed's tasks are "seed"; "traversal" and "search" are extras
                    (e.g. --tags seed,traversal,search); default: the seed's scenario only
  --env NAME=VALUE  extra server configuration for a what-if run (repeatable), e.g. --env
                    VALIDATION_WORKER=off; recorded in the report
  --skip-compare    skip the closed-loop GET /api/terms?limit=20 comparison (API_WORKERS=auto vs 1)
  --out FILE        report (default docs/benchmarks/load.md); the charts go next to it
`;

const ACCOUNT = { email: 'load@test.com', password: 'LoadTest123' };
const LOGIN_LIMITS = '100000/60';
const POOL_PER_PROCESS = 10;
// Two measured rounds of 10 s per side (after 3 s of warm-up each), interleaved.
const COMPARE = { connections: 100, roundSeconds: 10, warmupSeconds: 3, path: '/api/terms?limit=20' };

interface Options {
  targets: Target[];
  durationSeconds: number;
  users: number;
  spawnRate: number;
  tags: string[];
  compare: boolean;
  serverEnv: Record<string, string>;
  out: string;
}

class UsageError extends Error {}

function parseDuration(text: string): number {
  const match = /^(\d+)(s|m|h)?$/.exec(text.trim());
  if (!match) throw new UsageError(`--duration must look like 10m, 90s or 600 (got "${text}")`);
  const value = Number(match[1]);
  const seconds = value * ({ s: 1, m: 60, h: 3600 }[match[2] as 's' | 'm' | 'h'] ?? 1);
  if (seconds < 5) throw new UsageError('--duration must be at least 5 s');
  return seconds;
}

function positive(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new UsageError(`--${name} must be an integer ≥ 1`);
  return value;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      target: { type: 'string', default: process.env.LOAD_TARGET ?? 'postgres' },
      duration: { type: 'string', default: process.env.LOAD_DURATION ?? '10m' },
      users: { type: 'string', default: '100' },
      'spawn-rate': { type: 'string', default: '10' },
      tags: { type: 'string' },
      'skip-compare': { type: 'boolean', default: false },
      env: { type: 'string', multiple: true, default: [] },
      out: { type: 'string', default: path.join(repoRoot, 'docs/benchmarks/load.md') },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const targets: Record<string, Target[]> = {
    postgres: ['postgres'],
    embedded: ['embedded'],
    both: ['postgres', 'embedded'],
  };
  if (!targets[values.target]) throw new UsageError('--target must be postgres, embedded or both');
  return {
    targets: targets[values.target]!,
    durationSeconds: parseDuration(values.duration),
    users: positive('users', values.users),
    spawnRate: positive('spawn-rate', values['spawn-rate']),
    tags: (values.tags ?? '')
      .split(',')
      .map((tag) => tag.trim())
      .filter(Boolean),
    compare: !values['skip-compare'],
    serverEnv: Object.fromEntries(
      values.env.map((pair) => {
        const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(pair);
        if (!match) throw new UsageError(`--env expects NAME=VALUE (got "${pair}")`);
        return [match[1]!, match[2]!];
      }),
    ),
    out: path.resolve(process.env.INIT_CWD ?? process.cwd(), values.out),
  };
}

// ---- progress and clean-up ------------------------------------------------------------------------------

const startedAt = performance.now();
function log(line: string): void {
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[load ${seconds}s] ${line}\n`);
}

const cleanups: (() => Promise<unknown>)[] = [];
async function cleanUp(): Promise<void> {
  while (cleanups.length > 0)
    await cleanups.pop()!().catch((error: unknown) => log(`clean-up: ${String(error)}`));
}
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    log(`${signal}: stopping what was started`);
    void cleanUp().finally(() => process.exit(130));
  });

function formatClock(seconds: number): string {
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
}

function progressLine(total: number) {
  return (row: HistoryRow | null, elapsed: number): void => {
    const head = `locust ${formatClock(Math.min(elapsed, total))}/${formatClock(total)}`;
    if (!row) return log(`${head}: starting`);
    log(
      `${head}: ${row.users} users · ${row.requestsPerSecond.toFixed(1)} req/s · p50 ${row.p50} ms · p95 ${row.p95} ms · ` +
        `${row.totalRequests.toLocaleString('en')} requests, ${row.totalFailures} failures`,
    );
  };
}

// ---- one target -----------------------------------------------------------------------------------------

interface Prepared {
  env: Record<string, string>;
  database: () => Promise<string>;
  apiWorkers: number;
}

async function preparePostgres(): Promise<Prepared> {
  const cluster = await startPostgresCluster({ log: (line) => log(line) });
  cleanups.push(() => cluster.stop());
  const databaseUrl = await cluster.createDatabase('lexikon_load');
  return {
    env: { DATABASE_URL: databaseUrl, API_WORKERS: 'auto', LEXIKON_DATA_DIR: ':memory:' },
    apiWorkers: os.availableParallelism(),
    database: async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
        return `PostgreSQL ${rows[0]?.server_version ?? 'unknown'} (throwaway cluster, fsync off)`;
      } finally {
        await client.end();
      }
    },
  };
}

async function prepareEmbedded(workDir: string): Promise<Prepared> {
  const dataDir = path.join(workDir, 'data');
  return {
    // As `npm start` serves: no DATABASE_URL, so PGlite in the data directory, one process.
    env: { LEXIKON_DATA_DIR: dataDir, API_WORKERS: 'auto' },
    apiWorkers: 1,
    database: async () => {
      // Asked once the server has stopped: PGlite serves one process at a time.
      const { PGlite } = await import('@electric-sql/pglite');
      const version = JSON.parse(
        readFileSync(path.join(repoRoot, 'node_modules/@electric-sql/pglite/package.json'), 'utf8'),
      ).version as string;
      const db = new PGlite(path.join(dataDir, 'pglite'));
      try {
        const { rows } = await db.query<{ server_version: string }>('SHOW server_version');
        return `PGlite ${version} (PostgreSQL ${rows[0]?.server_version ?? '?'} in WebAssembly, embedded)`;
      } finally {
        await db.close();
      }
    },
  };
}

async function runTarget(
  target: Target,
  options: Options,
  locust: string,
  chartFile: string,
  commit: string,
): Promise<TargetRun> {
  const loadBefore = os.loadavg();
  const workDir = mkdtempSync(path.join(os.tmpdir(), `lexikon-load-${target}-`));
  cleanups.push(async () => rmSync(workDir, { recursive: true, force: true }));
  const prepared = target === 'postgres' ? await preparePostgres() : await prepareEmbedded(workDir);
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(await freeLoopbackPort()),
    JWT_SECRET: randomBytes(48).toString('base64'),
    METRICS_TOKEN: randomBytes(24).toString('hex'),
    DATABASE_POOL_MAX: String(POOL_PER_PROCESS),
    // 100 users sign in as one account within 10 s: the load environment raises the limits (see the locustfile).
    AUTH_LOGIN_LIMIT_PER_IP: LOGIN_LIMITS,
    AUTH_LOGIN_LIMIT_PER_ACCOUNT: LOGIN_LIMITS,
    ...prepared.env,
    ...options.serverEnv,
  };

  log(`${target}: creating ${ACCOUNT.email} with the CLI (npm run lexikon -- create-admin)`);
  log(`${target}: ${await createLoadAccount(env, ACCOUNT)}`);
  const logDir = path.join(repoRoot, '.cache/load');
  mkdirSync(logDir, { recursive: true });
  const apiLog = path.join(logDir, `${target}-api.log`);
  log(
    `${target}: starting the API (${prepared.apiWorkers} process${prepared.apiWorkers > 1 ? 'es' : ''}; log in ${path.relative(repoRoot, apiLog)})`,
  );
  const api = await startApi(env, apiLog);
  cleanups.push(() => api.stop());
  log(`${target}: API ready on ${api.url}`);

  const createdIdsFile = path.join(workDir, 'created-ids.txt');
  const csvPrefix = path.join(workDir, 'locust');
  const locustLog = path.join(logDir, `${target}-locust.log`);
  writeFileSync(locustLog, '');
  log(
    `${target}: Locust ${LOCUST_VERSION}, ${options.users} users at ${options.spawnRate}/s for ${formatClock(options.durationSeconds)}` +
      `${options.tags.length ? `, tags ${options.tags.join(' ')}` : ''} (its output: ${path.relative(repoRoot, locustLog)})`,
  );
  const exitCode = await runLocust(locust, {
    host: api.url,
    users: options.users,
    spawnRate: options.spawnRate,
    runTimeSeconds: options.durationSeconds,
    csvPrefix,
    createdIdsFile,
    tags: options.tags,
    onProgress: progressLine(options.durationSeconds),
    onOutput: (chunk) => writeFileSync(locustLog, chunk, { flag: 'a' }),
  });
  log(`${target}: Locust exited with ${exitCode} (1 means some request failed; the report says which)`);
  const results = readResults(csvPrefix);

  const ids = existsSync(createdIdsFile)
    ? readFileSync(createdIdsFile, 'utf8').split('\n').filter(Boolean)
    : [];
  log(`${target}: reading back ${ids.length.toLocaleString('en')} created terms`);
  const back = await readBack(api.url, ACCOUNT, ids, (done) =>
    log(`${target}: read back ${done.toLocaleString('en')}`),
  );
  log(`${target}: ${back.found} found, ${back.missing.length} missing, ${back.errors.length} errors`);
  for (const line of [...back.missing.slice(0, 10), ...back.errors.slice(0, 10)]) log(`${target}:   ${line}`);
  const serverExitCode = await api.stop();

  const closedLoop =
    target === 'postgres' && options.compare ? await compareWorkers(env, prepared.apiWorkers) : null;
  const chart = path.basename(chartFile);
  writeFileSync(
    chartFile,
    renderLoadChart(
      `Lexikon under the seed's Locust load, ${target === 'postgres' ? 'PostgreSQL' : 'PGlite'} (${options.users} users, ${prepared.apiWorkers} API process${prepared.apiWorkers > 1 ? 'es' : ''})`,
      results.history,
      TARGETS.p95Ms,
    ),
  );
  const cpus = os.cpus();
  return {
    target,
    finishedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    commit,
    machine: {
      os: `${os.type()} ${os.release()} (${os.arch()})`,
      cpuModel: cpus[0]?.model.trim() ?? 'unknown CPU',
      cores: cpus.length,
      node: process.version,
      database: await prepared.database(),
      loadBefore,
      loadAfter: os.loadavg(),
    },
    parameters: {
      users: options.users,
      spawnRate: options.spawnRate,
      durationSeconds: options.durationSeconds,
      tags: options.tags,
      apiWorkers: prepared.apiWorkers,
      poolPerProcess: POOL_PER_PROCESS,
      logLevel: 'info',
      loginLimits: LOGIN_LIMITS,
      serverEnv: Object.entries(options.serverEnv).map(([name, value]) => `${name}=${value}`),
    },
    endpoints: results.endpoints,
    aggregated: results.aggregated,
    failuresByCause: [...failuresByCause(results.failures)],
    exceptions: results.exceptions,
    readBack: {
      created: ids.length,
      found: back.found,
      missing: back.missing.length,
      errors: back.errors.length,
    },
    serverExitCode,
    chart,
    closedLoop,
  };
}

/**
 * autocannon, closed loop, on the database the load test filled: every core against one process. Both
 * servers run at once (the idle one costs nothing) and the measured rounds alternate, auto, 1, 1, auto,
 * so load that drifts on a shared machine weighs on both sides alike instead of on whichever ran second.
 */
async function compareWorkers(
  baseEnv: Record<string, string>,
  cores: number,
): Promise<NonNullable<TargetRun['closedLoop']>> {
  const start = async (workers: number) => {
    // The same number of database connections in total, however many processes share them.
    const poolPerProcess = Math.max(1, Math.round((POOL_PER_PROCESS * cores) / workers));
    const env = {
      ...baseEnv,
      PORT: String(await freeLoopbackPort()),
      API_WORKERS: String(workers),
      DATABASE_POOL_MAX: String(poolPerProcess),
      LOG_LEVEL: 'warn',
    };
    log(`compare: starting API_WORKERS=${workers}, pool ${poolPerProcess} per process`);
    const server = await startServer({ cwd: path.join(repoRoot, 'backend'), env, log: () => {} });
    cleanups.push(() => server.stop());
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ACCOUNT),
    });
    const { access_token: token } = (await login.json()) as { access_token: string };
    return { workers, poolPerProcess, server, token, rounds: [] as ListLoadResult[] };
  };
  const sides = { auto: await start(cores), single: await start(1) };
  try {
    const order = [sides.auto, sides.single, sides.single, sides.auto];
    for (const [index, side] of order.entries()) {
      // A short warm-up in every round: the other server just had the cores, and the cluster's second
      // worker may still be finishing its start in the first one.
      const result = await runListLoad({
        url: `${side.server.url}${COMPARE.path}`,
        headers: { authorization: `Bearer ${side.token}` },
        connections: COMPARE.connections,
        durationSeconds: COMPARE.roundSeconds,
        warmupSeconds: COMPARE.warmupSeconds,
        log: (line) =>
          log(
            `compare round ${index + 1}/4 (${side.workers} process${side.workers > 1 ? 'es' : ''}): ${line}`,
          ),
      });
      log(`compare round ${index + 1}/4: ${Math.round(result.requestsPerSecond)} req/s`);
      side.rounds.push(result);
    }
  } finally {
    await Promise.all([sides.auto.server.stop(), sides.single.server.stop()]);
  }
  const combine = (side: typeof sides.auto): ClosedLoopRun => {
    const latency = summarize(sortSamples(side.rounds.flatMap((round) => [...round.sorted])));
    return {
      workers: side.workers,
      poolPerProcess: side.poolPerProcess,
      requestsPerSecond:
        side.rounds.reduce((sum, round) => sum + round.requestsPerSecond, 0) / side.rounds.length,
      p50: latency.p50,
      p99: latency.p99,
      requests: latency.count,
      non2xx: side.rounds.reduce((sum, round) => sum + round.non2xx, 0),
      errors: side.rounds.reduce((sum, round) => sum + round.errors, 0),
    };
  };
  return {
    auto: combine(sides.auto),
    single: combine(sides.single),
    connections: COMPARE.connections,
    durationSeconds: COMPARE.roundSeconds * 2,
  };
}

// ---- main -----------------------------------------------------------------------------------------------

async function main(options: Options): Promise<void> {
  log(
    `load average now ${os
      .loadavg()
      .map((value) => value.toFixed(2))
      .join(' / ')} on ${os.availableParallelism()} cores`,
  );
  // Read before this run writes its report and charts, which would make the tree look modified.
  const commit = gitCommit(repoRoot);
  const locust = await ensureLocust(log);
  mkdirSync(path.dirname(options.out), { recursive: true });
  const stored = readStoredRuns(existsSync(options.out) ? readFileSync(options.out, 'utf8') : null);
  let failed = false;
  for (const target of options.targets) {
    const chartFile = path.join(
      path.dirname(options.out),
      `${path.basename(options.out, '.md')}-${target}.svg`,
    );
    const run = await runTarget(target, options, locust, chartFile, commit);
    await cleanUp();
    stored[target] = run;
    writeFileSync(options.out, renderLoadReport(stored));
    log(`wrote ${path.relative(repoRoot, options.out)} and ${path.relative(repoRoot, chartFile)}`);
    const verdict = verdictOf(run);
    const failures = run.aggregated?.failures ?? NaN;
    process.stdout.write(
      `${target}: ${run.aggregated?.requests ?? 0} requests, ${(run.aggregated?.requestsPerSecond ?? 0).toFixed(1)} req/s, ` +
        `${failures} failures; p95 ${run.endpoints.map((endpoint) => `${endpoint.name} ${endpoint.p95} ms`).join(', ')}; ` +
        `terms created ${run.readBack.created}, found ${run.readBack.found}` +
        (run.closedLoop
          ? `; closed loop ${Math.round(run.closedLoop.auto.requestsPerSecond)} req/s with ${run.closedLoop.auto.workers} processes vs ${Math.round(run.closedLoop.single.requestsPerSecond)} with 1`
          : '') +
        '\n',
    );
    // A lost term is a broken run (data loss), not a missed target: fail the command.
    if (!verdict.lost) failed = true;
  }
  if (failed) {
    log('some acknowledged terms could not be read back: see the report');
    process.exitCode = 1;
  }
}

try {
  await main(parseOptions());
} catch (error) {
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 64;
  } else {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  }
} finally {
  await cleanUp();
}
