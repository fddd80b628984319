export { freeLoopbackPort } from '@lexikon/harness/ports';
import { spawn, type ChildProcess } from 'node:child_process';

export interface ServerProcess {
  url: string;
  pid: number | undefined;
  /** SIGTERM (the server drains and closes its pool), SIGKILL if it lingers. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartServerOptions {
  cwd: string;
  env: Record<string, string>;
  nodeArgs?: string[];
  log: (line: string) => void;
}

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
// The child's environment starts from these only: a stray DATABASE_URL or GRAPH_MAX_NODES in the
// caller's shell must not change what is measured.
const INHERITED = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'];

/** Starts `src/main.ts` exactly as production would, and resolves once /ready answers 200. */
export async function startServer(options: StartServerOptions): Promise<ServerProcess> {
  const inherited = Object.fromEntries(
    INHERITED.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]!]])),
  );
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), 'src/main.ts'], {
    cwd: options.cwd,
    env: { ...inherited, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail = forwardOutput(child, options.log);
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  const url = `http://${options.env.HOST}:${options.env.PORT}`;
  const server: ServerProcess = { url, pid: child.pid, stop: memoize(() => stopChild(child, exited)) };
  try {
    await waitForReady(url, exited, tail);
    return server;
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** Server logs go to our stderr (stdout is kept for the summary); the last lines explain a failed start. */
function forwardOutput(child: ChildProcess, log: (line: string) => void): string[] {
  const tail: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        log(`server: ${line}`);
        tail.push(line);
        if (tail.length > 40) tail.shift();
      }
    });
  }
  return tail;
}

async function waitForReady(url: string, exited: Promise<unknown>, tail: string[]): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let gone: unknown;
  void exited.then((status) => (gone = status ?? 'exited'));
  while (Date.now() < deadline) {
    if (gone !== undefined)
      throw new Error(`the server exited (${String(gone)}) before it was ready:\n${tail.join('\n')}`);
    const ready = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2000) })
      .then((response) => response.ok)
      .catch(() => false);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the server was not ready after ${READY_TIMEOUT_MS / 1000} s:\n${tail.join('\n')}`);
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

function memoize(work: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= work());
}
