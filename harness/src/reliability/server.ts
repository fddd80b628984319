/**
 * The real API as a production deployment runs it (`src/main.ts`, NODE_ENV=production, its own process)
 * for fault and security tests, with a small fetch-based client that measures each call.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { ServerProcess } from '../server-process.ts';
import type { LogWatch } from './logs.ts';
import { repoRoot } from '../repo-root.ts';

const mainScript = path.join(repoRoot, 'backend/src/main.ts');
/** A hang detector only: on a loaded 2-core machine a production start (migrations, workers) can take a while. */
const START_DEADLINE_MS = 120_000;
const LISTENING = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/;

export interface ProductionServer extends ServerProcess {
  call(path: string, init?: CallInit): Promise<CallResult>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

export interface CallInit {
  method?: string;
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
  /** Abort after this long (a hang detector, not a performance bound). */
  timeoutMs?: number;
}

export interface CallResult {
  status: number;
  /** Parsed JSON, or null (204, or not JSON). */
  body: Record<string, unknown> & { id?: string };
  headers: Headers;
  ms: number;
  /** Set when the request failed below HTTP (refused, reset, aborted). */
  error?: string;
}

export function strongSecret(): string {
  return randomBytes(48).toString('base64');
}

export async function startProductionServer(
  env: Record<string, string>,
  options: { watch?: LogWatch; name?: string; ready?: RegExp } = {},
): Promise<ProductionServer> {
  const server = await spawnServer(
    {
      NODE_ENV: 'production',
      JWT_SECRET: strongSecret(),
      METRICS_TOKEN: randomBytes(24).toString('hex'),
      ...env,
    },
    options.ready ?? LISTENING,
  );
  options.watch?.watch(options.name ?? 'api', server);
  return {
    ...server,
    call: (path, init) => call(server.baseUrl, path, init),
    async stop() {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGTERM');
      return server.exited;
    },
  };
}

/** Like server-process.ts's startServerProcess, with a deadline fit for a loaded machine. */
function spawnServer(env: Record<string, string>, ready: RegExp): Promise<ServerProcess> {
  const child = spawn(process.execPath, [mainScript], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise<ServerProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start within ${START_DEADLINE_MS / 1000} s:\n${output}`));
    }, START_DEADLINE_MS);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, baseUrl: match[1], output: () => output, exited });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
}

export async function call(baseUrl: string, path: string, init: CallInit = {}): Promise<CallResult> {
  const started = performance.now();
  try {
    const response = await fetch(`${baseUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(init.timeoutMs ?? 30_000),
    });
    const text = await response.text();
    let body: CallResult['body'] = {};
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = {};
    }
    return { status: response.status, body, headers: response.headers, ms: performance.now() - started };
  } catch (error) {
    return {
      status: 0,
      body: {},
      headers: new Headers(),
      ms: performance.now() - started,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    };
  }
}

/** Registers and signs in an account; returns its tokens and password. */
export async function signUp(
  baseUrl: string,
  label: string,
): Promise<{ email: string; password: string; accessToken: string; refreshToken: string; id: string }> {
  const email = `${label}-${randomBytes(4).toString('hex')}@reliability.example`;
  const password = `pw ${label} ${randomBytes(8).toString('hex')}`;
  const registered = await call(baseUrl, '/api/auth/register', { method: 'POST', body: { email, password } });
  if (registered.status !== 201)
    throw new Error(`register: ${registered.status} ${JSON.stringify(registered.body)}`);
  const login = await call(baseUrl, '/api/auth/login', { method: 'POST', body: { email, password } });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${JSON.stringify(login.body)}`);
  return {
    email,
    password,
    id: String(registered.body.id),
    accessToken: String(login.body.access_token),
    refreshToken: String(login.body.refresh_token),
  };
}
