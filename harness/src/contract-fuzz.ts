/**
 * Contract fuzzing with Schemathesis (pinned, from PyPI, in a virtualenv under .cache/): it reads
 * `/openapi.json` from a freshly started production-mode API on a throwaway PostgreSQL, then sends
 * generated requests to every operation, valid and invalid, as a seeded user with a bearer token, and
 * follows the document's links (create a term → read, edit, delete it; relate it) in stateful sequences.
 * Every response must be: no 5xx, a declared status, the declared content type, and a body matching the
 * declared schema. A failure names the request that reproduces it. Run by `npm run test:fuzz`
 * (scripts/fuzz.ts) and, bounded, by backend/test/postgres-only/contract-fuzz.test.ts.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster.ts';
import { writeReliabilityRecord } from './reliability/records.ts';
import { startProductionServer, type ProductionServer } from './reliability/server.ts';
import { repoRoot } from './repo-root.ts';

export const SCHEMATHESIS_VERSION = '4.32.5';
export const FUZZ_CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
] as const;

const venvDir = join(repoRoot, '.cache', `schemathesis-${SCHEMATHESIS_VERSION}`);
const schemathesisBin = join(venvDir, 'bin', 'schemathesis');

export type Log = (line: string) => void;

export interface FuzzOptions {
  /** Generated cases per operation and phase (schemathesis --max-examples). */
  maxExamples: number;
  /** A PostgreSQL server to create the database on; a throwaway cluster is started when absent. */
  postgresAdminUrl?: string;
  seed?: number;
  /** Where the reports go; a fresh folder under test-results/fuzz by default. */
  reportDir?: string;
  /** Id of the reliability record written at the end (none when absent). */
  recordId?: string;
  log?: Log;
}

export interface FuzzResult {
  exitCode: number;
  /** Test cases schemathesis generated and sent, over every phase. */
  cases: number;
  /** Distinct failures (schemathesis groups the cases that fail the same way). */
  failures: number;
  /** API operations tested. */
  operations: number;
  /** HTTP statuses seen, e.g. { 200: 812, 400: 1530 }. */
  statuses: Record<string, number>;
  serverErrors: number;
  /** Schemathesis' own summary (the last lines of its output). */
  summary: string;
  reportDir: string;
}

/** The pinned schemathesis in its own virtualenv, created on first use. */
export function ensureSchemathesis(log: Log = () => {}): string {
  if (existsSync(schemathesisBin)) {
    const version = spawnSync(schemathesisBin, ['--version'], { encoding: 'utf8' });
    if (version.status === 0 && version.stdout.includes(SCHEMATHESIS_VERSION)) return schemathesisBin;
  }
  log(`installing schemathesis ${SCHEMATHESIS_VERSION} into ${venvDir} (once; about a minute)`);
  rmSync(venvDir, { recursive: true, force: true });
  mkdirSync(join(repoRoot, '.cache'), { recursive: true });
  for (const [command, args] of [
    ['python3', ['-m', 'venv', venvDir]],
    [
      join(venvDir, 'bin', 'pip'),
      ['install', '--quiet', '--disable-pip-version-check', `schemathesis==${SCHEMATHESIS_VERSION}`],
    ],
  ] as const) {
    const result = spawnSync(command, args, { encoding: 'utf8', timeout: 900_000 });
    if (result.status !== 0)
      throw new Error(
        `${command} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${(result.stderr || result.stdout).slice(-3000)}\n` +
          'Python 3 with the venv module is needed (Debian: apt-get install python3-venv).',
      );
  }
  return schemathesisBin;
}

interface Seeded {
  token: string;
  password: string;
  refreshToken: string;
}

