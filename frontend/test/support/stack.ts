/**
 * The whole Lexikon stack for end-to-end tests and the web benchmark: a throwaway PostgreSQL cluster, the
 * API (`backend/src/main.ts`, production mode) and a fresh production build of the web app served as
 * `npm start` serves it (`frontend/server.js`, run from a private copy), each on a free loopback port. Everything started here is stopped by
 * `stop()`, and killed on process exit if `stop()` never ran.
 *
 * Plain Node.js (type stripping): imported by the Vitest global setup and by `bench/web.ts`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { freeLoopbackPort as freePort } from '@lexikon/harness/ports';
import { repoRoot } from '@lexikon/harness/repo-root';
import { startPostgresCluster, type PostgresCluster } from '@lexikon/harness/postgres-cluster';

export { freePort, repoRoot };
export const frontendDir = join(repoRoot, 'frontend');
const apiEntry = join(repoRoot, 'backend/src/main.ts');
const webBuildDir = join(frontendDir, 'build');
// The production server `npm start` runs: adapter-node's handler, told the connection's protocol.
const webServer = join(frontendDir, 'server.js');
// Private copies of the build live under node_modules so that the server's bare imports (zod, cytoscape…)
// still resolve by walking up to the repository's node_modules.
const snapshotsDir = join(repoRoot, 'node_modules/.cache/lexikon-web-builds');

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Debian's Chromium, headless, through playwright-core (never a downloaded browser). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

export type Log = (line: string) => void;

/** A child process of the stack with the tail of its output, for error messages. */
export interface Service {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

export interface ApiOptions {
  databaseUrl: string;
  jwtSecret: string;
  /** A fixed port (to restart an API where the web app expects it); a free one by default. */
  port?: number;
  env?: Record<string, string>;
  log?: Log;
}

export interface Stack {
  apiUrl: string;
  webUrl: string;
  /** The private copy of the web app it runs from (see snapshotWebBuild). */
  webDir: string;
  /** The database the API uses; a second API on it (same secret) accepts the same tokens. */
  databaseUrl: string;
  jwtSecret: string;
  api: Service;
  web: Service;
  postgres: PostgresCluster;
  stop(): Promise<void>;
}

export interface StackOptions {
  log?: Log;
  /** Build the web app first (default true); false reuses frontend/build as it is. */
  build?: boolean;
  /** Extra environment for the API, e.g. a shorter access-token lifetime. */
  apiEnv?: Record<string, string>;
}

/** Generous enough that a test suite signing in dozens of times from 127.0.0.1 never trips them. */
const RELAXED_RATE_LIMITS = {
  AUTH_LOGIN_LIMIT_PER_IP: '100000/60',
  AUTH_LOGIN_LIMIT_PER_ACCOUNT: '100000/60',
  AUTH_REGISTER_LIMIT_PER_IP: '100000/60',
};

// Every started child, so an interrupted run can still kill them synchronously on exit.
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

export function randomSecret(): string {
  return randomBytes(48).toString('base64');
}

/** Installs Debian's Chromium when it is missing (as root only); never downloads a browser otherwise. */
export function ensureChromium(log: Log = () => {}): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (process.getuid?.() !== 0)
    throw new Error(
      `Chromium is missing (${CHROMIUM_PATH}). Install Debian's package first: ` +
        `sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y chromium`,
    );
  log('chromium: missing, installing the Debian package "chromium" (takes a minute)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', 'chromium']]) {
    const result = spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      timeout: 900_000,
    });
    if (result.status !== 0)
      throw new Error(
        `apt-get ${args.join(' ')} failed (${result.status ?? result.signal}):\n${(result.stderr || result.stdout).slice(-3000)}`,
      );
  }
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is missing`);
  return CHROMIUM_PATH;
}

/**
 * A private copy of the web app (frontend/server.js and frontend/build/). Anyone may rebuild
 * frontend/build at any time (`npm start` does when the sources changed, so does a colleague's build); a
 * server running from it would then miss its own chunks mid-test. The copy is retried if the build
 * changed while it was being copied.
 */
export function snapshotWebBuild(log: Log = () => {}): { dir: string; remove(): void } {
  const entry = join(webBuildDir, 'handler.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build the web app first`);
  const dir = join(snapshotsDir, `${process.pid}-${randomBytes(4).toString('hex')}`);
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  process.on('exit', remove);
  for (let attempt = 1; ; attempt++) {
    const before = statSync(entry).mtimeMs;
    remove();
    mkdirSync(snapshotsDir, { recursive: true });
    cpSync(webBuildDir, join(dir, 'build'), { recursive: true });
    cpSync(webServer, join(dir, 'server.js'));
    if (statSync(entry).mtimeMs === before) break;
    if (attempt >= 3) throw new Error('frontend/build keeps changing (someone else is building): try again');
    log('web: frontend/build changed while being copied, copying again');
  }
  return {
    dir,
    remove() {
      remove();
      process.off('exit', remove);
    },
  };
}

