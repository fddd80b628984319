/**
 * Locust for `npm run load` and the load smoke test: installed from PyPI into a cached virtualenv (a
 * pinned version, so runs are comparable), run headless on loopback against a server we started, with
 * its CSV output parsed back into numbers.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '@lexikon/harness/repo-root';

export { repoRoot };
export const LOCUST_VERSION = '2.47.0';
export const locustfile = path.join(repoRoot, 'load/locustfile.py');
const venv = path.join(repoRoot, '.cache/load', `locust-${LOCUST_VERSION}`);
const locustBin = path.join(venv, 'bin/locust');
const execFileAsync = promisify(execFile);

/** The virtualenv's locust, installed on first use (python3 -m venv, then pip install locust==pinned). */
export async function ensureLocust(log: (line: string) => void): Promise<string> {
  if (existsSync(locustBin)) return locustBin;
  log(`installing Locust ${LOCUST_VERSION} from PyPI into ${path.relative(repoRoot, venv)} (once, ~30 s)`);
  mkdirSync(path.dirname(venv), { recursive: true });
  try {
    await execFileAsync('python3', ['-m', 'venv', venv], { timeout: 120_000 });
  } catch (error) {
    throw new Error(
      `python3 -m venv failed: install Python 3 with venv support (Debian: apt-get install python3-venv).\n${String(error)}`,
      { cause: error },
    );
  }
  const pip = path.join(venv, 'bin/pip');
  await execFileAsync(
    pip,
    ['install', '--quiet', '--disable-pip-version-check', `locust==${LOCUST_VERSION}`],
    {
      timeout: 600_000,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  if (!existsSync(locustBin)) throw new Error(`pip installed locust but ${locustBin} is missing`);
  return locustBin;
}

export interface LocustRunOptions {
  host: string;
  users: number;
  spawnRate: number;
  runTimeSeconds: number;
  /** CSV prefix: Locust writes <prefix>_stats.csv, _stats_history.csv, _failures.csv, _exceptions.csv. */
  csvPrefix: string;
  /** The file the locustfile appends each created term id to. */
  createdIdsFile: string;
  tags?: string[] | undefined;
  /** Every `progressEverySeconds`, the latest aggregated row of the stats history. */
  onProgress?: ((row: HistoryRow | null, elapsedSeconds: number) => void) | undefined;
  progressEverySeconds?: number;
  /** Locust's own console output (it is long: it goes to a file, not the terminal). */
  onOutput?: (chunk: string) => void;
  /**
   * Stops Locust when neither its output nor its statistics history changed for this long (it writes
   * the history every second while it runs): a hang is caught without racing a slow machine's progress.
   */
  stalledAfterSeconds?: number;
}

/**
 * Runs Locust headless until its --run-time is over; resolves with its exit code (1 when any request
 * failed, which the caller reads from the CSV anyway). A hung run is stopped (see stalledAfterSeconds).
 */
export async function runLocust(bin: string, options: LocustRunOptions): Promise<number | null> {
  const args = [
    '-f',
    locustfile,
    '--headless',
    '--host',
    options.host,
    '--users',
    String(options.users),
    '--spawn-rate',
    String(options.spawnRate),
    '--run-time',
    `${options.runTimeSeconds}s`,
    '--stop-timeout',
    '10',
    '--csv',
    options.csvPrefix,
    '--csv-full-history',
    '--only-summary',
    '--loglevel',
    'WARNING',
    ...(options.tags && options.tags.length > 0 ? ['--tags', ...options.tags] : []),
  ];
  const child = spawn(bin, args, {
    cwd: repoRoot,
    env: { ...process.env, LOAD_CREATED_IDS: options.createdIdsFile, PYTHONUNBUFFERED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let lastSign = Date.now();
  for (const stream of [child.stdout, child.stderr])
    stream.on('data', (chunk: Buffer) => {
      lastSign = Date.now();
      options.onOutput?.(chunk.toString());
    });
  const startedAt = Date.now();
  const historyFile = `${options.csvPrefix}_stats_history.csv`;
  const progress = setInterval(
    () => {
      const rows = readHistory(historyFile).filter((row) => row.name === 'Aggregated');
      options.onProgress?.(rows.at(-1) ?? null, (Date.now() - startedAt) / 1000);
    },
    (options.progressEverySeconds ?? 15) * 1000,
  );
  let stalled = false;
  let historySize = -1;
  const watchdog = setInterval(() => {
    const size = existsSync(historyFile) ? statSync(historyFile).size : -1;
    if (size !== historySize) {
      historySize = size;
      lastSign = Date.now();
    }
    const quiet = (Date.now() - lastSign) / 1000;
    if (options.stalledAfterSeconds !== undefined && quiet > options.stalledAfterSeconds) {
      stalled = true;
      child.kill('SIGTERM');
    }
  }, 1000);
  // Without a stall detector, a hard deadline well past --run-time: a load test must end by itself.
  const deadline =
    options.stalledAfterSeconds === undefined
      ? setTimeout(() => child.kill('SIGTERM'), (options.runTimeSeconds + 120) * 1000)
      : undefined;
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (exitCode) => resolve(exitCode));
    });
    if (stalled)
      throw new Error(
        `Locust made no progress for ${options.stalledAfterSeconds} s (no output, no statistics); stopped`,
      );
    return code;
  } finally {
    clearInterval(progress);
    clearInterval(watchdog);
    clearTimeout(deadline);
  }
}

// ---- Locust's CSV files ---------------------------------------------------------------------------------

/** A minimal CSV reader: Locust quotes fields that contain commas (failure messages, names). */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let field = '';
  let row: string[] = [];
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  const [header, ...body] = rows.filter((cells) => cells.length > 1 || cells[0] !== '');
  if (!header) return [];
  return body.map((cells) => Object.fromEntries(header.map((name, column) => [name, cells[column] ?? ''])));
}

