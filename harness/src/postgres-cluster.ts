// Starts and stops a throwaway, real PostgreSQL server for tests and benchmarks.
//
// Each cluster gets its own data directory under os.tmpdir() and its own loopback port, so parallel test
// workers never share state, and a Debian `main` cluster on 5432 (if postgresql-common started one) is
// simply ignored. Durability is switched off everywhere: the data is thrown away anyway.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { chown, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freeLoopbackPort } from './ports.ts';

export type PostgresCluster = {
  /** Superuser URL of the `postgres` database (trust auth, no password). */
  url: string;
  port: number;
  dataDir: string;
  /** Stops the server (immediate mode) and deletes the data directory. Safe to call more than once. */
  stop(): Promise<void>;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Fault injection: `stop` is a fast shutdown, `start` brings the server back on the same port. */
  pgCtl(action: 'stop' | 'start'): Promise<void>;
};

export type StartPostgresClusterOptions = {
  log?: (line: string) => void;
};

const execFileAsync = promisify(execFile);
const PG_ROOT = '/usr/lib/postgresql';
const COMMAND_TIMEOUT_MS = 120_000;
// A free port can be taken by someone else between probing and binding; retry with a new one.
const START_ATTEMPTS = 3;

const isRoot = (): boolean => process.getuid?.() === 0;

export async function startPostgresCluster(
  options: StartPostgresClusterOptions = {},
): Promise<PostgresCluster> {
  const log = options.log ?? (() => {});
  const startedAt = performance.now();
  const binDir = await findOrInstallServerBinaries(log);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'lexikon-pg-'));
  const ctx: ClusterContext = { binDir, dataDir, log };
  // Registered before initdb so that even a half-started cluster is cleaned up on exit.
  const onExit = (): void => stopSyncOnExit(ctx);
  process.on('exit', onExit);
  try {
    if (isRoot()) await chown(dataDir, ...(await postgresUserIds()));
    await initCluster(ctx);
    const port = await startOnFreePort(ctx);
    const cluster = makeCluster(ctx, port, () => process.off('exit', onExit));
    log(`postgres: ready on port ${port} in ${Math.round(performance.now() - startedAt)} ms (${dataDir})`);
    return cluster;
  } catch (error) {
    await stopAndRemove(ctx);
    process.off('exit', onExit);
    throw error;
  }
}

type ClusterContext = { binDir: string; dataDir: string; log: (line: string) => void };

function makeCluster(ctx: ClusterContext, port: number, unregister: () => void): PostgresCluster {
  let stopping: Promise<void> | undefined;
  const assertRunning = (): void => {
    if (stopping) throw new Error(`PostgreSQL cluster in ${ctx.dataDir} was already stopped`);
  };
  return {
    url: databaseUrl(port, 'postgres'),
    port,
    dataDir: ctx.dataDir,
    stop() {
      stopping ??= stopAndRemove(ctx).finally(unregister);
      return stopping;
    },
    async createDatabase(name) {
      assertRunning();
      await createDatabase(databaseUrl(port, 'postgres'), name);
      return databaseUrl(port, name);
    },
    async pgCtl(action) {
      assertRunning();
      if (action === 'start') await pgCtlStart(ctx, port);
      else await runPgCtl(ctx, ['-m', 'fast', '-w', '-t', '60', 'stop']);
    },
  };
}

