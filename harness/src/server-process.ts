import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { watchProgress } from './progress-watchdog.ts';
import { repoRoot } from './repo-root.ts';

const mainScript = join(repoRoot, 'backend/src/main.ts');

export interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** Fastify's line, logged by each process that serves (each worker of a cluster too). */
const LISTENING = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/;

/**
 * Runs the real entry point (`src/main.ts`) as its own process, as `npm start` would. `ready` (its first
 * group: the base URL) says when it serves; with API_WORKERS > 1, pass the primary's "with N processes"
 * line to wait for every worker.
 */
export async function startServerProcess(
  env: Record<string, string>,
  { ready = LISTENING }: { ready?: RegExp } = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [mainScript], {
    // One process unless a test asks for a cluster: production's default (one per core) forks workers,
    // which takes longer to start than most tests budget for.
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      API_WORKERS: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    // A hang detector, not a timing check: a server starting on a busy 2-core machine can take a while,
    // so it only gives up when the process stops using CPU and writing for 30 s.
    const watchdog = watchProgress(child, {
      idleMs: 30_000,
      onStalled: () =>
        reject(new Error(`server stalled before listening (no CPU, no output for 30 s):\n${output}`)),
    });
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      watchdog.sawOutput();
      const match = ready.exec(output);
      if (match?.[1]) {
        watchdog.stop();
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      watchdog.stop();
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
  return { child, baseUrl, output: () => output, exited };
}

/** Runs the entry point expecting it to refuse to start; returns its exit code and output. */
export function runServerExpectingFailure(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [mainScript], {
      env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', API_WORKERS: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    // Killed only once it stops using CPU and writing for 30 s: it should exit, but may be slow to.
    const watchdog = watchProgress(child, { idleMs: 30_000, onStalled: () => child.kill('SIGKILL') });
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      watchdog.sawOutput();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      watchdog.stop();
      resolve({ code, output });
    });
  });
}
