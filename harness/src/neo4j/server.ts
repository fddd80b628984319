/**
 * Builds and runs a real Neo4j Community server (embedded, deploy/neo4j-embedded) on a loopback port, for
 * tests, benchmarks and `npm run neo4j`. Nothing comes from Docker or a tarball: Maven Central provides the
 * jars, the machine's JDK 17 runs them (installed from Debian when missing and we are root).
 *
 *   const neo4j = await startNeo4j({ password: 'a-password', log: console.log });
 *   // neo4j.boltUrl, neo4j.user, neo4j.password → neo4j-driver
 *   await neo4j.stop();
 *
 * Here: launching the JVM, waiting for Bolt, stopping it. The machine's toolchain (toolchain.ts), the
 * Maven build (build.ts) and the class-data-sharing archive (class-data-sharing.ts) are beside it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freeLoopbackPort } from '../ports.ts';
import { ensureNeo4jBuilt } from './build.ts';
import { classDataSharing, type ClassDataSharing } from './class-data-sharing.ts';
import { jarFile, libDir, NEO4J_VERSION } from './paths.ts';

export { ensureNeo4jBuilt, NEO4J_VERSION };

export type StartNeo4jOptions = {
  /**
   * Neo4j's home directory (its `data/` and `logs/` go inside). Kept after stop(). When omitted, a
   * throwaway directory under os.tmpdir() is used and deleted by stop()/kill().
   */
  dataDir?: string;
  /** Loopback port for Bolt; a free one when omitted (then retried on a bind race). */
  port?: number;
  /** Turns authentication on for the user `neo4j` (≥ 8 characters). Omitted: auth off (loopback only). */
  password?: string;
  log?: (line: string) => void;
  /** How long to wait for Bolt after launching the JVM. Generous: a cold JVM on a busy 2-core machine. */
  readyTimeoutMs?: number;
};

export type Neo4jServer = {
  boltUrl: string;
  user: string;
  /** The password given to startNeo4j, or '' when authentication is off (any credentials are accepted). */
  password: string;
  authEnabled: boolean;
  port: number;
  dataDir: string;
  pid: number;
  /**
   * Clean shutdown (SIGTERM, then SIGKILL after a deadline). A throwaway data directory is killed instead
   * (nothing in it is worth a checkpoint; saves seconds per test run) and deleted — unless this start is
   * recording the class-data sharing archive, which only a clean exit writes.
   */
  stop(): Promise<void>;
  /** Crash: SIGKILL, no shutdown. Neo4j recovers the store on the next start from the same dataDir. */
  kill(): Promise<void>;
  /** Resolves with the exit code (or signal name) once the JVM has exited. */
  exited: Promise<number | string | null>;
  /** The last lines the JVM printed. */
  output(): string;
};

export const NEO4J_USER = 'neo4j';

const MAIN_CLASS = 'org.lexikon.neo4j.Main';
const READY_LINE = /^NEO4J_READY (bolt:\/\/\S+)/m;

// Suits a 2-core machine shared with PostgreSQL and Node (see docs in the recipe this follows).
const JVM_FLAGS = [
  '-Xms256m',
  '-Xmx1g',
  '-XX:+UseSerialGC',
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '-Dio.netty.tryReflectionSetAccessible=true',
];
const DEFAULT_READY_TIMEOUT_MS = 240_000;
const STOP_TIMEOUT_MS = 60_000;
const START_ATTEMPTS = 3;
const OUTPUT_LINES_KEPT = 80;

export async function startNeo4j(options: StartNeo4jOptions = {}): Promise<Neo4jServer> {
  const log = options.log ?? (() => {});
  if (options.password !== undefined && options.password.length < 8) {
    throw new Error('startNeo4j: the password must have at least 8 characters (Neo4j refuses shorter ones)');
  }
  const java = await ensureNeo4jBuilt(log);
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir
    ? path.resolve(options.dataDir)
    : await mkdtemp(path.join(os.tmpdir(), 'lexikon-neo4j-'));
  await mkdir(dataDir, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freeLoopbackPort());
    try {
      return await launch({ java, dataDir, ownsDataDir, port, options, log });
    } catch (error) {
      const portTaken = error instanceof PortTakenError;
      if (!portTaken || options.port !== undefined || attempt >= START_ATTEMPTS) {
        if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
        throw error;
      }
      log(`neo4j: port ${port} was taken meanwhile, retrying on another one`);
    }
  }
}

class PortTakenError extends Error {}

type LaunchContext = {
  java: string;
  dataDir: string;
  ownsDataDir: boolean;
  port: number;
  options: StartNeo4jOptions;
  log: (line: string) => void;
};

async function launch(ctx: LaunchContext): Promise<Neo4jServer> {
  const { java, dataDir, port, options, log } = ctx;
  const startedAt = performance.now();
  const cds = await classDataSharing(java);
  const args = [
    ...JVM_FLAGS,
    ...cds.flags,
    '-cp',
    `${jarFile}${path.delimiter}${path.join(libDir, '*')}`,
    MAIN_CLASS,
    dataDir,
    String(port),
    '--exit-on-stdin-eof',
  ];
  const env = { ...process.env };
  delete env.NEO4J_PASSWORD;
  if (options.password !== undefined) env.NEO4J_PASSWORD = options.password;
  // stdin stays an open pipe: the JVM exits when it closes, i.e. when this process dies without stop().
  const child = spawn(java, args, { cwd: os.tmpdir(), env, stdio: ['pipe', 'pipe', 'pipe'] });
  const output = captureOutput(child);
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  const onExit = (): void => killSyncOnExit(child, ctx);
  process.on('exit', onExit);
  try {
    const boltUrl = await waitForBolt(child, output, exited, port, dataDir, options.readyTimeoutMs);
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
    log(`neo4j: ${NEO4J_VERSION} ready at ${boltUrl} in ${seconds} s (${cds.mode}; home ${dataDir})`);
    return makeServer(child, ctx, boltUrl, output, exited, cds, onExit);
  } catch (error) {
    process.off('exit', onExit);
    await terminate(child, exited, 'SIGKILL');
    throw error;
  }
}