/** `npm run --workspace frontend build` (vite build); throws with the build's output when it fails. */
export function buildWebApp(log: Log = () => {}): void {
  const started = performance.now();
  log('web: building (vite build)…');
  const result = spawnSync('npm', ['run', '--silent', '--workspace', 'frontend', 'build'], {
    cwd: repoRoot,
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (result.status !== 0)
    throw new Error(
      `The web app did not build (exit ${result.status ?? result.signal}):\n` +
        `${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`,
    );
  log(`web: built in ${Math.round(performance.now() - started)} ms`);
}

function spawnService(
  label: string,
  entry: string,
  env: Record<string, string>,
  port: number,
  cwd: string,
  log: Log,
): { child: ChildProcess; output: () => string } {
  // Only what the service needs: a developer's DATABASE_URL or PORT must not leak into the tests.
  const child = spawn(process.execPath, [entry], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TZ: 'UTC',
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      output = (output + text).slice(-20_000);
      const lines = (pending + text).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) log(`${label}: ${line}`);
    });
  }
  return { child, output: () => output };
}

function stopper(child: ChildProcess): (graceMs?: number) => Promise<void> {
  let stopping: Promise<void> | undefined;
  return (graceMs = 10_000) => {
    stopping ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
    return stopping;
  };
}

/** Polls `url` until `ready(response)`; fails early, with the service's output, if it exits. */
async function waitUntil(
  url: string,
  ready: (response: Response) => boolean,
  child: ChildProcess,
  output: () => string,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(
        `${what} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output()}`,
      );
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (ready(response)) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${what} was not ready within ${timeoutMs / 1000} s:\n${output()}`);
}

/** The API as `npm start` runs it, in production mode, answering once `/ready` says the database does. */
export async function startApi(options: ApiOptions): Promise<Service> {
  const log = options.log ?? (() => {});
  const port = options.port ?? (await freePort());
  const env = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    JWT_SECRET: options.jwtSecret,
    DATABASE_URL: options.databaseUrl,
    CORS_ORIGINS: '',
    // Production requires /metrics to be protected; the tests do not scrape it.
    METRICS_TOKEN: randomSecret(),
    ...RELAXED_RATE_LIMITS,
    // The tests' webhook receivers listen on loopback, which production refuses by default.
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    WEBHOOK_POLL_MS: '200',
    ...options.env,
  };
  const { child, output } = spawnService('api', apiEntry, env, port, repoRoot, log);
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(`${url}/ready`, (response) => response.status === 200, child, output, 'The API');
  return { url, port, child, output, stop: stopper(child) };
}

/**
 * The built web app as `npm start` serves it (`node server.js` next to `build/`), talking to `apiUrl`.
 * `webDir` is a snapshot from snapshotWebBuild; frontend/ itself by default.
 */
export async function startWeb(options: {
  apiUrl: string;
  webDir?: string;
  port?: number;
  log?: Log;
  /** Extra environment for the web server, e.g. a Sentry DSN. */
  env?: Record<string, string>;
}): Promise<Service> {
  const log = options.log ?? (() => {});
  const dir = options.webDir ?? frontendDir;
  const webEntry = join(dir, 'server.js');
  if (!existsSync(join(dir, 'build/handler.js')))
    throw new Error(`${dir}/build is missing: build the web app first`);
  const port = options.port ?? (await freePort());
  const env = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    LEXIKON_API_URL: options.apiUrl,
    ...options.env,
  };
  const { child, output } = spawnService('web', webEntry, env, port, dir, log);
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(`${url}/favicon.svg`, (response) => response.ok, child, output, 'The web app');
  return { url, port, child, output, stop: stopper(child) };
}

/** PostgreSQL, then the API and the web app (built first unless `build: false`). */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const log = options.log ?? (() => {});
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async (): Promise<void> => {
    for (const service of started.reverse()) await service.stop().catch(() => undefined);
    started.length = 0;
  };
  try {
    if (options.build ?? true) buildWebApp(log);
    const snapshot = snapshotWebBuild(log);
    started.push({ stop: async () => snapshot.remove() });
    const postgres = await startPostgresCluster({ log });
    started.push(postgres);
    const databaseUrl = await postgres.createDatabase('lexikon_e2e');
    const jwtSecret = randomSecret();
    const api = await startApi({
      databaseUrl,
      jwtSecret,
      log,
      ...(options.apiEnv ? { env: options.apiEnv } : {}),
    });
    started.push(api);
    log(`api: ready on ${api.url}`);
    const web = await startWeb({ apiUrl: api.url, webDir: snapshot.dir, log });
    started.push(web);
    log(`web: ready on ${web.url}`);
    return {
      apiUrl: api.url,
      webUrl: web.url,
      webDir: snapshot.dir,
      databaseUrl,
      jwtSecret,
      api,
      web,
      postgres,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
