import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { trackReliability } from '@lexikon/harness/reliability/records';
import { createTestDatabaseUrl } from '../support/test-app.ts';

// Real processes on a shared 2-core machine: generous deadlines, only to detect a hang.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

// Fault 5: `lexikon import` of a large file killed with SIGKILL half-way, in each of its two write
// phases (terms, then relations); then the same file imported to the end. (cli.test.ts covers a
// database failure half-way; this is the process itself dying, with no chance to roll back.)
const TERMS = 5_000;
const cliMain = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

let dir: string;
let file: string;
let databaseUrl: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lexikon-import-kill-'));
  file = join(dir, 'big-export.json');
  const terms = Array.from({ length: TERMS }, (_, index) => ({
    id: randomUUID(),
    term: `Imported term ${String(index).padStart(5, '0')}`,
    definition: `Entry ${index} of a large import that is killed half-way and must land whole or not at all.`,
    domain: `Bulk ${index % 7}`,
  }));
  const relations = terms.slice(1).map((term, index) => ({
    source_id: term.id,
    target_id: terms[index]!.id,
    type: 'related_to',
  }));
  writeFileSync(file, JSON.stringify({ format: 'lexikon-export', version: 1, terms, relations }));
  databaseUrl = (await createTestDatabaseUrl())!;
  // Every command migrates first: a complete run on an empty file does it, so the kills hit the import.
  const empty = join(dir, 'empty.json');
  writeFileSync(empty, JSON.stringify({ format: 'lexikon-export', version: 1, terms: [], relations: [] }));
  const migrated = await runImport(empty);
  expect(migrated.code, migrated.stderr).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ImportRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  stdout: string;
}

/** Runs `lexikon import`; with `killWhen`, sends SIGKILL as soon as its progress output matches. */
function runImport(path: string, killWhen?: RegExp): Promise<ImportRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliMain, 'import', '--file', path], {
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: databaseUrl,
        LEXIKON_DATA_DIR: dir,
        JWT_SECRET: 'not-used-by-import-but-kept-out-of-the-repository',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (killWhen?.test(stderr) && child.exitCode === null) child.kill('SIGKILL');
    });
    // A hang detector: the whole import takes seconds.
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr, stdout });
    });
  });
}

async function counts(): Promise<{ terms: number; relations: number; jobs: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(`
      SELECT (SELECT count(*)::int FROM terms WHERE term LIKE 'Imported term %') AS terms,
             (SELECT count(*)::int FROM relationships) AS relations,
             (SELECT count(*)::int FROM validation_jobs) AS jobs`);
    return rows[0];
  } finally {
    await client.end();
  }
}

describe('fault 5: the import process killed with SIGKILL half-way', () => {
  it('leaves nothing behind, in either write phase, and the same file then imports whole', async () => {
    const record = await trackReliability({
      id: 'fault-5-sigkill-import',
      kind: 'fault',
      title: 'SIGKILL in the middle of a bulk import',
      injected: `kill -9 of \`lexikon import\` (${TERMS.toLocaleString('en')} terms, ${(TERMS - 1).toLocaleString('en')} relations) once its progress shows it writing terms, then again once it writes relations`,
      expected:
        'All or nothing: no term, relation or validation job of the file after each kill; a later run imports everything',
    });
    const phases = [
      ['terms', /^terms \[[#.]+\] \d+\/\d+/m],
      ['relations', /^relations \[[#.]+\] \d+\/\d+/m],
    ] as const;
    for (const [phase, progress] of phases) {
      const killed = await runImport(file, progress);
      const after = await counts();
      record.set(`rows after the kill during ${phase}`, after.terms + after.relations + after.jobs);
      expect(killed.signal, `${phase}: ${killed.stderr}`).toBe('SIGKILL');
      expect(killed.stdout).not.toContain('Imported');
      expect(after).toEqual({ terms: 0, relations: 0, jobs: 0 });
    }
    const complete = await runImport(file);
    expect(complete.code, complete.stderr).toBe(0);
    const final = await counts();
    record.set('kills', phases.length);
    record.set('terms in the file', TERMS);
    record.set('terms after the full run', final.terms);
    record.set('relations after the full run', final.relations);
    record.observe(
      `after each kill (during terms, during relations) 0 rows of the file; the next run imported ${final.terms} terms and ${final.relations} relations`,
    );
    expect(final.terms).toBe(TERMS);
    expect(final.relations).toBe(TERMS - 1);
  });
});
