/**
 * Migrations applied to a database an older release filled: every row is kept, new columns take the
 * values that mean "as before", and the current app works on the result.
 */
import { rm } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { createDatabase, rowsOf, type Database } from '../src/platform/database/client.ts';
import { runMigrations } from '../src/platform/database/migrate.ts';
import { contentHash } from '../src/validation/content-hash.ts';
import { migrationsThrough } from './support/migrations.ts';
import { createTestDatabaseUrl, createUser, testConfig } from './support/test-app.ts';
import { ManualClock } from './support/validation-context.ts';

const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

async function databaseAt(lastTag: string): Promise<{ database: Database; url: string | undefined }> {
  const url = await createTestDatabaseUrl();
  const database = createDatabase(testConfig({}, url).database, pino({ level: 'silent' }));
  cleanup.push(() => database.close());
  const folder = await migrationsThrough(lastTag);
  cleanup.push(() => rm(folder, { recursive: true, force: true }));
  await runMigrations(database, folder);
  return { database, url };
}

/** The current app on the migrated database, and a signed-in user of it. */
async function appOn(database: Database, url: string | undefined) {
  const config = testConfig({}, url);
  const app = await buildApp({
    config,
    database,
    logger: pino({ level: 'silent' }),
    clock: new ManualClock(),
  });
  cleanup.push(() => app.close());
  await app.ready();
  const user = await createUser({ app, database, config, close: async () => {} });
  return { app, user, config };
}

const count = async (database: Database, table: string) =>
  rowsOf<{ n: number }>(await database.db.execute(sql.raw(`SELECT count(*)::int AS n FROM ${table}`)))[0]!.n;

describe('0006: validation queue priority and finding translations', () => {
  it('keeps the records, findings and jobs 0005 stored, and the app validates on it', async () => {
    const { database, url } = await databaseAt('0005_graph_outbox_claim_indexes');
    const term = {
      id: '7b0c2f59-3a5e-4d53-9c8e-2b6a1f0d4e11',
      term: 'Lighthouse',
      definition: 'A tower with a bright lamp at the top that guides ships at night near a coast.',
      domain: 'Sea',
    };
    const other = '7b0c2f59-3a5e-4d53-9c8e-2b6a1f0d4e22';
    const hash = contentHash(term);
    await database.db.execute(sql`
      INSERT INTO terms (id, term, definition, domain) VALUES
        (${term.id}, ${term.term}, ${term.definition}, ${term.domain}),
        (${other}, 'Beacon', 'A fire or light set up on high ground as a signal or a warning.', 'Sea')`);
    await database.db.execute(sql`
      INSERT INTO term_validations (id, term_id, term_version, content_hash, trigger, validators, status, latency_ms)
      VALUES ('1c1d2e3f-0000-4000-8000-000000000001', ${term.id}, 1, ${hash}, 'job', '{rules}', 'ok', 4)`);
    await database.db.execute(sql`
      INSERT INTO validation_findings (validation_id, position, source, rule, type, severity, explanation, related_term_ids)
      VALUES ('1c1d2e3f-0000-4000-8000-000000000001', 0, 'rules', 'duplicate-definition', 'duplicate_definition',
              'warning', 'Written before translations existed.', ARRAY[${other}]::uuid[])`);
    await database.db.execute(sql`
      INSERT INTO validation_jobs (term_id, term_version, content_hash, status, max_attempts) VALUES
        (${term.id}, 1, ${hash}, 'done', 3), (${term.id}, 1, ${hash}, 'queued', 3)`);
    const before = {
      terms: await count(database, 'terms'),
      term_validations: await count(database, 'term_validations'),
      validation_findings: await count(database, 'validation_findings'),
      validation_jobs: await count(database, 'validation_jobs'),
    };

    await runMigrations(database);

    for (const [table, rows] of Object.entries(before))
      expect(await count(database, table), table).toBe(rows);
    const finding = rowsOf<{ explanation: string; translations: unknown; related_term_ids: string[] }>(
      await database.db.execute(
        sql`SELECT explanation, translations, related_term_ids FROM validation_findings`,
      ),
    )[0]!;
    expect(finding).toEqual({
      explanation: 'Written before translations existed.',
      translations: null,
      related_term_ids: [other],
    });
    // Jobs queued before priorities existed are work someone waits for.
    expect(
      rowsOf<{ priority: number }>(
        await database.db.execute(sql`SELECT DISTINCT priority FROM validation_jobs`),
      ),
    ).toEqual([{ priority: 0 }]);

    const { app, user: reader } = await appOn(database, url);
    const history = await app.inject({
      method: 'GET',
      url: `/api/terms/${term.id}/validations`,
      headers: reader.auth,
    });
    expect(history.statusCode).toBe(200);
    expect(history.json().items[0].findings[0]).toMatchObject({
      explanation: 'Written before translations existed.',
      translations: null,
      related_term_ids: [other],
    });
    // The job 0005 left queued runs on the new schema.
    expect(await app.validation.worker.drain()).toMatchObject({ done: 1 });
    expect(await count(database, 'term_validations')).toBe(2);
  });
});

