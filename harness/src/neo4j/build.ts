/**
 * The Maven build of deploy/neo4j-embedded: run once and cached (target/ is reused while it is newer than
 * pom.xml and src/), serialised across processes by a lock directory so parallel test files build once.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  BUILD_TIMEOUT_MS,
  buildLock,
  buildStamp,
  jarFile,
  libDir,
  NEO4J_VERSION,
  projectDir,
  targetDir,
} from './paths.ts';
import { ensureToolchain } from './toolchain.ts';

const execFileAsync = promisify(execFile);

let building: Promise<string> | undefined;

/**
 * Makes sure a JDK and Maven are there (installing Debian's when root) and that the Maven project is built.
 * Returns the `java` executable. Safe to call concurrently, from several processes too (a lock directory).
 */
export function ensureNeo4jBuilt(log: (line: string) => void = () => {}): Promise<string> {
  building ??= (async () => {
    const java = await ensureToolchain(log);
    if (!isBuildFresh()) await withBuildLock(log, async () => isBuildFresh() || (await build(log)));
    return java;
  })();
  building.catch(() => (building = undefined));
  return building;
}

function newestSource(): number {
  const newestIn = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
      const file = path.join(dir, entry.name);
      return Math.max(newest, entry.isDirectory() ? newestIn(file) : statSync(file).mtimeMs);
    }, 0);
  return Math.max(statSync(path.join(projectDir, 'pom.xml')).mtimeMs, newestIn(path.join(projectDir, 'src')));
}

function isBuildFresh(): boolean {
  if (!existsSync(buildStamp) || !existsSync(jarFile) || !existsSync(libDir)) return false;
  return statSync(buildStamp).mtimeMs >= newestSource();
}

async function build(log: (line: string) => void): Promise<true> {
  const startedAt = performance.now();
  const cached = existsSync(path.join(os.homedir(), '.m2/repository/org/neo4j/neo4j', NEO4J_VERSION));
  log(
    cached
      ? 'neo4j: building deploy/neo4j-embedded (jars already in ~/.m2)'
      : `neo4j: building deploy/neo4j-embedded; first run downloads Neo4j ${NEO4J_VERSION} (~125 MiB) from Maven Central`,
  );
  const goals = [
    '-B',
    '-q',
    'package',
    'dependency:copy-dependencies',
    `-DoutputDirectory=${libDir}`,
    '-DincludeScope=runtime',
  ];
  // Offline when the jars are cached (no network round trips); online if the cache turns out incomplete.
  if (!(
    cached &&
    (await runMaven(['-o', ...goals]).then(
      () => true,
      () => false,
    ))
  )) {
    await runMaven(goals);
  }
  // Archives recorded against the old jars would be rejected (the class path changed): start afresh.
  for (const entry of readdirSync(targetDir)) {
    if (entry.endsWith('.jsa')) rmSync(path.join(targetDir, entry), { force: true });
  }
  await writeFile(buildStamp, `${new Date().toISOString()}\n`);
  log(`neo4j: built in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
  return true;
}

async function runMaven(args: string[]): Promise<void> {
  try {
    await execFileAsync('mvn', args, { cwd: projectDir, timeout: BUILD_TIMEOUT_MS, maxBuffer: 64 << 20 });
  } catch (cause) {
    const failure = cause as { code?: unknown; stdout?: string; stderr?: string };
    const output = `${failure.stdout ?? ''}${failure.stderr ?? ''}`.trim().slice(-4000);
    throw new Error(`neo4j: mvn ${args.join(' ')} failed (${String(failure.code)})\n${output}`, { cause });
  }
}

const LOCK_WAIT_MS = BUILD_TIMEOUT_MS;

async function withBuildLock<T>(log: (line: string) => void, work: () => Promise<T>): Promise<T> {
  await mkdir(targetDir, { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  let announced = false;
  for (;;) {
    try {
      await mkdir(buildLock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (await lockIsStale()) {
        await rm(buildLock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`neo4j: gave up waiting for the build lock ${buildLock}`, { cause: error });
      }
      if (!announced) log('neo4j: another process is building deploy/neo4j-embedded, waiting for it');
      announced = true;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    await writeFile(path.join(buildLock, 'pid'), String(process.pid));
    return await work();
  } finally {
    await rm(buildLock, { recursive: true, force: true });
  }
}

async function lockIsStale(): Promise<boolean> {
  const pid = Number(await readFile(path.join(buildLock, 'pid'), 'utf8').catch(() => ''));
  if (!pid) {
    // Just created by its owner, who has not written its pid yet — unless that was long ago.
    const created = await stat(buildLock).then(
      (s) => s.mtimeMs,
      () => Date.now(),
    );
    return Date.now() - created > 30_000;
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}