function databaseUrl(port: number, database: string): string {
  return `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

async function createDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

// ---- binaries ----------------------------------------------------------------------------------------

let installing: Promise<void> | undefined;

async function findOrInstallServerBinaries(log: (line: string) => void): Promise<string> {
  const found = await findServerBinaries();
  if (found) return found;
  if (!isRoot()) {
    throw new Error(
      `PostgreSQL server binaries not found in ${PG_ROOT}/<version>/bin. Install them first, e.g. ` +
        `"sudo apt-get install -y postgresql" (Debian/Ubuntu), then re-run.`,
    );
  }
  // One install per process even when several clusters start concurrently.
  installing ??= installDebianPostgres(log);
  await installing;
  const installed = await findServerBinaries();
  if (!installed)
    throw new Error(`apt-get installed postgresql but no server binaries appeared in ${PG_ROOT}`);
  return installed;
}

/** The highest installed major version that has initdb, pg_ctl and postgres. */
async function findServerBinaries(): Promise<string | undefined> {
  const entries = await readdir(PG_ROOT).catch(() => [] as string[]);
  const versions = entries
    .filter((entry) => /^\d+(\.\d+)?$/.test(entry))
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => path.join(PG_ROOT, version, 'bin'));
  return versions.find((bin) =>
    ['initdb', 'pg_ctl', 'postgres'].every((exe) => existsSync(path.join(bin, exe))),
  );
}

async function installDebianPostgres(log: (line: string) => void): Promise<void> {
  log('postgres: server binaries missing, installing Debian package "postgresql" (takes a minute)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Another process (a parallel test worker, unattended-upgrades) may hold the dpkg lock: wait for it.
  const lockWait = ['-o', 'DPkg::Lock::Timeout=300'];
  await run('apt-get', [...lockWait, 'update'], { env, timeout: 600_000 });
  await run('apt-get', [...lockWait, 'install', '-y', 'postgresql'], { env, timeout: 900_000 });
}

// ---- cluster lifecycle -------------------------------------------------------------------------------

async function initCluster(ctx: ClusterContext): Promise<void> {
  const common = ['-D', ctx.dataDir, '-A', 'trust', '-U', 'postgres', '--encoding=UTF8', '-N'];
  try {
    await runAsPostgres(ctx, path.join(ctx.binDir, 'initdb'), [...common, '--locale=C.UTF-8']);
  } catch (error) {
    // Minimal images may lack the C.UTF-8 locale; initdb empties the directory on failure, so retry there.
    // (Match initdb's message, not our own command line, which also mentions "locale".)
    if (!/invalid locale name|locale .* (is not|not) (supported|compatible|found)/i.test(String(error))) {
      throw error;
    }
    ctx.log('postgres: locale C.UTF-8 unavailable, falling back to --no-locale');
    await runAsPostgres(ctx, path.join(ctx.binDir, 'initdb'), [...common, '--no-locale']);
  }
}

async function startOnFreePort(ctx: ClusterContext): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const port = await freeLoopbackPort();
    try {
      await pgCtlStart(ctx, port);
      return port;
    } catch (error) {
      const portTaken = /address already in use|could not bind/i.test(String(error));
      if (!portTaken || attempt >= START_ATTEMPTS) throw error;
      ctx.log(`postgres: port ${port} was taken meanwhile, retrying on another one`);
    }
  }
}

function pgCtlStart(ctx: ClusterContext, port: number): Promise<void> {
  // pg_ctl hands -o to /bin/sh, hence the quoting of the socket directory.
  const serverOptions = [
    `-p ${port}`,
    `-k ${shellQuote(ctx.dataDir)}`,
    '-h 127.0.0.1',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=200',
  ].join(' ');
  const logFile = path.join(ctx.dataDir, 'server.log');
  return runPgCtl(ctx, ['-o', serverOptions, '-l', logFile, '-w', '-t', '60', 'start']);
}

function runPgCtl(ctx: ClusterContext, args: string[]): Promise<void> {
  return runAsPostgres(ctx, path.join(ctx.binDir, 'pg_ctl'), ['-D', ctx.dataDir, ...args]);
}

async function stopAndRemove(ctx: ClusterContext): Promise<void> {
  if (existsSync(path.join(ctx.dataDir, 'postmaster.pid'))) {
    // Immediate: nothing in a throwaway cluster is worth a checkpoint. Errors mostly mean "not running".
    await runPgCtl(ctx, ['-m', 'immediate', '-s', '-w', '-t', '30', 'stop']).catch((error: unknown) =>
      ctx.log(`postgres: pg_ctl stop failed (ignored): ${firstLine(error)}`),
    );
  }
  await rm(ctx.dataDir, { recursive: true, force: true });
}

/** Last resort when the process exits without stop(): only synchronous work is possible here. */
function stopSyncOnExit(ctx: ClusterContext): void {
  if (!existsSync(path.join(ctx.dataDir, 'postmaster.pid'))) {
    rmSync(ctx.dataDir, { recursive: true, force: true });
    return;
  }
  const pgCtl = path.join(ctx.binDir, 'pg_ctl');
  const [file, args] = asPostgres(pgCtl, [
    '-D',
    ctx.dataDir,
    '-m',
    'immediate',
    '-s',
    '-w',
    '-t',
    '10',
    'stop',
  ]);
  spawnSync(file, args, { stdio: 'ignore', timeout: 15_000, cwd: os.tmpdir() });
  rmSync(ctx.dataDir, { recursive: true, force: true });
}

// ---- process helpers ---------------------------------------------------------------------------------

let cachedPostgresIds: Promise<[number, number]> | undefined;

function postgresUserIds(): Promise<[number, number]> {
  cachedPostgresIds ??= Promise.all([idOf('-u'), idOf('-g')]);
  return cachedPostgresIds;
}

async function idOf(flag: '-u' | '-g'): Promise<number> {
  const { stdout } = await run('id', [flag, 'postgres'], {});
  return Number(stdout.trim());
}

let hasRunuser: boolean | undefined;

/** initdb and pg_ctl refuse to run as root: as root, run them as the `postgres` user. */
function asPostgres(file: string, args: string[]): [string, string[]] {
  if (!isRoot()) return [file, args];
  hasRunuser ??= ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser'].some((p) => existsSync(p));
  if (hasRunuser) return ['runuser', ['-u', 'postgres', '--', file, ...args]];
  return ['su', ['postgres', '-s', '/bin/sh', '-c', [file, ...args].map(shellQuote).join(' ')]];
}

async function runAsPostgres(ctx: ClusterContext, file: string, args: string[]): Promise<void> {
  const [command, commandArgs] = asPostgres(file, args);
  try {
    // cwd: the postgres user cannot enter e.g. /root, which makes the server tools warn.
    await run(command, commandArgs, { cwd: os.tmpdir() });
  } catch (error) {
    const serverLog = await tailOfFile(path.join(ctx.dataDir, 'server.log'), 30);
    if (error instanceof Error && serverLog) error.message += `\n--- tail of server.log ---\n${serverLog}`;
    throw error;
  }
}

type RunOptions = { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number };

async function run(file: string, args: string[], options: RunOptions): Promise<{ stdout: string }> {
  try {
    const { stdout } = await execFileAsync(file, args, {
      timeout: COMMAND_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
      ...options,
    });
    return { stdout };
  } catch (cause) {
    const failure = cause as { code?: number | string; signal?: string; stderr?: string; stdout?: string };
    const exit = failure.signal ? `signal ${failure.signal}` : `exit code ${failure.code ?? '?'}`;
    const output = (failure.stderr?.trim() || failure.stdout?.trim() || '').slice(-4000);
    const command = [file, ...args].map(shellQuote).join(' ');
    throw new Error(`Command failed (${exit}): ${command}\n${output}`, { cause });
  }
}

async function tailOfFile(file: string, lines: number): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function shellQuote(word: string): string {
  return /^[\w./=:@%+,-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0] ?? '';
}
