/**
 * The API as `npm run load` runs it: `backend/src/main.ts` in its own process (a cluster primary when
 * API_WORKERS > 1), its log in a file, ready once it says "Lexikon API on …" (the primary says so only
 * when every worker serves). Stopped with SIGTERM, as a container runtime would, and SIGKILL if it lingers.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './locust.ts';

export interface ApiProcess {
  url: string;
  /** The exit code of a drained stop (null when it had to be killed). */
  stop(): Promise<number | null>;
}

const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;
// Only these come from the caller's shell: a stray DATABASE_URL there must not change what is measured.
const INHERITED = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'];

export async function startApi(env: Record<string, string>, logFile: string): Promise<ApiProcess> {
  const inherited = Object.fromEntries(
    INHERITED.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]!]])),
  );
  const child = spawn(process.execPath, [path.join(repoRoot, 'backend/src/main.ts')], {
    cwd: repoRoot,
    env: { ...inherited, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile);
  let recent = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the API was not ready after ${READY_TIMEOUT_MS / 1000} s; see ${logFile}`)),
      READY_TIMEOUT_MS,
    );
    for (const stream of [child.stdout, child.stderr])
      stream.on('data', (chunk: Buffer) => {
        log.write(chunk);
        recent = (recent + chunk.toString()).slice(-20_000);
        const match = /Lexikon API on (http:\/\/[^\s"]+)/.exec(recent);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the API exited (${code}) before it was ready:\n${recent.slice(-4000)}`));
    });
  });
  let stopping: Promise<number | null> | undefined;
  return {
    url,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null) return child.exitCode;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        const code = await exited;
        clearTimeout(timer);
        await new Promise((resolve) => log.end(resolve));
        return code;
      })();
      return stopping;
    },
  };
}

/** `npm run lexikon -- create-admin`: the CLI is how an operator makes an account without the web app. */
export async function createLoadAccount(
  env: Record<string, string>,
  account: { email: string; password: string },
): Promise<string> {
  const inherited = Object.fromEntries(
    INHERITED.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]!]])),
  );
  const child = spawn('npm', ['run', '--silent', 'lexikon', '--', 'create-admin', '--email', account.email], {
    cwd: repoRoot,
    // The password through the environment, not the command line, which other local users can read.
    env: { ...inherited, ...env, LEXIKON_ADMIN_PASSWORD: account.password, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr])
    stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`lexikon create-admin exited with ${code}:\n${output}`);
  return output.trim();
}

/**
 * Reads back every term the load test was told it created (201), as a client would: GET /api/terms/:id.
 * A few requests at a time, so the check finishes quickly without becoming a load test of its own.
 */
export async function readBack(
  url: string,
  account: { email: string; password: string },
  ids: string[],
  onProgress?: (done: number) => void,
): Promise<{ found: number; missing: string[]; errors: string[] }> {
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(account),
  });
  if (login.status !== 200)
    throw new Error(`read-back login answered ${login.status}: ${await login.text()}`);
  const { access_token: token } = (await login.json()) as { access_token: string };
  let next = 0;
  let found = 0;
  const missing: string[] = [];
  const errors: string[] = [];
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++]!;
      const response = await fetch(`${url}/api/terms/${id}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await response.arrayBuffer();
      if (response.status === 200) found++;
      else if (response.status === 404) missing.push(id);
      else errors.push(`${id}: ${response.status}`);
      const done = found + missing.length + errors.length;
      if (done % 1000 === 0) onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return { found, missing, errors };
}
