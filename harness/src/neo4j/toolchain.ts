/**
 * What building and running the embedded Neo4j needs from the machine: a JDK 17 or later and Maven,
 * installed from Debian's packages when missing and we are root (never downloaded from elsewhere).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { NEO4J_VERSION } from './paths.ts';

const execFileAsync = promisify(execFile);
const isRoot = (): boolean => process.getuid?.() === 0;

let installing: Promise<void> | undefined;

/** A JDK ≥ 17 and Maven, installed from Debian when missing and we are root; returns the java binary. */
export async function ensureToolchain(log: (line: string) => void): Promise<string> {
  const ready = (await javaMajorVersion(javaExecutable())) >= 17 && (await hasCommand('mvn'));
  if (!ready) {
    if (!isRoot()) {
      throw new Error(
        'neo4j: needs a JDK ≥ 17 and Maven. Install them first, e.g. ' +
          '"sudo apt-get install -y openjdk-17-jdk-headless maven" (Debian/Ubuntu), then re-run.',
      );
    }
    installing ??= installDebianToolchain(log);
    await installing;
  }
  const java = javaExecutable();
  const major = await javaMajorVersion(java);
  if (major < 17)
    throw new Error(`neo4j: ${java} is Java ${major}; Neo4j ${NEO4J_VERSION} needs 17 or later`);
  return java;
}

/** JAVA_HOME's java, else the first on the PATH; an absolute path (the archive name derives from it). */
function javaExecutable(): string {
  const home = process.env.JAVA_HOME;
  const candidates = [
    ...(home ? [path.join(home, 'bin/java')] : []),
    ...(process.env.PATH ?? '').split(path.delimiter).map((dir) => path.join(dir, 'java')),
  ];
  return candidates.find((file) => path.isAbsolute(file) && existsSync(file)) ?? 'java';
}

async function javaMajorVersion(java: string): Promise<number> {
  try {
    // `java -version` prints to stderr, e.g. `openjdk version "17.0.15" 2025-04-15`.
    const { stderr } = await execFileAsync(java, ['-version'], { timeout: 60_000 });
    const version = /version "(\d+)(?:\.(\d+))?/.exec(stderr);
    if (!version) return 0;
    return version[1] === '1' ? Number(version[2]) : Number(version[1]);
  } catch {
    return 0;
  }
}

async function hasCommand(command: string): Promise<boolean> {
  return execFileAsync('sh', ['-c', `command -v ${command}`]).then(
    () => true,
    () => false,
  );
}

async function installDebianToolchain(log: (line: string) => void): Promise<void> {
  log('neo4j: JDK 17 or Maven missing, installing Debian packages (takes a few minutes)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const lockWait = ['-o', 'DPkg::Lock::Timeout=300'];
  const apt = (args: string[]) => execFileAsync('apt-get', [...lockWait, ...args], { env, timeout: 900_000 });
  await apt(['update']);
  await apt(['install', '-y', '--no-install-recommends', 'openjdk-17-jdk-headless', 'maven']);
}
