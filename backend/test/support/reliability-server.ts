/**
 * The real API as a production deployment runs it (`src/main.ts`, NODE_ENV=production, its own process)
 * for fault and security tests, with a small fetch-based client that measures each call.
 */
import { randomBytes } from 'node:crypto';
import { startServerProcess, type ServerProcess } from './server-process.ts';
import type { LogWatch } from './reliability-logs.ts';

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
  const server = await startServerProcess(
    {
      NODE_ENV: 'production',
      JWT_SECRET: strongSecret(),
      METRICS_TOKEN: randomBytes(24).toString('hex'),
      ...env,
    },
    options.ready ? { ready: options.ready } : {},
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
