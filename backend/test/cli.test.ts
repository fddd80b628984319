import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { executeCommand, type CommandSpec } from '../src/cli/command.ts';
import { createAdminCommand } from '../src/cli/commands/create-admin.ts';
import { exportCommand } from '../src/cli/commands/export.ts';
import { importCommand } from '../src/cli/commands/import.ts';
import { seedDemoCommand } from '../src/cli/commands/seed-demo.ts';
import { statsCommand } from '../src/cli/commands/stats.ts';
import { demoConcepts } from '../src/demo/concepts.ts';

const { concepts: demoTerms, relations: demoRelations } = demoConcepts();
import type { Config } from '../src/platform/config.ts';
import { createDatabase, rowsOf, type Database } from '../src/platform/database/client.ts';
import { runMigrations } from '../src/platform/database/migrate.ts';
import {
  createTestContext,
  createTestDatabaseUrl,
  createUser,
  testConfig,
  testDatabaseKind,
  type TestContext,
} from './support/test-app.ts';
import { SEED_TRAVERSAL_SQL } from '../src/graph/seed-query.ts';

const backendDir = fileURLToPath(new URL('..', import.meta.url));
const FULL_BAR = '#'.repeat(30);
const PASSWORD = 'Correct-Horse-9-Battery';

// ---- helpers --------------------------------------------------------------------------------------

