/** Facts about the machine and the two engines, for the report: versions, memory, load. */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { promisify } from 'node:util';
import type { Driver } from 'neo4j-driver';
import type pg from 'pg';
import type { GraphMachine } from './graph-report.ts';

const execFileAsync = promisify(execFile);

/** Resident set size of a process in MiB (Linux /proc), or undefined where that is not available. */
export async function residentMiB(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  return kib === undefined ? undefined : Number(kib) / 1024;
}

/** The JVM that runs Neo4j, as `java -version` names it (first two lines: vendor build and runtime). */
export async function jvmVersion(java: string): Promise<string> {
  try {
    const { stderr } = await execFileAsync(java, ['-version'], { timeout: 30_000 });
    return stderr.trim().split('\n').slice(0, 2).join('; ');
  } catch (error) {
    return `unknown (${java} -version failed: ${String(error).split('\n')[0]})`;
  }
}

export async function neo4jVersion(driver: Driver): Promise<string> {
  const { records } = await driver.executeQuery(
    'CALL dbms.components() YIELD name, versions, edition RETURN name, versions[0] AS version, edition',
  );
  const record = records[0];
  return record
    ? `${String(record.get('name'))} ${String(record.get('version'))} (${String(record.get('edition'))})`
    : 'unknown';
}

export async function postgresVersion(client: pg.Client): Promise<string> {
  const result = await client.query<{ server_version: string }>('SHOW server_version');
  return result.rows[0]?.server_version ?? 'unknown';
}

export function describeMachine(
  versions: Pick<GraphMachine, 'postgres' | 'neo4j' | 'jvm'>,
  loadBefore: number[],
): GraphMachine {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown CPU',
    cpuCount: cpus.length,
    memoryGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    ...versions,
    loadBefore,
    loadAfter: os.loadavg(),
  };
}