/** A user with a long-lived access token, terms of theirs and someone else's, and relations between them. */
async function seed(baseUrl: string): Promise<Seeded> {
  const call = async <T>(method: string, path: string, body?: unknown, token?: string): Promise<T> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`seeding: ${method} ${path} answered ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const account = async (name: string) => {
    const password = `fuzz ${name} ${randomBytes(6).toString('hex')} pass`;
    const email = `${name}@fuzz.example`;
    await call('POST', '/api/auth/register', { email, password, username: name });
    const tokens = await call<{ access_token: string; refresh_token: string }>('POST', '/api/auth/login', {
      email,
      password,
    });
    return { password, token: tokens.access_token, refreshToken: tokens.refresh_token };
  };
  const fuzzer = await account('fuzzer');
  const other = await account('bystander');
  const created: string[] = [];
  for (const [term, owner] of [
    ['Intelligence artificielle', fuzzer],
    ['Apprentissage automatique', fuzzer],
    ['Réseau de neurones', fuzzer],
    ['Algorithme', other],
    ['Donnée', other],
  ] as const) {
    const body = {
      term,
      definition: `${term} : une notion de référence du vocabulaire de démonstration du fuzzing.`,
      domain: 'Informatique',
      level: 'beginner',
    };
    created.push((await call<{ id: string }>('POST', '/api/terms', body, owner.token)).id);
  }
  const [ai, ml, nn, algo, data] = created as [string, string, string, string, string];
  for (const [source, target, type, owner] of [
    [ml, ai, 'is_a', fuzzer],
    [nn, ml, 'part_of', fuzzer],
    [ai, algo, 'related_to', fuzzer],
    [algo, data, 'related_to', other],
  ] as const)
    await call('POST', `/api/terms/${source}/relations`, { target_id: target, type }, owner.token);
  return fuzzer;
}

interface NdjsonCounts {
  cases: number;
  failures: number;
  operations: Set<string>;
  statuses: Record<string, number>;
}

/** Counts from schemathesis' NDJSON event stream (one JSON object per line, keyed by event type). */
function countEvents(file: string): NdjsonCounts {
  const counts: NdjsonCounts = { cases: 0, failures: 0, operations: new Set(), statuses: {} };
  if (!existsSync(file)) return counts;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const event = JSON.parse(line) as Record<string, unknown>;
    const scenario = event.ScenarioFinished as
      | {
          recorder?: {
            cases?: Record<string, unknown>;
            interactions?: Record<string, unknown>;
            label?: string;
          };
        }
      | undefined;
    if (!scenario?.recorder) continue;
    const recorder = scenario.recorder;
    if (recorder.label) counts.operations.add(recorder.label);
    counts.cases += Object.keys(recorder.cases ?? {}).length;
    for (const interaction of Object.values(recorder.interactions ?? {})) {
      const status = (interaction as { response?: { status_code?: number } }).response?.status_code;
      if (status !== undefined) counts.statuses[status] = (counts.statuses[status] ?? 0) + 1;
    }
  }
  return counts;
}

/** Starts the stack, seeds it, runs schemathesis over every operation, stops everything. */
export async function runContractFuzz(options: FuzzOptions): Promise<FuzzResult> {
  const log = options.log ?? (() => {});
  const binary = ensureSchemathesis(log);
  const reportDir =
    options.reportDir ??
    join(repoRoot, 'test-results', 'fuzz', new Date().toISOString().replace(/[:.]/g, '-'));
  rmSync(reportDir, { recursive: true, force: true });
  mkdirSync(reportDir, { recursive: true });

  let cluster: PostgresCluster | undefined;
  let server: ProductionServer | undefined;
  try {
    let adminUrl = options.postgresAdminUrl;
    if (!adminUrl) {
      log('starting a throwaway PostgreSQL');
      cluster = await startPostgresCluster({ log });
      adminUrl = cluster.url;
    }
    const databaseUrl = await createDatabase(adminUrl, `lexikon_fuzz_${randomBytes(4).toString('hex')}`);
    server = await startProductionServer({
      DATABASE_URL: databaseUrl,
      // The run can outlast the default 15-minute access token.
      JWT_ACCESS_TTL_SECONDS: '3600',
    });
    log(`API (production mode) on ${server.baseUrl}`);
    const { token } = await seed(server.baseUrl);

    const args = [
      'run',
      `${server.baseUrl}/openapi.json`,
      '--checks',
      FUZZ_CHECKS.join(','),
      '--header',
      `Authorization: Bearer ${token}`,
      '--max-examples',
      String(options.maxExamples),
      '--seed',
      String(options.seed ?? 20261126),
      // One worker: hypothesis' lambda-source cache is not thread-safe on Python 3.11 ("AST constructor
      // recursion depth mismatch" runtime errors with two), and the server shares the 2 cores anyway.
      '--workers',
      '1',
      '--request-timeout',
      '20',
      '--generation-database',
      'none',
      '--generation-with-security-parameters',
      'false',
      '--suppress-health-check',
      'all',
      '--report',
      'ndjson,junit',
      '--report-ndjson-path',
      join(reportDir, 'events.ndjson'),
      '--report-junit-path',
      join(reportDir, 'junit.xml'),
      '--no-color',
    ];
    log(`schemathesis ${SCHEMATHESIS_VERSION}: ${options.maxExamples} examples per operation and phase`);
    const exitCode = await runStreaming(binary, args, reportDir, (line) => log(`  ${line}`));
    const output = readFileSync(join(reportDir, 'schemathesis.log'), 'utf8');
    const counts = countEvents(join(reportDir, 'events.ndjson'));
    const summaryStart = output.lastIndexOf('=== SUMMARY');
    const generated = /(\d+) generated/.exec(output.slice(Math.max(0, summaryStart)));
    const result: FuzzResult = {
      exitCode,
      cases: generated ? Number(generated[1]) : counts.cases,
      failures: junitProblems(join(reportDir, 'junit.xml')),
      operations: Number(/Tested: (\d+)/.exec(output)?.[1] ?? counts.operations.size),
      statuses: counts.statuses,
      serverErrors: Object.entries(counts.statuses)
        .filter(([status]) => Number(status) >= 500)
        .reduce((sum, [, count]) => sum + count, 0),
      summary:
        summaryStart >= 0
          ? output.slice(summaryStart).trim()
          : output.trim().split('\n').slice(-15).join('\n'),
      reportDir,
    };
    if (options.recordId) recordFuzz(options.recordId, options.maxExamples, result);
    return result;
  } finally {
    await server?.stop();
    await cluster?.stop();
  }
}

function recordFuzz(id: string, maxExamples: number, result: FuzzResult): void {
  const passed = result.exitCode === 0 && result.failures === 0;
  writeReliabilityRecord({
    id,
    kind: 'fuzz',
    title: `Contract fuzzing (schemathesis ${SCHEMATHESIS_VERSION}, ${maxExamples} examples per operation and phase)`,
    injected:
      'Generated valid and invalid requests to every operation of /openapi.json, as a seeded user with a bearer token, plus stateful sequences along the declared links',
    expected: `0 failures of ${FUZZ_CHECKS.join(', ')}`,
    observed: passed
      ? `${result.cases} cases over ${result.operations} operations, no failure`
      : `${result.failures} failure(s); see ${result.reportDir}`,
    counts: {
      cases: result.cases,
      operations: result.operations,
      requests: Object.values(result.statuses).reduce((sum, count) => sum + count, 0),
      failures: result.failures,
      '5xx': result.serverErrors,
      ...Object.fromEntries(
        Object.entries(result.statuses).map(([status, count]) => [`status ${status}`, count]),
      ),
    },
    outcome: passed ? 'pass' : 'fail',
    ...(passed ? {} : { failure: result.summary.split('\n').slice(0, 3).join(' ') }),
    database: 'postgres',
    source: 'scripts/fuzz.ts',
    finishedAt: new Date().toISOString(),
  });
}

/** Failures and errors (a check that failed, or schemathesis unable to test an operation) in its JUnit report. */
function junitProblems(file: string): number {
  if (!existsSync(file)) return -1;
  const suites = /<testsuites\b[^>]*>/.exec(readFileSync(file, 'utf8'))?.[0] ?? '';
  const attribute = (name: string) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(suites)?.[1] ?? NaN);
  const total = attribute('failures') + attribute('errors');
  return Number.isNaN(total) ? -1 : total;
}

async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs schemathesis, passing its progress lines on and keeping the whole output in the report folder. */
function runStreaming(binary: string, args: string[], reportDir: string, onLine: Log): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    // Its working directory is the report folder: nothing lands in the repository.
    const child = spawn(binary, args, {
      cwd: reportDir,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LANG: 'C.UTF-8', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const logFile: string[] = [];
    let pending = '';
    const onData = (chunk: Buffer): void => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        logFile.push(line);
        if (line.trim()) onLine(line);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', reject);
    child.once('close', (code) => {
      if (pending) logFile.push(pending);
      writeFileSync(join(reportDir, 'schemathesis.log'), logFile.join('\n'));
      resolvePromise(code ?? 1);
    });
  });
}