class Capture extends Writable {
  text = '';
  isTTY = false;

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

interface Target {
  database: Database;
  config: Config;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** A fresh, migrated database of the project's kind (PGlite in memory, or a new PostgreSQL database). */
async function freshDatabase(): Promise<Target> {
  const config = testConfig({}, await createTestDatabaseUrl());
  const database = createDatabase(config.database, pino({ level: 'silent' }));
  cleanups.push(() => database.close());
  await runMigrations(database);
  return { database, config };
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lexikon-cli-test-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs a command in-process, as `lexikon <command> <args…>` would once connected. */
async function run(
  command: CommandSpec,
  target: Target,
  args: string[],
  extra: { env?: NodeJS.ProcessEnv; stdin?: NodeJS.ReadableStream & { isTTY?: boolean } } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await executeCommand(command, {
    database: target.database,
    config: target.config,
    args,
    stdout,
    stderr,
    stdin: extra.stdin ?? new PassThrough(),
    env: extra.env ?? {},
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

async function count(
  target: Target,
  table: 'terms' | 'relationships' | 'users' | 'vocabularies',
): Promise<number> {
  const result = await target.database.db.execute(sql.raw(`SELECT count(*)::int AS n FROM ${table}`));
  return rowsOf<{ n: number }>(result)[0]!.n;
}

async function query<T>(target: Target, text: string): Promise<T[]> {
  return rowsOf<T>(await target.database.db.execute(sql.raw(text)));
}

interface ExportFile {
  format: string;
  version: number;
  exported_at: string;
  vocabularies: Record<string, unknown>[];
  terms: Record<string, unknown>[];
  relations: { source_id: string; target_id: string; type: string; strength: number | null }[];
}

async function exportToFile(target: Target, dir: string, name = 'export.json'): Promise<string> {
  const file = join(dir, name);
  const result = await run(exportCommand, target, ['--out', file]);
  expect(result.code, result.stderr).toBe(0);
  return file;
}

async function writeDocument(dir: string, document: unknown, name = 'import.json'): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, JSON.stringify(document));
  return file;
}

function document(terms: unknown[], relations: unknown[] = []) {
  return { format: 'lexikon-export', version: 1, terms, relations };
}

function term(name: string, extra: Record<string, unknown> = {}) {
  return { id: randomUUID(), term: name, definition: `Definition of ${name}.`, domain: 'Tests', ...extra };
}

type RelationEnds = { source_id: string; target_id: string; type: string };
const byRelation = (a: RelationEnds, b: RelationEnds) =>
  `${a.source_id}${a.target_id}${a.type}`.localeCompare(`${b.source_id}${b.target_id}${b.type}`);

// ---- seed-demo ------------------------------------------------------------------------------------

describe('lexikon seed-demo', () => {
  it('loads every demo term and relation exactly once; a second run adds nothing', async () => {
    const target = await freshDatabase();
    const first = await run(seedDemoCommand, target, []);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe(
      'Demo ontology loaded into the vocabulary "ai-demo", owned by demo@lexikon.local (a new demo account):\n' +
        `  terms: ${demoTerms.length} created, 0 skipped (already present)\n` +
        `  relations: ${demoRelations.length} created, 0 skipped (already present)\n` +
        `  validation: ${demoTerms.length} checked by the rules\n`,
    );
    expect(first.stderr).toContain(`terms [${FULL_BAR}] 45/45 100%`);
    expect(first.stderr).toContain(`relations [${FULL_BAR}] 71/71 100%`);
    expect(first.stderr).toContain(`validation [${FULL_BAR}] 45/45 100%`);
    // Validated at seed time: every demo concept has a record, and the rules find nothing wrong with
    // them: both languages are there, no label is shared (it was while each language was its own term).
    expect(
      await query<{ records: number; findings: number; triggers: string }>(
        target,
        `SELECT count(*)::int AS records, (SELECT count(*)::int FROM validation_findings) AS findings,
                string_agg(DISTINCT trigger, ',') AS triggers
         FROM term_validations`,
      ),
    ).toEqual([{ records: 45, findings: 0, triggers: 'import' }]);
    expect(demoTerms).toHaveLength(45);
    expect(demoRelations).toHaveLength(71);

    // In its own public vocabulary, French and English, owned by the demo account.
    expect(
      await query<{ slug: string; languages: string[]; visibility: string; owner: string }>(
        target,
        `SELECT v.slug, v.languages, v.visibility::text,
                (SELECT u.email FROM vocabulary_members m JOIN users u ON u.id = m.user_id
                 WHERE m.vocabulary_id = v.id AND m.role = 'owner') AS owner
         FROM vocabularies v WHERE v.slug <> 'default'`,
      ),
    ).toEqual([
      { slug: 'ai-demo', languages: ['fr', 'en'], visibility: 'public', owner: 'demo@lexikon.local' },
    ]);
    // Each concept with its English label and definition, its synonyms and abbreviations, its sources.
    const parts = await query<{ term: string; labels: string; definitions: number; sources: number }>(
      target,
      `SELECT t.term,
              (SELECT string_agg(l.kind || ':' || l.language || ':' || l.text, '|' ORDER BY l.kind, l.language, l.position)
               FROM term_labels l WHERE l.term_id = t.id) AS labels,
              (SELECT count(*)::int FROM term_definitions d WHERE d.term_id = t.id) AS definitions,
              (SELECT count(*)::int FROM term_sources s WHERE s.term_id = t.id) AS sources
       FROM terms t JOIN vocabularies v ON v.id = t.vocabulary_id WHERE v.slug = 'ai-demo'`,
    );
    expect(parts).toHaveLength(45);
    for (const concept of demoTerms) {
      const stored = parts.find((row) => row.term === concept.term)!;
      const expectedLabels = [
        ...concept.alt_labels.map((label) => `alt:${label.language}:${label.text}`),
        `pref:en:${concept.pref_labels.en}`,
      ];
      expect(stored.labels.split('|').sort(), concept.term).toEqual(expectedLabels.sort());
      expect(stored).toMatchObject({ definitions: 1, sources: 2 });
    }

    // Contents, not just counts: every demo term and relation, as written in the demo file.
    const terms = await query<{
      term: string;
      definition: string;
      domain: string;
      level: string;
      status: string;
    }>(target, 'SELECT term, definition, domain, level::text, status::text FROM terms');
    const expectedTerms = demoTerms.map(({ term, definition, domain, level }) => ({
      term,
      definition,
      domain,
      level,
      status: 'draft',
    }));
    const byTerm = (a: { term: string; domain: string }, b: { term: string; domain: string }) =>
      `${a.domain}/${a.term}`.localeCompare(`${b.domain}/${b.term}`);
    expect(terms.sort(byTerm)).toEqual(expectedTerms.sort(byTerm));

    const relations = await query<{ source: string; target: string; type: string; strength: number | null }>(
      target,
      `SELECT s.term || '@' || s.domain AS source, t.term || '@' || t.domain AS target, r.type::text, r.strength
       FROM relationships r JOIN terms s ON s.id = r.source_id JOIN terms t ON t.id = r.target_id`,
    );
    const label = new Map(demoTerms.map((demo) => [demo.key, `${demo.term}@${demo.domain}`]));
    const expectedRelations = demoRelations.map((relation) => ({
      source: label.get(relation.source),
      target: label.get(relation.target),
      type: relation.type,
      strength: relation.strength ?? null,
    }));
    const relationOrder = (a: { source?: string; target?: string; type: string }, b: typeof a) =>
      `${a.source}|${a.target}|${a.type}`.localeCompare(`${b.source}|${b.target}|${b.type}`);
    expect(
      relations
        .map((row) => ({ ...row, strength: row.strength === null ? null : Number(row.strength) }))
        .sort(relationOrder),
    ).toEqual(expectedRelations.sort(relationOrder));

    // Owned by a password-less, non-admin demo account.
    const owners = await query<{
      email: string;
      role: string;
      has_password: boolean;
      terms: number;
      relations: number;
    }>(
      target,
      `SELECT u.email, u.role::text, u.password_hash IS NOT NULL AS has_password,
              (SELECT count(*)::int FROM terms WHERE created_by = u.id) AS terms,
              (SELECT count(*)::int FROM relationships WHERE created_by = u.id) AS relations
       FROM users u`,
    );
    expect(owners).toEqual([
      { email: 'demo@lexikon.local', role: 'user', has_password: false, terms: 45, relations: 71 },
    ]);

    const second = await run(seedDemoCommand, target, []);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe(
      'Demo ontology loaded into the vocabulary "ai-demo", owned by demo@lexikon.local (the demo account):\n' +
        '  terms: 0 created, 45 skipped (already present)\n' +
        '  relations: 0 created, 71 skipped (already present)\n' +
        '  validation: 0 checked by the rules\n',
    );
    expect(await count(target, 'terms')).toBe(45);
    expect(await count(target, 'relationships')).toBe(71);
    expect(await count(target, 'users')).toBe(1);
  });

  it('makes the benchmark query return the ontology three levels deep', async () => {
    const target = await freshDatabase();
    expect((await run(seedDemoCommand, target, [])).code).toBe(0);

    const rows = await query<{ id: string; term: string; depth: number }>(target, SEED_TRAVERSAL_SQL);
    const got = rows.map((row) => `${row.depth}:${row.term}`).sort();

    // The same walk over the demo file itself (UNION ALL: one row per path, duplicates included).
    const termOf = new Map(demoTerms.map((demo) => [demo.key, demo.term]));
    let level = ['fr-ia'];
    const expected = ['1:Intelligence Artificielle'];
    for (const depth of [2, 3]) {
      level = level.flatMap((key) =>
        demoRelations.filter((relation) => relation.source === key).map((relation) => relation.target),
      );
      expected.push(...level.map((key) => `${depth}:${termOf.get(key)}`));
    }
    expect(got).toEqual(expected.sort());

    expect(got.filter((row) => row.startsWith('1:'))).toEqual(['1:Intelligence Artificielle']);
    expect(got.filter((row) => row.startsWith('2:'))).toEqual([
      '2:Agent intelligent',
      '2:Biais algorithmique',
      "2:Données d'entraînement",
      '2:Explicabilité',
      '2:Graphe de connaissances',
      '2:Ontologie',
    ]);
    expect(got.filter((row) => row.startsWith('3:')).length).toBeGreaterThanOrEqual(8);
    expect(got).toContain('3:Taxonomie');
    expect(got).toContain('3:Apprentissage par renforcement');
  });

  it('credits the first administrator when there is one', async () => {
    const target = await freshDatabase();
    const admin = await run(createAdminCommand, target, [
      '--email',
      'boss@example.org',
      '--password',
      PASSWORD,
    ]);
    expect(admin.code, admin.stderr).toBe(0);
    const seeded = await run(seedDemoCommand, target, []);
    expect(seeded.stdout).toContain('owned by boss@example.org (the first administrator)');
    const owners = await query<{ email: string; n: number }>(
      target,
      'SELECT u.email, count(*)::int AS n FROM terms t JOIN users u ON u.id = t.created_by GROUP BY u.email',
    );
    expect(owners).toEqual([{ email: 'boss@example.org', n: 45 }]);
    expect(await count(target, 'users')).toBe(1);
  });
});

// ---- export / import ------------------------------------------------------------------------------

describe('lexikon export and import', () => {
  it('round-trips every term and relation into a fresh database', async () => {
    const source = await freshDatabase();
    const dir = await tempDir();
    expect((await run(seedDemoCommand, source, [])).code).toBe(0);
    // Cover what the seed does not: other statuses, no domain, microsecond timestamps.
    await source.database.db.execute(sql`UPDATE terms SET status = 'validated' WHERE term = 'Ontologie'`);
    await source.database.db.execute(sql`UPDATE terms SET domain = NULL WHERE term = 'Taxonomie'`);
    await source.database.db.execute(
      sql`UPDATE terms SET created_at = '2024-02-29T12:34:56.789123Z' WHERE term = 'Jeton'`,
    );

    const exported = await run(exportCommand, source, ['--out', join(dir, 'export.json')]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(
      /^Exported 45 terms and 71 relations to .*export\.json \(\d+\.\d KiB\) in /,
    );
    expect(exported.stderr).toContain(`export terms [${FULL_BAR}] 45/45 100%`);
    const file: ExportFile = JSON.parse(await readFile(join(dir, 'export.json'), 'utf8'));
    expect(file.format).toBe('lexikon-export');
    expect(file.version).toBe(1);
    expect(Number.isNaN(Date.parse(file.exported_at))).toBe(false);
    expect(file.terms).toHaveLength(45);
    expect(file.relations).toHaveLength(71);
    expect(Object.keys(file.terms[0]!)).toEqual([
      'id',
      'vocabulary',
      'notation',
      'term',
      'definition',
      'domain',
      'level',
      'status',
      'created_at',
      'pref_labels',
      // Alternative labels only where the concept has some: empty parts are left out.
      ...(file.terms[0]!.alt_labels ? ['alt_labels'] : []),
      'definitions',
      'sources',
    ]);
    // The vocabularies, with what it takes to make them again; every part of every concept.
    expect(file.vocabularies.map((vocabulary) => vocabulary.slug)).toEqual(['ai-demo', 'default']);
    expect(file.vocabularies[0]).toMatchObject({ default_language: 'fr', languages: ['fr', 'en'] });
    expect(file.terms.find((row) => row.term === 'Intelligence Artificielle')).toMatchObject({
      vocabulary: 'ai-demo',
      pref_labels: { en: 'Artificial Intelligence' },
      alt_labels: expect.arrayContaining([{ language: 'en', text: 'AI', kind: 'abbreviation' }]),
      sources: [
        { language: 'en', citation: expect.any(String) },
        { language: 'fr', citation: expect.any(String) },
      ],
    });
    expect(Object.keys(file.relations[0]!)).toEqual(['source_id', 'target_id', 'type', 'strength']);
    expect(file.terms.find((row) => row.term === 'Jeton')?.created_at).toBe('2024-02-29T12:34:56.789123Z');
    expect(file.terms.find((row) => row.term === 'Taxonomie')?.domain).toBeNull();
    expect(file.terms.find((row) => row.term === 'Ontologie')?.status).toBe('validated');
    expect(file.relations.filter((relation) => relation.strength === 0.8)).toHaveLength(
      demoRelations.filter((relation) => relation.strength === 0.8).length,
    );

    const destination = await freshDatabase();
    const imported = await run(importCommand, destination, ['--file', join(dir, 'export.json')]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/^Imported .*export\.json \(\d+\.\ds\):\n/);
    expect(imported.stdout).toContain('  terms: 45 created, 0 skipped\n  relations: 71 created, 0 skipped\n');

    // Re-export the copy to standard output: the document is all that goes there.
    const again = await run(exportCommand, destination, []);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('Exported 45 terms and 71 relations to standard output');
    const copy: ExportFile = JSON.parse(again.stdout);
    expect(copy.terms).toEqual(file.terms);
    expect(copy.relations.sort(byRelation)).toEqual(file.relations.sort(byRelation));
  });

  it('rejects a file with one bad term anywhere, naming its path, and writes nothing', async () => {
    const source = await freshDatabase();
    const dir = await tempDir();
    await run(seedDemoCommand, source, []);
    const file: ExportFile = JSON.parse(await readFile(await exportToFile(source, dir), 'utf8'));
    file.terms[37]!.level = 'guru';
    file.terms[12]!.definition = '   ';

    const destination = await freshDatabase();
    const result = await run(importCommand, destination, ['--file', await writeDocument(dir, file)]);
    expect(result.code).toBe(65);
    expect(result.stderr).toContain('was not imported (2 problems); nothing was written:\n');
    expect(result.stderr).toContain(
      '  - terms[37].level: Invalid option: expected one of "beginner"|"intermediate"|"advanced"|"expert"\n',
    );
    expect(result.stderr).toContain('  - terms[12].definition: Must not be empty.\n');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
    expect(await count(destination, 'terms')).toBe(0);
    expect(await count(destination, 'relationships')).toBe(0);
  });

  it('reports values no column can hold, and ids differing only in case, by field instead of crashing', async () => {
    const source = await freshDatabase();
    const dir = await tempDir();
    await run(seedDemoCommand, source, []);
    const file: ExportFile = JSON.parse(await readFile(await exportToFile(source, dir), 'utf8'));
    file.terms[3]!.created_at = '0000-01-01T00:00:00Z';
    file.relations[5]!.strength = 1e-50;
    // The same id twice, once in upper case: one term, so a duplicate.
    file.terms[9]!.id = String(file.terms[8]!.id).toUpperCase();

    const destination = await freshDatabase();
    const result = await run(importCommand, destination, ['--file', await writeDocument(dir, file)]);
    expect(result.code, result.stderr).toBe(65);
    expect(result.stderr).toContain('  - terms[3].created_at: ');
    expect(result.stderr).toContain('  - relations[5].strength: ');
    expect(result.stderr).not.toContain('unexpected error');
    expect(await count(destination, 'terms')).toBe(0);

    // With those values fixed, the case-differing ids are found to be one id.
    file.terms[3]!.created_at = '2024-01-01T00:00:00Z';
    file.relations[5]!.strength = 0.5;
    const again = await run(importCommand, destination, ['--file', await writeDocument(dir, file)]);
    expect(again.code, again.stderr).toBe(65);
    expect(again.stderr).toContain('  - terms[9].id: The same id as terms[8].\n');
    expect(again.stderr).not.toContain('unexpected error');
    expect(await count(destination, 'terms')).toBe(0);
  });

  it('leaves nothing behind when the database fails half-way through the writes', async () => {
    const source = await freshDatabase();
    const dir = await tempDir();
    await run(seedDemoCommand, source, []);
    const file = await exportToFile(source, dir);

    const destination = await freshDatabase();
    await destination.database.db.execute(
      sql.raw(`CREATE FUNCTION cli_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
               BEGIN RAISE EXCEPTION 'simulated crash while writing relations'; END $$`),
    );
    await destination.database.db.execute(
      sql.raw(
        'CREATE TRIGGER cli_test_fail BEFORE INSERT ON relationships FOR EACH ROW EXECUTE FUNCTION cli_test_fail()',
      ),
    );
    const result = await run(importCommand, destination, ['--file', file]);
    expect(result.code).toBe(70);
    // The terms were written before the failure…
    expect(result.stderr).toContain(`terms [${FULL_BAR}] 45/45 100%`);
    expect(result.stderr).toContain('unexpected error: simulated crash while writing relations\n');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    // …and rolled back with it.
    expect(await count(destination, 'terms')).toBe(0);
    expect(await count(destination, 'relationships')).toBe(0);
  });

  it('refuses an is_a cycle, naming it, within the file or through existing relations', async () => {
    const target = await freshDatabase();
    const dir = await tempDir();
    const [alpha, beta, gamma] = [term('Alpha'), term('Beta'), term('Gamma')];
    const cyclic = document(
      [alpha, beta, gamma],
      [
        { source_id: alpha.id, target_id: beta.id, type: 'is_a' },
        { source_id: beta.id, target_id: gamma.id, type: 'is_a' },
        { source_id: gamma.id, target_id: alpha.id, type: 'is_a' },
        // Another type: not part of the is_a hierarchy, so no cycle with the relations above.
        { source_id: beta.id, target_id: alpha.id, type: 'part_of' },
      ],
    );
    const refused = await run(importCommand, target, ['--file', await writeDocument(dir, cyclic)]);
    expect(refused.code).toBe(65);
    expect(refused.stderr).toContain(
      'was not imported (1 problem); nothing was written:\n' +
        '  - relations[0], relations[1], relations[2]: These is_a relations would form a cycle: Alpha → Beta → Gamma → Alpha.\n',
    );
    expect(await count(target, 'terms')).toBe(0);

    // Alpha is_a Beta (and Beta part_of Alpha) go in; then Beta is_a Gamma is_a Alpha would close a loop.
    const first = await run(importCommand, target, [
      '--file',
      await writeDocument(
        dir,
        document([alpha, beta], [cyclic.relations[0], cyclic.relations[3]]),
        'first.json',
      ),
    ]);
    expect(first.code, first.stderr).toBe(0);
    const closing = document([gamma], [cyclic.relations[1], cyclic.relations[2]]);
    const second = await run(importCommand, target, [
      '--file',
      await writeDocument(dir, closing, 'second.json'),
    ]);
    expect(second.code).toBe(65);
    expect(second.stderr).toContain(
      '  - relations[0], relations[1]: These is_a relations would form a cycle: Beta → Gamma → Alpha → Beta ' +
        '(with 1 relation(s) already in the database).\n',
    );
    expect(await count(target, 'terms')).toBe(2);
    expect(await count(target, 'relationships')).toBe(2);
  });

  it('does everything but write with --dry-run', async () => {
    const source = await freshDatabase();
    const dir = await tempDir();
    await run(seedDemoCommand, source, []);
    const file = await exportToFile(source, dir);

    const destination = await freshDatabase();
    const result = await run(importCommand, destination, ['--file', file, '--dry-run']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Dry run: .* is valid and would import cleanly; nothing was written \(/);
    expect(result.stdout).toContain(
      '  terms: 45 would be created, 0 skipped\n  relations: 71 would be created, 0 skipped\n',
    );
    expect(await count(destination, 'terms')).toBe(0);
    expect(await count(destination, 'relationships')).toBe(0);
  });

  it('refuses existing terms unless --on-conflict skip, which maps relations onto them', async () => {
    const target = await freshDatabase();
    const dir = await tempDir();
    await run(seedDemoCommand, target, []);
    const file = await exportToFile(target, dir);

    const strict = await run(importCommand, target, ['--file', file, '--max-errors', '2']);
    expect(strict.code).toBe(65);
    // One problem per term; the relations between them add no noise.
    expect(strict.stderr).toContain('was not imported (45 problems); nothing was written:\n');
    expect(strict.stderr).toMatch(
      / {2}- terms\[0\]\.id: A term with this id already exists: ".+" in domain ".+"; use --on-conflict skip/,
    );
    expect(strict.stderr).toContain('  … and 43 more (--max-errors 0 shows them all)\n');

    // Relations alone, between terms that exist: one as exported, one symmetric one entered reversed.
    const exported: ExportFile = JSON.parse(await readFile(file, 'utf8'));
    const directed = exported.relations.find((relation) => relation.type === 'is_a')!;
    const symmetric = exported.relations.find((relation) => relation.type === 'related_to')!;
    const reversed = { ...symmetric, source_id: symmetric.target_id, target_id: symmetric.source_id };
    const relationsOnly = await run(importCommand, target, [
      '--file',
      await writeDocument(dir, document([], [directed, reversed]), 'relations.json'),
    ]);
    expect(relationsOnly.code).toBe(65);
    expect(relationsOnly.stderr).toContain('(2 problems)');
    expect(relationsOnly.stderr).toMatch(
      / {2}- relations\[0\]: This relation \(".+" is_a ".+"\) already exists; use --on-conflict skip to keep it\.\n/,
    );
    expect(relationsOnly.stderr).toMatch(
      / {2}- relations\[1\]: This relation \(".+" related_to ".+"\) already exists/,
    );

    const skipping = await run(importCommand, target, ['--file', file, '--on-conflict', 'skip']);
    expect(skipping.code, skipping.stderr).toBe(0);
    expect(skipping.stdout).toContain('  terms: 0 created, 45 skipped\n  relations: 0 created, 71 skipped\n');

    // Same term spelled differently, under a new id: recognised by domain and folded term within its
    // vocabulary.
    const lookalike = term('intelligence ARTIFICIELLE', {
      domain: 'INTELLIGENCE ARTIFICIELLE',
      vocabulary: 'ai-demo',
    });
    const federated = term('Apprentissage fédéré', {
      domain: 'Intelligence artificielle',
      vocabulary: 'ai-demo',
    });
    const incoming = document(
      [lookalike, federated],
      [{ source_id: federated.id, target_id: lookalike.id, type: 'is_a', strength: 0.5 }],
    );
    const path = await writeDocument(dir, incoming, 'lookalike.json');
    const conflict = await run(importCommand, target, ['--file', path]);
    expect(conflict.code).toBe(65);
    expect(conflict.stderr).toMatch(
      /- terms\[0\]\.term: "intelligence ARTIFICIELLE" in domain "INTELLIGENCE ARTIFICIELLE" already exists \(id [0-9a-f-]{36}, compared without case or accents\)/,
    );
    const merged = await run(importCommand, target, ['--file', path, '--on-conflict', 'skip']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toContain('  terms: 1 created, 1 skipped\n  relations: 1 created, 0 skipped\n');
    const edges = await query<{ source: string; target: string; strength: number }>(
      target,
      `SELECT s.term AS source, t.term AS target, r.strength FROM relationships r
       JOIN terms s ON s.id = r.source_id JOIN terms t ON t.id = r.target_id WHERE s.term = 'Apprentissage fédéré'`,
    );
    expect(edges).toEqual([
      { source: 'Apprentissage fédéré', target: 'Intelligence Artificielle', strength: 0.5 },
    ]);
    expect(await count(target, 'terms')).toBe(46);
  });

  it('imports and exports thousands of terms through several batches and pages', async () => {
    const target = await freshDatabase();
    const dir = await tempDir();
    const size = 2500;
    const terms = Array.from({ length: size }, (_, index) =>
      term(`Bulk term ${String(index).padStart(4, '0')}`, { domain: `Bulk ${index % 3}` }),
    );
    // A 2499-deep is_a chain: deep enough to break a recursive search, not a cycle.
    const relations = terms.slice(1).map((child, index) => ({
      source_id: child.id,
      target_id: terms[index]!.id,
      type: 'is_a',
    }));
    relations.push({ source_id: terms[0]!.id, target_id: terms[size - 1]!.id, type: 'related_to' });
    const imported = await run(importCommand, target, [
      '--file',
      await writeDocument(dir, document(terms, relations)),
    ]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain(
      `  terms: ${size} created, 0 skipped\n  relations: ${size} created, 0 skipped\n`,
    );
    // Not a terminal: plain lines as the 10 % marks are passed (here a 500-row batch passes two at once).
    expect(
      imported.stderr.match(/^terms \[[#.]+\] \d+\/\d+ \d+%/gm)?.map((line) => line.split('] ')[1]),
    ).toEqual(['500/2500 20%', '1000/2500 40%', '1500/2500 60%', '2000/2500 80%', '2500/2500 100%']);

    const exported = await run(exportCommand, target, []);
    expect(exported.code, exported.stderr).toBe(0);
    const file: ExportFile = JSON.parse(exported.stdout);
    const essentials = (row: Record<string, unknown>) => ({
      id: row.id,
      term: row.term,
      definition: row.definition,
      domain: row.domain,
    });
    const byId = (a: { id: unknown }, b: { id: unknown }) => String(a.id).localeCompare(String(b.id));
    expect(file.terms.map(essentials)).toEqual(terms.map(essentials).sort(byId));
    expect(new Set(file.terms.map((row) => row.id)).size).toBe(size);
    expect(file.relations.map(({ strength: _strength, ...relation }) => relation).sort(byRelation)).toEqual(
      [...relations].sort(byRelation),
    );
  });

  it('explains files that are not exports, dangling references and missing files', async () => {
    const target = await freshDatabase();
    const dir = await tempDir();
    const cases: [string, string, number, string][] = [
      ['not json', '{"format": "lexikon-export",', 65, '  - (file): Not valid JSON: '],
      [
        'another format',
        '{"hello": "world"}',
        65,
        '  - format: Expected "lexikon-export": this is not a Lexikon export file.',
      ],
      [
        'a future version',
        '{"format": "lexikon-export", "version": 2}',
        65,
        '  - version: This lexikon reads format version 1; the file has version 2.',
      ],
    ];
    for (const [name, content, code, message] of cases) {
      const file = join(dir, `${name}.json`);
      await writeFile(file, content);
      const result = await run(importCommand, target, ['--file', file]);
      expect(result.code, name).toBe(code);
      expect(result.stderr, name).toContain(message);
    }
    const orphan = term('Orphan');
    const ghost = randomUUID();
    const dangling = await run(importCommand, target, [
      '--file',
      await writeDocument(
        dir,
        document([orphan], [{ source_id: orphan.id, target_id: ghost, type: 'related_to' }]),
      ),
    ]);
    expect(dangling.code).toBe(65);
    expect(dangling.stderr).toContain(
      `  - relations[0].target_id: No term with id ${ghost} in the file or the database.\n`,
    );

    const missing = await run(importCommand, target, ['--file', join(dir, 'nope.json')]);
    expect(missing.code).toBe(66);
    expect(missing.stderr).toBe(`lexikon import: Cannot read ${join(dir, 'nope.json')}: no such file.\n`);
    const usage = await run(importCommand, target, ['--file', 'x.json', '--on-conflict', 'merge']);
    expect(usage.code).toBe(64);
    expect(usage.stderr).toContain('--on-conflict must be "error" or "skip", not "merge".');
    expect(await count(target, 'terms')).toBe(0);
  });
});

// ---- create-admin ---------------------------------------------------------------------------------

describe('lexikon create-admin', () => {
  let context: TestContext | undefined;
  afterEach(async () => {
    await context?.close();
    context = undefined;
  });

  async function login(email: string, password: string) {
    const response = await context!.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password },
    });
    return { status: response.statusCode, body: response.json() };
  }

  async function profile(email: string, password: string) {
    const tokens = await login(email, password);
    expect(tokens.status).toBe(200);
    const me = await context!.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${tokens.body.access_token}` },
    });
    expect(me.statusCode).toBe(200);
    return me.json();
  }

  it('creates an administrator who can sign in through the API', async () => {
    context = await createTestContext();
    const result = await run(createAdminCommand, context, [
      '--email',
      'Chief@Example.org',
      '--password',
      PASSWORD,
      '--username',
      'chief',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Created administrator chief@example\.org \(id [0-9a-f-]{36}\)\.\n$/);
    const me = await profile('chief@example.org', PASSWORD);
    expect(me).toMatchObject({
      email: 'chief@example.org',
      username: 'chief',
      role: 'admin',
      has_password: true,
    });
  });

  it('promotes an existing account, and changes its password only when given one', async () => {
    context = await createTestContext();
    const user = await createUser(context);
    expect((await profile(user.email, user.password)).role).toBe('user');

    const promoted = await run(createAdminCommand, context, ['--email', user.email.toUpperCase()]);
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(promoted.stdout).toBe(`Promoted ${user.email} (id ${user.id}) to administrator.\n`);
    expect((await profile(user.email, user.password)).role).toBe('admin');

    const newPassword = 'Another-Secret-77';
    const changed = await run(createAdminCommand, context, ['--email', user.email], {
      env: { LEXIKON_ADMIN_PASSWORD: newPassword },
    });
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stdout).toBe(
      `${user.email} (id ${user.id}) is already an administrator.\n` +
        'Password changed; the account’s existing sessions are revoked.\n',
    );
    expect((await login(user.email, user.password)).status).toBe(401);
    expect((await profile(user.email, newPassword)).role).toBe('admin');
    const refresh = await context.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refresh_token: user.refreshToken },
    });
    expect(refresh.statusCode).toBe(401);
    expect(await count(context, 'users')).toBe(1);
  });

  it('asks for the password without echo on a terminal', async () => {
    context = await createTestContext();
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    stdin.write(`${PASSWORD}\r${PASSWORD}\r`);
    const result = await run(createAdminCommand, context, ['--email', 'typed@example.org'], { stdin });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('Password for typed@example.org: \nRepeat the password: \n');
    expect(result.stderr).not.toContain(PASSWORD);
    expect((await profile('typed@example.org', PASSWORD)).role).toBe('admin');
  });

  it('reports invalid input by flag and needs a password for a new account', async () => {
    const target = await freshDatabase();
    const invalid = await run(createAdminCommand, target, ['--email', 'not-an-email', '--password', 'short']);
    expect(invalid.code).toBe(65);
    expect(invalid.stderr).toBe(
      'lexikon create-admin: Invalid input:\n' +
        '  - --email: Enter a valid email address.\n' +
        '  - --password: Use at least 10 characters.\n',
    );
    const common = await run(createAdminCommand, target, ['--email', 'a@example.org'], {
      env: { LEXIKON_ADMIN_PASSWORD: 'password123' },
    });
    expect(common.code).toBe(65);
    expect(common.stderr).toContain('  - LEXIKON_ADMIN_PASSWORD: This password is too common.\n');
    const noPassword = await run(createAdminCommand, target, ['--email', 'a@example.org']);
    expect(noPassword.code).toBe(64);
    expect(noPassword.stderr).toContain(
      'A new account needs a password: pass --password, set LEXIKON_ADMIN_PASSWORD',
    );
    const noEmail = await run(createAdminCommand, target, []);
    expect(noEmail.code).toBe(64);
    expect(noEmail.stderr).toBe(
      'lexikon create-admin: Missing --email.\nRun `lexikon create-admin --help` for usage.\n',
    );
    expect(await count(target, 'users')).toBe(0);
  });
});

describe('lexikon import into vocabularies', () => {
  const translation = {
    slug: 'translation-studies',
    title: { en: 'Translation studies' },
    default_language: 'en',
    languages: ['en', 'fr'],
    // As real vocabularies do: a discipline, a process and its result all labelled "Translation".
    pref_label_uniqueness: 'none',
  };

  it('makes the vocabularies the file describes, keeps repeated labels where they allow them, and stores every part', async () => {
    const target = await freshDatabase();
    const dir = await tempDir();
    const discipline = term('Translation', {
      vocabulary: translation.slug,
      pref_labels: { fr: 'Traductologie' },
      alt_labels: [{ language: 'en', text: 'Translation studies', kind: 'synonym' }],
    });
    const result = term('Translation', {
      vocabulary: translation.slug,
      pref_labels: { fr: 'Traduction' },
      sources: [{ language: 'en', url: 'https://example.org/iso-17100' }],
    });
    const file = { ...document([discipline, result]), vocabularies: [translation] };
    const imported = await run(importCommand, target, ['--file', await writeDocument(dir, file)]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('  vocabularies: 1 created\n  terms: 2 created, 0 skipped\n');
    expect(
      await query<{ term: string; labels: string; sources: number; slug: string; languages: string[] }>(
        target,
        `SELECT t.term, v.slug, v.languages,
                (SELECT string_agg(l.kind || ':' || l.text, '|' ORDER BY l.kind, l.text) FROM term_labels l WHERE l.term_id = t.id) AS labels,
                (SELECT count(*)::int FROM term_sources s WHERE s.term_id = t.id) AS sources
         FROM terms t JOIN vocabularies v ON v.id = t.vocabulary_id ORDER BY labels`,
      ),
    ).toEqual([
      {
        term: 'Translation',
        slug: translation.slug,
        languages: ['en', 'fr'],
        labels: 'pref:Traduction',
        sources: 1,
      },
      {
        term: 'Translation',
        slug: translation.slug,
        languages: ['en', 'fr'],
        labels: 'pref:Traductologie|alt:Translation studies',
        sources: 0,
      },
    ]);
  });

  it('refuses unknown vocabularies, parts outside their languages and relations across vocabularies, writing nothing', async () => {
    const target = await freshDatabase();
    const dir = await tempDir();
    const lost = term('Lost', { vocabulary: 'nowhere' });
    const german = term('Interpreting', { vocabulary: translation.slug, pref_labels: { de: 'Dolmetschen' } });
    const here = term('Localisation', { vocabulary: translation.slug });
    const elsewhere = term('Localisation'); // the default vocabulary
    const file = {
      ...document(
        [lost, german, here, elsewhere],
        [{ source_id: here.id, target_id: elsewhere.id, type: 'related_to' }],
      ),
      vocabularies: [translation],
    };
    const refused = await run(importCommand, target, ['--file', await writeDocument(dir, file)]);
    expect(refused.code).toBe(65);
    expect(refused.stderr).toContain('(3 problems)');
    expect(refused.stderr).toContain(
      `  - terms[0].vocabulary: No vocabulary "nowhere" in the database or in the file's \`vocabularies\`.\n`,
    );
    expect(refused.stderr).toContain(
      '  - terms[1].pref_labels.de: "de" is not a content language of this vocabulary (en, fr).\n',
    );
    expect(refused.stderr).toContain('  - relations[0].target_id: Relates terms of two vocabularies');
    expect(await count(target, 'terms')).toBe(0);
    expect(await count(target, 'vocabularies')).toBe(1);
  });
});

describe('lexikon stats', () => {
  it('counts terms, relations and users', async () => {
    const target = await freshDatabase();
    await run(seedDemoCommand, target, []);
    const result = await run(statsCommand, target, ['--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      terms: 45,
      termsByStatus: { draft: 45, proposed: 0, in_review: 0, validated: 0, deprecated: 0 },
      // French and English are one concept now: one domain, each relation once, synonyms as labels.
      domains: 1,
      relations: 71,
      relationsByType: {
        is_a: 20,
        part_of: 7,
        related_to: 24,
        synonym: 0,
        opposes: 6,
        causes: 4,
        precedes: 7,
        influenced_by: 3,
      },
      users: 1,
      admins: 0,
    });
  });
});

// ---- the executable -------------------------------------------------------------------------------

describe('the lexikon executable', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  function lexikon(args: string[], env: Record<string, string>) {
    return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['src/cli/main.ts', ...args],
        { cwd: backendDir, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  it('migrates, helps, and fails helpfully', { timeout: 120_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lexikon-cli-process-'));
    dirs.push(dataDir);
    // A data dir even for PostgreSQL, so nothing (e.g. a generated secret) lands in the repository.
    const env: Record<string, string> = {
      LEXIKON_DATA_DIR: dataDir,
      JWT_SECRET: 'cli-test-secret-that-is-long-enough-0123456789',
      ...(testDatabaseKind() === 'postgres' ? { DATABASE_URL: (await createTestDatabaseUrl())! } : {}),
    };
    const journal = JSON.parse(await readFile(join(backendDir, 'drizzle/meta/_journal.json'), 'utf8')) as {
      entries: { tag: string }[];
    };
    const tags = journal.entries.map((entry) => entry.tag);

    const migrated = await lexikon(['migrate'], env);
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.stdout).toContain(`Applied ${tags.length} migrations: ${tags.join(', ')}.\n`);
    expect(migrated.stdout).toContain(
      testDatabaseKind() === 'postgres'
        ? 'Database: PostgreSQL at postgres://'
        : `Database: embedded PGlite in ${dataDir}`,
    );
    const again = await lexikon(['migrate'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(
      `Schema is up to date: nothing to apply (${tags.length} migrations applied earlier).\n`,
    );

    const help = await lexikon(['--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: lexikon <command> [options]');
    for (const command of ['migrate', 'create-admin', 'seed-demo', 'export', 'import', 'stats'])
      expect(help.stdout).toMatch(new RegExp(`\\n  ${command} +\\S`));
    const importHelp = await lexikon(['import', '--help'], env);
    expect(importHelp.code).toBe(0);
    expect(importHelp.stdout).toMatch(/^Usage: lexikon import --file FILE/);

    const unknown = await lexikon(['frobnicate'], env);
    expect(unknown.code).toBe(64);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toBe(
      'lexikon: unknown command "frobnicate".\n' +
        'Commands: migrate, create-admin, seed-demo, export, import, stats, graph.\n' +
        'Run `lexikon --help` for usage.\n',
    );
    const typo = await lexikon(['exprot'], env);
    expect(typo.code).toBe(64);
    expect(typo.stderr).toContain('unknown command "exprot". Did you mean "export"?');
    const badFlag = await lexikon(['export', '--bogus'], env);
    expect(badFlag.code).toBe(64);
    expect(badFlag.stderr).toBe(
      "lexikon export: Unknown option '--bogus'\nRun `lexikon export --help` for usage.\n",
    );

    const badConfig = await lexikon(['migrate'], { ...env, PORT: 'eighty' });
    expect(badConfig.code).toBe(78);
    expect(badConfig.stderr).toContain('Invalid configuration:\n  - PORT: ');
    expect(badConfig.stderr).not.toMatch(/\n\s+at /);
  });
});