function readCsv(file: string): Record<string, string>[] {
  return existsSync(file) ? parseCsv(readFileSync(file, 'utf8')) : [];
}

const num = (value: string | undefined): number =>
  value === undefined || value === 'N/A' ? NaN : Number(value);

export interface EndpointStats {
  method: string;
  name: string;
  requests: number;
  failures: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  average: number;
}

export interface HistoryRow {
  timestamp: number;
  users: number;
  method: string;
  name: string;
  requestsPerSecond: number;
  failuresPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  totalRequests: number;
  totalFailures: number;
}

export interface FailureRow {
  method: string;
  name: string;
  error: string;
  occurrences: number;
}

export interface LocustResults {
  endpoints: EndpointStats[];
  aggregated: EndpointStats | null;
  history: HistoryRow[];
  failures: FailureRow[];
  /** Python exceptions raised inside tasks (a broken locustfile, not a server failure). */
  exceptions: { count: number; message: string }[];
}

export function readResults(csvPrefix: string): LocustResults {
  const stats = readCsv(`${csvPrefix}_stats.csv`).map((row): EndpointStats => ({
    method: row.Type ?? '',
    name: row.Name ?? '',
    requests: num(row['Request Count']),
    failures: num(row['Failure Count']),
    requestsPerSecond: num(row['Requests/s']),
    p50: num(row['50%']),
    p95: num(row['95%']),
    p99: num(row['99%']),
    max: num(row['Max Response Time']),
    average: num(row['Average Response Time']),
  }));
  return {
    endpoints: stats.filter((row) => row.name !== 'Aggregated'),
    aggregated: stats.find((row) => row.name === 'Aggregated') ?? null,
    history: readHistory(`${csvPrefix}_stats_history.csv`),
    failures: readCsv(`${csvPrefix}_failures.csv`).map((row) => ({
      method: row.Method ?? '',
      name: row.Name ?? '',
      error: row.Error ?? '',
      occurrences: num(row.Occurrences),
    })),
    exceptions: readCsv(`${csvPrefix}_exceptions.csv`).map((row) => ({
      count: num(row.Count),
      message: row.Message ?? '',
    })),
  };
}

function readHistory(file: string): HistoryRow[] {
  return readCsv(file).map((row) => ({
    timestamp: num(row.Timestamp),
    users: num(row['User Count']),
    method: row.Type ?? '',
    name: row.Name ?? '',
    requestsPerSecond: num(row['Requests/s']),
    failuresPerSecond: num(row['Failures/s']),
    p50: num(row['50%']),
    p95: num(row['95%']),
    p99: num(row['99%']),
    totalRequests: num(row['Total Request Count']),
    totalFailures: num(row['Total Failure Count']),
  }));
}

/** Failures grouped by the cause the locustfile named (409 and 429 apart from the rest). */
export function failuresByCause(failures: FailureRow[]): Map<string, number> {
  const causes = new Map<string, number>([
    ['409 conflict (duplicate term)', 0],
    ['429 rate limited', 0],
  ]);
  for (const failure of failures) {
    // Locust wraps the message: "CatchResponseError('429 rate limited')".
    const cause = /'(.*)'/.exec(failure.error)?.[1] ?? failure.error;
    causes.set(cause, (causes.get(cause) ?? 0) + failure.occurrences);
  }
  return causes;
}
