/**
 * Structured evidence for docs/reliability.md. A fault or security test describes what it injects and
 * expects, counts what it sees while it runs, and the record is written when the test finishes, with
 * the test's own verdict: the report is rendered from these files (`npm run report:reliability`), never
 * written by hand.
 *
 * Plain Node.js (no Vitest import at module level) so that scripts can use `writeReliabilityRecord`.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../repo-root.ts';

export const reliabilityDir = join(repoRoot, 'test-results/reliability');

export type ReliabilityKind = 'fault' | 'control' | 'fuzz';

export interface ReliabilityRecord {
  /** Stable id, e.g. "fault-1-postgres-stopped"; the report orders and names rows by it. */
  id: string;
  kind: ReliabilityKind;
  title: string;
  injected: string;
  expected: string;
  /** What the run saw, in a sentence (filled by the test). */
  observed: string;
  /** Requests sent, 201s, rows found, 5xx seen… whatever the test counted. */
  counts: Record<string, number>;
  outcome: 'pass' | 'fail' | 'skip';
  /** The first failure message when the outcome is fail. */
  failure?: string;
  /** Which database the run used (the backend suite runs on PGlite and on PostgreSQL). */
  database: string;
  /** Test file and test name the record came from. */
  source: string;
  finishedAt: string;
}

export function writeReliabilityRecord(record: ReliabilityRecord): void {
  mkdirSync(reliabilityDir, { recursive: true });
  const file = join(reliabilityDir, `${record.id}.${record.database}.json`);
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
}

export function readReliabilityRecords(): ReliabilityRecord[] {
  let files: string[];
  try {
    files = readdirSync(reliabilityDir).filter((file) => file.endsWith('.json'));
  } catch {
    return [];
  }
  return files
    .map((file) => JSON.parse(readFileSync(join(reliabilityDir, file), 'utf8')) as Partial<ReliabilityRecord>)
    .filter((record): record is ReliabilityRecord => typeof record.id === 'string' && !!record.kind);
}

export interface ReliabilityTracker {
  /** Adds `by` to a counter (created at 0). */
  add(name: string, by?: number): void;
  /** Sets a counter. */
  set(name: string, value: number): void;
  count(name: string): number;
  /** What happened, in words; the last call wins. */
  observe(text: string): void;
}

/**
 * Starts a record for the running test; it is written when the test finishes, pass or fail. Call it
 * inside a test (it registers an `onTestFinished` hook).
 */
export async function trackReliability(
  entry: Pick<ReliabilityRecord, 'id' | 'kind' | 'title' | 'injected' | 'expected'> & { database?: string },
): Promise<ReliabilityTracker> {
  const { onTestFinished } = await import('vitest');
  const counts: Record<string, number> = {};
  let observed = '';
  onTestFinished(({ task }) => {
    const state = task.result?.state;
    const error = task.result?.errors?.[0];
    writeReliabilityRecord({
      ...entry,
      observed: observed || '(the test ended before describing what it saw)',
      counts,
      outcome: state === 'pass' ? 'pass' : state === 'fail' ? 'fail' : 'skip',
      ...(state === 'fail' && error ? { failure: firstLine(error.message ?? String(error)) } : {}),
      database: entry.database ?? process.env.LEXIKON_TEST_DATABASE ?? 'none',
      source: `${relative(repoRoot, task.file?.filepath ?? '')} › ${task.name}`,
      finishedAt: new Date().toISOString(),
    });
  });
  return {
    add: (name, by = 1) => void (counts[name] = (counts[name] ?? 0) + by),
    set: (name, value) => void (counts[name] = value),
    count: (name) => counts[name] ?? 0,
    observe: (text) => void (observed = text),
  };
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((line) => line.trim())
      ?.slice(0, 300) ?? text.slice(0, 300)
  );
}
