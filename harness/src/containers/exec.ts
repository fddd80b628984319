/**
 * Running the container tools (podman, debootstrap, go, pip, hadolint, docker-compose): bounded in time,
 * output captured for error messages, and every long step announced with how long it took.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../repo-root.ts';

export { repoRoot };
/** Git-ignored; tools and base-image material are kept here between runs. */
export const cacheDir = join(repoRoot, '.cache/containers');

export type Log = (line: string) => void;
export const consoleLog: Log = (line) => console.log(`[containers] ${line}`);

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL) after this many milliseconds; a hang must fail, not block the test suite. */
  timeoutMs?: number;
  /** Written to the child's stdin, then closed. */
  input?: string | Buffer;
  /** Each line of output as it arrives (progress of long builds). */
  onLine?: (line: string) => void;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

const DEFAULT_TIMEOUT_MS = 120_000;
// Enough to explain a failure; a build log can run to megabytes.
const KEPT_OUTPUT_CHARS = 256 * 1024;

/** Runs a command to completion, whatever its exit code. */
export function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd ?? repoRoot,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let pending = '';
    const keep = (text: string, chunk: string) => (text + chunk).slice(-KEPT_OUTPUT_CHARS);
    const lines = (chunk: string) => {
      if (!options.onLine) return;
      const parts = (pending + chunk).split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) if (line.trim()) options.onLine(line);
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout = keep(stdout, chunk.toString());
      lines(chunk.toString());
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = keep(stderr, chunk.toString());
      lines(chunk.toString());
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
    if (options.input !== undefined) child.stdin!.end(options.input);
  });
}

/** Runs a command and throws, with the command line and the tail of its output, unless it exits with 0. */
export async function runChecked(
  file: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const result = await run(file, args, options);
  if (result.code !== 0) throw new Error(describeFailure(file, args, result));
  return result;
}

export function describeFailure(file: string, args: readonly string[], result: RunResult): string {
  const how = result.timedOut
    ? 'timed out'
    : result.signal
      ? `was killed by ${result.signal}`
      : `exited with ${result.code}`;
  const output = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-40).join('\n');
  return `${[file, ...args].join(' ')} ${how}\n${output}`;
}

/** Whether an executable is on the PATH (or an absolute path that exists and runs). */
export async function commandExists(file: string): Promise<boolean> {
  const probe = await run('sh', ['-c', 'command -v "$1"', 'sh', file]).catch(() => null);
  return probe?.code === 0;
}

export const isRoot = (): boolean => process.getuid?.() === 0;

/** Announces a long step, runs it, and says how long it took. */
export async function step<T>(log: Log, what: string, work: () => Promise<T>): Promise<T> {
  const startedAt = performance.now();
  log(`${what}…`);
  const result = await work();
  log(`${what}: done in ${formatDuration(performance.now() - startedAt)}`);
  return result;
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