describe('0007: vocabularies', () => {
  it('moves every term and relation 0006 stored into the default vocabulary, unchanged, and the app serves them', async () => {
    const { database, url } = await databaseAt('0006_validation_queue_priority_and_translations');
    const first = '5d6e7f80-1111-4000-8000-000000000001';
    const second = '5d6e7f80-1111-4000-8000-000000000002';
    await database.db.execute(sql`
      INSERT INTO users (id, email, password_hash) VALUES ('5d6e7f80-2222-4000-8000-000000000001', 'author@example.org', 'x')`);
    await database.db.execute(sql`
      INSERT INTO terms (id, term, definition, domain, level, status, version, created_by, created_at) VALUES
        (${first}, 'Réseau de neurones', 'Un modèle fait de couches de neurones artificiels reliés entre eux.', 'IA', 'advanced', 'validated', 4, '5d6e7f80-2222-4000-8000-000000000001', '2025-03-01T10:00:00.123456Z'),
        (${second}, 'Neurone', 'Une unité de calcul qui pondère ses entrées et applique une activation.', 'IA', 'beginner', 'draft', 1, NULL, '2025-03-02T10:00:00Z')`);
    await database.db.execute(sql`
      INSERT INTO relationships (source_id, target_id, type, strength) VALUES (${second}, ${first}, 'part_of', 0.8)`);
    const snapshot = async () =>
      rowsOf<Record<string, unknown>>(
        await database.db.execute(sql`
          SELECT id, term, definition, domain, level, status, version, created_by, created_at::text, updated_at::text
          FROM terms ORDER BY id`),
      );
    const before = await snapshot();

    await runMigrations(database);

    expect(await snapshot()).toEqual(before);
    const moved = rowsOf<{ slug: string; notation: string; iri: string; pref_label_unique: boolean }>(
      await database.db.execute(sql`
        SELECT v.slug, t.notation, t.iri, t.pref_label_unique FROM terms t JOIN vocabularies v ON v.id = t.vocabulary_id ORDER BY t.id`),
    );
    expect(moved).toEqual([
      { slug: 'default', notation: first, iri: `urn:uuid:${first}`, pref_label_unique: true },
      { slug: 'default', notation: second, iri: `urn:uuid:${second}`, pref_label_unique: true },
    ]);
    expect(
      rowsOf<{ type: string; strength: number; vocabulary_id: string }>(
        await database.db.execute(sql`SELECT type, strength, vocabulary_id::text FROM relationships`),
      ),
    ).toEqual([
      {
        type: 'part_of',
        strength: expect.closeTo(0.8, 5),
        vocabulary_id: '00000000-0000-4000-8000-000000000001',
      },
    ]);

    const { app, user: reader } = await appOn(database, url);
    const listed = await app.inject({
      method: 'GET',
      url: '/api/terms?vocabulary=default',
      headers: reader.auth,
    });
    expect(
      listed
        .json()
        .items.map((item: { id: string }) => item.id)
        .sort(),
    ).toEqual([first, second]);
    const read = await app.inject({ method: 'GET', url: `/api/terms/${first}`, headers: reader.auth });
    expect(read.json()).toMatchObject({
      term: 'Réseau de neurones',
      status: 'validated',
      version: 4,
      created_at: '2025-03-01T10:00:00.123Z',
      iri: `urn:uuid:${first}`,
    });
    // The same name in the same domain is still refused in the default vocabulary, as before.
    const again = await app.inject({
      method: 'POST',
      url: '/api/terms',
      headers: reader.auth,
      payload: {
        term: 'neurone',
        definition: 'Une autre définition assez longue pour compter.',
        domain: 'ia',
      },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('term-exists');
    const related = await app.inject({
      method: 'GET',
      url: `/api/terms/${second}/related`,
      headers: reader.auth,
    });
    expect(
      related
        .json()
        .nodes.map((node: { id: string }) => node.id)
        .sort(),
    ).toEqual([first, second]);
  });
});

describe('0008: concept parts', () => {
  it('adds the label, definition, source, note, mapping and replacement tables around 0007’s concepts, unchanged', async () => {
    const { database, url } = await databaseAt('0007_vocabularies');
    const id = '6e7f8091-3333-4000-8000-000000000001';
    await database.db.execute(sql`
      INSERT INTO terms (id, term, definition, domain, status, version) VALUES
        (${id}, 'Apprentissage', 'Le fait d’acquérir une compétence par l’expérience ou l’étude.', 'IA', 'validated', 3)`);
    const snapshot = async () =>
      rowsOf<Record<string, unknown>>(
        await database.db.execute(
          sql`SELECT id, term, definition, status, version, notation, iri, updated_at::text FROM terms`,
        ),
      );
    const before = await snapshot();

    await runMigrations(database);

    expect(await snapshot()).toEqual(before);
    const { app, user: reader } = await appOn(database, url);
    const read = await app.inject({ method: 'GET', url: `/api/terms/${id}`, headers: reader.auth });
    expect(read.json()).toMatchObject({
      term: 'Apprentissage',
      version: 3,
      language: 'fr',
      pref_labels: {},
      alt_labels: [],
      definitions: {},
      replaced_by: [],
    });
    const edited = await app.inject({
      method: 'PATCH',
      url: `/api/terms/${id}`,
      headers: reader.auth,
      payload: { pref_labels: { en: 'Learning' }, version: 3 },
    });
    // The default vocabulary's terms are changed by their creator or an administrator: this one has none.
    expect(edited.statusCode).toBe(403);
  });
});

describe('0009: label search', () => {
  it('indexes the labels and definitions 0008 stored, in their language, and the app finds them', async () => {
    const { database, url } = await databaseAt('0008_concept_parts');
    const id = '7f8091a2-4444-4000-8000-000000000001';
    await database.db.execute(sql`
      INSERT INTO terms (id, term, definition) VALUES (${id}, 'Apprentissage profond', 'Des réseaux de neurones à plusieurs couches.')`);
    await database.db.execute(sql`
      INSERT INTO term_labels (term_id, kind, language, position, text) VALUES (${id}, 'pref', 'en', 0, 'Deep learning')`);
    await database.db.execute(sql`
      INSERT INTO term_definitions (term_id, language, text) VALUES (${id}, 'en', 'Neural networks with many layers.')`);

    await runMigrations(database);

    expect(
      rowsOf<{ text: string }>(
        await database.db.execute(sql`SELECT text FROM term_labels WHERE term_id = ${id}::uuid`),
      ),
    ).toEqual([{ text: 'Deep learning' }]);
    const { app, user: reader } = await appOn(database, url);
    const found = await app.inject({ method: 'GET', url: '/api/terms?q=layers', headers: reader.auth });
    expect(found.json().items).toEqual([
      expect.objectContaining({
        id,
        match: { text: 'Neural networks with many layers.', language: 'en', kind: 'definition' },
      }),
    ]);
  });
});

describe('0010: finding types for labels', () => {
  it('keeps the findings 0009 stored and accepts the two new types', async () => {
    const { database } = await databaseAt('0009_label_search');
    const id = '8091a2b3-5555-4000-8000-000000000001';
    await database.db.execute(
      sql`INSERT INTO terms (id, term, definition) VALUES (${id}, 'Ontologie', 'Une représentation formelle des concepts d’un domaine.')`,
    );
    await database.db.execute(sql`
      INSERT INTO term_validations (id, term_id, term_version, content_hash, trigger, validators, status, latency_ms)
      VALUES ('2c1d2e3f-0000-4000-8000-000000000001', ${id}, 1, 'h', 'job', '{rules}', 'ok', 3)`);
    await database.db.execute(sql`
      INSERT INTO validation_findings (validation_id, position, source, rule, type, severity, explanation)
      VALUES ('2c1d2e3f-0000-4000-8000-000000000001', 0, 'rules', 'too-vague', 'too_vague', 'warning', 'Before 0010.')`);

    await runMigrations(database);

    await database.db.execute(sql`
      INSERT INTO validation_findings (validation_id, position, source, rule, type, severity, explanation) VALUES
        ('2c1d2e3f-0000-4000-8000-000000000001', 1, 'rules', 'missing-translation', 'missing_translation', 'info', 'After.'),
        ('2c1d2e3f-0000-4000-8000-000000000001', 2, 'rules', 'shared-pref-label', 'ambiguous_label', 'info', 'After.')`);
    expect(
      rowsOf<{ type: string; explanation: string }>(
        await database.db.execute(
          sql`SELECT type::text, explanation FROM validation_findings ORDER BY position`,
        ),
      ),
    ).toEqual([
      { type: 'too_vague', explanation: 'Before 0010.' },
      { type: 'missing_translation', explanation: 'After.' },
      { type: 'ambiguous_label', explanation: 'After.' },
    ]);
  });
});

describe('0011: term revisions', () => {
  it('gives every concept 0010 stored a baseline revision equal to what the app records, numbered in its feed', async () => {
    const { database, url } = await databaseAt('0010_finding_types_for_labels');
    const first = '91a2b3c4-6666-4000-8000-000000000001';
    const second = '91a2b3c4-6666-4000-8000-000000000002';
    await database.db.execute(sql`
      INSERT INTO terms (id, term, definition, domain, status, version, created_at) VALUES
        (${first}, 'Lemme', 'La forme canonique d’un mot, celle du dictionnaire.', 'Linguistique', 'validated', 4, now() - interval '2 days'),
        (${second}, 'Racine', 'La partie d’un mot qui porte son sens.', 'Linguistique', 'draft', 1, now() - interval '1 day')`);
    await database.db.execute(sql`
      INSERT INTO term_labels (term_id, kind, language, position, text, variant) VALUES
        (${first}, 'alt', 'fr', 0, 'Forme canonique', 'synonym')`);
    await database.db.execute(sql`
      INSERT INTO term_notes (term_id, kind, language, position, text) VALUES
        (${first}, 'example', 'fr', 0, '« aller » pour « irons »')`);
    await database.db.execute(
      sql`INSERT INTO relationships (source_id, target_id, type) VALUES (${second}, ${first}, 'related_to')`,
    );
    const terms = async () =>
      rowsOf<Record<string, unknown>>(
        await database.db.execute(
          sql`SELECT id, term, definition, status, version, updated_at::text FROM terms ORDER BY id`,
        ),
      );
    const before = await terms();

    await runMigrations(database);

    expect(await terms()).toEqual(before);
    const revisions = rowsOf<{
      term_id: string;
      seq: number;
      revision: number;
      action: string;
      term_version: number;
    }>(
      await database.db.execute(
        sql`SELECT term_id, seq::int AS seq, revision, action, term_version FROM term_revisions ORDER BY seq`,
      ),
    );
    expect(revisions).toEqual([
      { term_id: first, seq: 1, revision: 1, action: 'baseline', term_version: 4 },
      { term_id: second, seq: 2, revision: 1, action: 'baseline', term_version: 1 },
    ]);
    const { app, user } = await appOn(database, url);
    // The app's next revision of an untouched concept changes nothing: the baseline is its snapshot.
    const admin = await createUser(
      { app, database, config: testConfig({}, url), close: async () => {} },
      { role: 'admin' },
    );
    const edited = await app.inject({
      method: 'PATCH',
      url: `/api/terms/${first}`,
      headers: admin.auth,
      payload: { version: 4, level: 'beginner' },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    const history = await app.inject({
      method: 'GET',
      url: `/api/terms/${first}/history`,
      headers: user.auth,
    });
    expect(
      history.json().items.map((item: { action: string; changed: string[] }) => [item.action, item.changed]),
    ).toEqual([
      ['updated', []],
      ['baseline', []],
    ]);
    expect(history.json().items[1].author).toBeNull();
    const feed = await app.inject({
      method: 'GET',
      url: '/api/vocabularies/default/changes',
      headers: user.auth,
    });
    expect(feed.json().items.map((item: { seq: number }) => item.seq)).toEqual([1, 2, 3]);
  });
});

describe('0012: audit log', () => {
  it('adds the append-only audit log beside 0011’s accounts and history, unchanged', async () => {
    const { database, url } = await databaseAt('0011_term_revisions');
    await database.db.execute(sql`
      INSERT INTO users (id, email, username) VALUES ('a1b2c3d4-7777-4000-8000-000000000001', 'before@example.org', 'before')`);
    const users = async () =>
      rowsOf<Record<string, unknown>>(
        await database.db.execute(sql`SELECT id, email, username, role, updated_at::text FROM users`),
      );
    const before = await users();

    await runMigrations(database);

    expect(await users()).toEqual(before);
    expect(await count(database, 'audit_events')).toBe(0);
    const { app } = await appOn(database, url);
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'before@example.org', password: 'whatever it was, there is none' },
    });
    expect(login.statusCode).toBe(401);
    expect(
      rowsOf<{ action: string; actor_id: string }>(
        await database.db.execute(
          sql`SELECT action, actor_id FROM audit_events WHERE actor_email = 'before@example.org'`,
        ),
      ),
    ).toEqual([{ action: 'auth.sign_in_failed', actor_id: 'a1b2c3d4-7777-4000-8000-000000000001' }]);
  });
});

describe('0013: review', () => {
  it('publishes what 0012 had validated or deprecated, at its latest revision, and serves it while a change waits', async () => {
    const { database, url } = await databaseAt('0012_audit_log');
    const validated = '91a2b3c4-8888-4000-8000-000000000001';
    const draft = '91a2b3c4-8888-4000-8000-000000000002';
    const deprecated = '91a2b3c4-8888-4000-8000-000000000003';
    await database.db.execute(sql`
      INSERT INTO terms (id, term, definition, domain, status, version) VALUES
        (${validated}, 'Lemme', 'La forme canonique d’un mot.', 'Linguistique', 'validated', 3),
        (${draft}, 'Racine', 'La partie d’un mot qui porte son sens.', 'Linguistique', 'draft', 1),
        (${deprecated}, 'Radical', 'Ancien nom de la racine.', 'Linguistique', 'deprecated', 2)`);
    await database.db.execute(sql`
      INSERT INTO term_revisions (vocabulary_id, seq, term_id, revision, action, term_version, snapshot, changed, change_set_id)
      SELECT t.vocabulary_id, row_number() OVER (ORDER BY t.id), t.id, 1, 'baseline', t.version,
             lexikon_term_snapshot(t.id), '{}', gen_random_uuid()
      FROM terms t`);
    await database.db.execute(sql`UPDATE vocabularies SET last_change_seq = 3 WHERE slug = 'default'`);
    await database.db.execute(sql`
      INSERT INTO term_revisions (vocabulary_id, seq, term_id, revision, action, term_version, snapshot, changed, change_set_id)
      SELECT vocabulary_id, 4, id, 2, 'updated', version, lexikon_term_snapshot(id), '{}', gen_random_uuid()
      FROM terms WHERE id = ${validated}`);
    await database.db.execute(sql`UPDATE vocabularies SET last_change_seq = 4 WHERE slug = 'default'`);
    const vocabularies = async () =>
      rowsOf<Record<string, unknown>>(
        await database.db.execute(
          sql`SELECT id, slug, version, updated_at::text FROM vocabularies ORDER BY id`,
        ),
      );
    const before = await vocabularies();

    await runMigrations(database);

    expect(await vocabularies()).toEqual(before);
    expect(
      rowsOf<{ term_id: string; revision: number }>(
        await database.db.execute(sql`SELECT term_id, revision FROM term_publications ORDER BY term_id`),
      ),
    ).toEqual([
      { term_id: validated, revision: 2 },
      { term_id: deprecated, revision: 1 },
    ]);
    expect(
      rowsOf<{ approvals_required: number; self_approval: boolean }>(
        await database.db.execute(sql`SELECT approvals_required, self_approval FROM vocabularies`),
      ),
    ).toEqual([{ approvals_required: 1, self_approval: false }]);

    // An author's edit of the validated concept goes to review; readers keep the published revision.
    const { app, user } = await appOn(database, url);
    const author = await createUser({ app, database, config: testConfig({}, url), close: async () => {} });
    await database.db.execute(sql`UPDATE terms SET created_by = ${author.id}::uuid WHERE id = ${validated}`);
    const edited = await app.inject({
      method: 'PATCH',
      url: `/api/terms/${validated}`,
      headers: author.auth,
      payload: { version: 3, definition: 'La forme d’un mot telle que le dictionnaire la donne.' },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({
      status: 'in_review',
      publication: { published_revision: 2, pending: true },
    });
    const read = await app.inject({ method: 'GET', url: `/api/terms/${validated}`, headers: user.auth });
    expect(read.json()).toMatchObject({
      status: 'validated',
      definition: 'La forme canonique d’un mot.',
      version: 3,
      publication: { published_revision: 2, showing: 'published' },
    });
  });
});

describe('0014: releases', () => {
  it('adds releases beside 0013’s publications and audit log, unchanged, and the app publishes one', async () => {
    const { database, url } = await databaseAt('0013_review');
    const concept = '91a2b3c4-9999-4000-8000-000000000001';
    await database.db.execute(sql`
      INSERT INTO terms (id, term, definition, domain, status, version) VALUES
        (${concept}, 'Lemme', 'La forme canonique d’un mot.', 'Linguistique', 'validated', 3)`);
    await database.db.execute(sql`
      INSERT INTO term_revisions (vocabulary_id, seq, term_id, revision, action, term_version, snapshot, changed, change_set_id)
      SELECT vocabulary_id, 1, id, 1, 'baseline', version, lexikon_term_snapshot(id), '{}', gen_random_uuid()
      FROM terms`);
    await database.db.execute(sql`UPDATE vocabularies SET last_change_seq = 1`);
    await database.db.execute(sql`
      INSERT INTO term_publications (term_id, vocabulary_id, revision) SELECT id, vocabulary_id, 1 FROM terms`);
    await database.db.execute(sql`
      INSERT INTO audit_events (action, source_address) VALUES ('admin.promoted', 'cli')`);
    const kept = async () =>
      rowsOf<Record<string, unknown>>(
        await database.db.execute(sql`
          SELECT (SELECT count(*)::int FROM audit_events) AS events,
                 (SELECT count(*)::int FROM term_publications) AS publications`),
      );
    const before = await kept();

    await runMigrations(database);

    expect(await kept()).toEqual(before);
    const { app } = await appOn(database, url);
    const admin = await createUser(
      { app, database, config: testConfig({}, url), close: async () => {} },
      { role: 'admin' },
    );
    const release = await app.inject({
      method: 'POST',
      url: '/api/vocabularies/default/releases',
      headers: admin.auth,
      payload: { name: '2026.12' },
    });
    expect(release.statusCode, release.body).toBe(201);
    expect(release.json().concept_count).toBe(1);
  });
});

describe('0015: webhooks', () => {
  it('adds webhooks beside 0014’s releases and publications, unchanged, and a publication queues its event', async () => {
    const { database, url } = await databaseAt('0014_releases');
    const concept = '91a2b3c4-aaaa-4000-8000-000000000001';
    await database.db.execute(sql`
      INSERT INTO terms (id, term, definition, domain, status, version) VALUES
        (${concept}, 'Lemme', 'La forme canonique d’un mot.', 'Linguistique', 'validated', 1)`);
    await database.db.execute(sql`
      INSERT INTO term_revisions (vocabulary_id, seq, term_id, revision, action, term_version, snapshot, changed, change_set_id)
      SELECT vocabulary_id, 1, id, 1, 'baseline', version, lexikon_term_snapshot(id), '{}', gen_random_uuid()
      FROM terms`);
    await database.db.execute(sql`UPDATE vocabularies SET last_change_seq = 1`);
    await database.db.execute(sql`
      INSERT INTO term_publications (term_id, vocabulary_id, revision) SELECT id, vocabulary_id, 1 FROM terms`);
    const kept = async () =>
      rowsOf<Record<string, unknown>>(
        await database.db.execute(sql`SELECT term_id, revision, published_at::text FROM term_publications`),
      );
    const before = await kept();

    await runMigrations(database);

    expect(await kept()).toEqual(before);
    expect(await count(database, 'webhook_deliveries')).toBe(0);
    const { app } = await appOn(database, url);
    const admin = await createUser(
      { app, database, config: testConfig({}, url), close: async () => {} },
      { role: 'admin' },
    );
    const hook = await app.inject({
      method: 'POST',
      url: '/api/vocabularies/default/webhooks',
      headers: admin.auth,
      payload: { url: 'https://hooks.example.org/x', events: ['release.published'] },
    });
    expect(hook.statusCode, hook.body).toBe(201);
    const release = await app.inject({
      method: 'POST',
      url: '/api/vocabularies/default/releases',
      headers: admin.auth,
      payload: { name: 'v1' },
    });
    expect(release.statusCode, release.body).toBe(201);
    expect(
      rowsOf<{ event: string }>(await database.db.execute(sql`SELECT event FROM webhook_deliveries`)),
    ).toEqual([{ event: 'release.published' }]);
  });
});

describe('0016: the index of deleted IRIs', () => {
  it('indexes the tombstones 0015 stored, and the app answers their IRIs 410', async () => {
    const { database, url } = await databaseAt('0015_webhooks');
    const concept = '91a2b3c4-bbbb-4000-8000-000000000001';
    await database.db.execute(sql`
      INSERT INTO term_revisions (vocabulary_id, seq, term_id, revision, action, term_version, snapshot, changed, change_set_id)
      SELECT id, 1, ${concept}::uuid, 1, 'deleted', 1,
             jsonb_build_object('iri', 'urn:example:gone', 'term', 'Gone', 'status', 'draft'), '{}', gen_random_uuid()
      FROM vocabularies WHERE slug = 'default'`);
    await runMigrations(database);
    expect(await count(database, 'term_revisions')).toBe(1);
    const { app, user } = await appOn(database, url);
    const gone = await app.inject({
      method: 'GET',
      url: '/api/resolve?iri=urn:example:gone',
      headers: user.auth,
    });
    expect([gone.statusCode, gone.json().code, gone.json().deletion.revision]).toEqual([
      410,
      'term-deleted',
      1,
    ]);
  });
});