function makeServer(
  child: ChildProcess,
  ctx: LaunchContext,
  boltUrl: string,
  output: OutputBuffer,
  exited: Promise<number | string | null>,
  cds: ClassDataSharing,
  onExit: () => void,
): Neo4jServer {
  let ending: Promise<void> | undefined;
  const end = (signal: 'SIGTERM' | 'SIGKILL'): Promise<void> => {
    ending ??= (async () => {
      await terminate(child, exited, signal);
      process.off('exit', onExit);
      // Only a clean exit writes a usable archive; install it for the next start.
      if (signal === 'SIGTERM') await cds.adoptRecording();
      else await cds.discardRecording();
      if (ctx.ownsDataDir) await rm(ctx.dataDir, { recursive: true, force: true });
    })();
    return ending;
  };
  return {
    boltUrl,
    user: NEO4J_USER,
    password: ctx.options.password ?? '',
    authEnabled: ctx.options.password !== undefined,
    port: ctx.port,
    dataDir: ctx.dataDir,
    pid: child.pid ?? -1,
    stop: () => end(ctx.ownsDataDir && !cds.recording ? 'SIGKILL' : 'SIGTERM'),
    kill: () => end('SIGKILL'),
    exited,
    output: () => output.text(),
  };
}

async function waitForBolt(
  child: ChildProcess,
  output: OutputBuffer,
  exited: Promise<number | string | null>,
  port: number,
  dataDir: string,
  timeoutMs = DEFAULT_READY_TIMEOUT_MS,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const ready = new Promise<string>((resolve) => {
    output.onLine((line) => {
      const match = READY_LINE.exec(line);
      if (match?.[1]) resolve(match[1]);
    });
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([ready, timeout, exited.then((code) => ({ code }))]);
    if (typeof outcome === 'string' && outcome !== 'timeout') {
      // The JVM printed its line after binding; a connect proves Bolt really accepts connections.
      await waitForTcp(port, deadline);
      return outcome;
    }
    const tail = await failureTail(output, dataDir);
    if (/BindException|Address already in use/i.test(tail)) {
      throw new PortTakenError(`neo4j: port ${port} is already in use\n${tail}`);
    }
    const why =
      outcome === 'timeout'
        ? `Bolt was not ready within ${Math.round(timeoutMs / 1000)} s`
        : `the JVM exited (${String((outcome as { code: unknown }).code)}) before Bolt was ready`;
    throw new Error(`neo4j: ${why} (pid ${child.pid}, home ${dataDir})\n--- last output ---\n${tail}`);
  } finally {
    clearTimeout(timer);
  }
}

async function waitForTcp(port: number, deadline: number): Promise<void> {
  for (;;) {
    const connected = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (connected) return;
    if (Date.now() > deadline) throw new Error(`neo4j: nothing accepts connections on 127.0.0.1:${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function terminate(
  child: ChildProcess,
  exited: Promise<unknown>,
  signal: 'SIGTERM' | 'SIGKILL',
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  const gaveUp = Symbol('timeout');
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    exited,
    new Promise((resolve) => (timer = setTimeout(() => resolve(gaveUp), STOP_TIMEOUT_MS))),
  ]);
  clearTimeout(timer);
  if (result === gaveUp) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** Last resort when the process exits without stop(): only synchronous work is possible here. */
function killSyncOnExit(child: ChildProcess, ctx: LaunchContext): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  if (!ctx.ownsDataDir) {
    // A kept store deserves a clean shutdown; closing stdin (as our exit does) also triggers one.
    child.kill('SIGTERM');
    return;
  }
  child.kill('SIGKILL');
  spawnSync('sh', ['-c', `while kill -0 ${child.pid} 2>/dev/null; do sleep 0.1; done`], { timeout: 10_000 });
  rmSync(ctx.dataDir, { recursive: true, force: true });
}

// ---- output ------------------------------------------------------------------------------------------

type OutputBuffer = { text(): string; onLine(listener: (line: string) => void): void };

function captureOutput(child: ChildProcess): OutputBuffer {
  const lines: string[] = [];
  const listeners: ((line: string) => void)[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.on('data', (chunk: Buffer) => {
      const parts = (pending + chunk.toString()).split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (lines.length > OUTPUT_LINES_KEPT) lines.shift();
        for (const listener of listeners) listener(line);
      }
    });
  }
  return { text: () => lines.join('\n'), onLine: (listener) => listeners.push(listener) };
}

async function failureTail(output: OutputBuffer, dataDir: string): Promise<string> {
  const debugLog = await readFile(path.join(dataDir, 'logs', 'debug.log'), 'utf8').catch(() => '');
  const debugTail = debugLog.trimEnd().split('\n').slice(-30).join('\n');
  return [output.text(), debugTail && `--- tail of logs/debug.log ---\n${debugTail}`]
    .filter(Boolean)
    .join('\n');
}
