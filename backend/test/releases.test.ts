/**
 * Releases: an owner freezes a vocabulary's published content under a name; it never changes (API and
 * database), exports the same bytes whose SHA-256 it recorded, compares with another release — over HTTP,
 * on PGlite and on PostgreSQL.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, createUser, type TestContext, type TestUser } from './support/test-app.ts';

let context: TestContext;
let owner: TestUser;
let editor: TestUser;
let stranger: TestUser;
let counter = 0;

beforeAll(async () => {
  context = await createTestContext();
  [owner, editor, stranger] = await Promise.all([
    createUser(context),
    createUser(context),
    createUser(context),
  ]);
});
afterAll(() => context.close());

const call = (
  user: TestUser | null,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: unknown,
) =>
  context.app.inject({
    method,
    url,
    headers: user ? user.auth : {},
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });

async function ok(
  user: TestUser | null,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: unknown,
) {
  const response = await call(user, method, url, payload);
  expect(response.statusCode, response.body).toBeLessThan(300);
  return response.statusCode === 204 ? null : response.json();
}

async function vocabulary(visibility: 'public' | 'private' = 'public') {
  const slug = `rel-${++counter}-${Date.now().toString(36)}`;
  await ok(owner, 'POST', '/api/vocabularies', {
    slug,
    title: { en: 'Released' },
    default_language: 'en',
    visibility,
  });
  await ok(owner, 'POST', `/api/vocabularies/${slug}/members`, { email: editor.email, role: 'editor' });
  return slug;
}

/** A concept the owner creates and validates (owners' own changes publish at once). */
async function published(slug: string, term: string, definition: string) {
  const created = await ok(owner, 'POST', '/api/terms', {
    vocabulary: slug,
    term,
    definition,
    domain: 'Releases',
  });
  let version = created.version;
  for (const status of ['proposed', 'in_review', 'validated']) {
    const moved = await ok(owner, 'PATCH', `/api/terms/${created.id}`, { status, version });
    version = moved.version;
  }
  return { id: created.id as string, version: version as number, iri: created.iri as string };
}

describe('releases', () => {
  it('freezes the published content, exports it byte for byte, and compares two releases', async () => {
    const slug = await vocabulary();
    expect(
      (await call(owner, 'POST', `/api/vocabularies/${slug}/releases`, { name: '2026.11' })).json().code,
    ).toBe('release-empty');
    const lemma = await published(slug, 'Lemma', 'The form of a word a dictionary lists it under.');
    const stem = await published(slug, 'Stem', 'The part of a word that carries its meaning.');
    const root = await published(slug, 'Root', 'The core of a word, without affixes.');
    // A draft is not published: not in the release.
    await ok(editor, 'POST', '/api/terms', {
      vocabulary: slug,
      term: 'Draft',
      definition: 'Not yet reviewed here.',
    });

    const forbidden = await call(editor, 'POST', `/api/vocabularies/${slug}/releases`, { name: '2026.12' });
    expect(forbidden.statusCode).toBe(403);
    const badName = await call(owner, 'POST', `/api/vocabularies/${slug}/releases`, { name: '../x' });
    expect(badName.statusCode).toBe(400);
    const first = await call(owner, 'POST', `/api/vocabularies/${slug}/releases`, {
      name: '2026.12',
      note: 'First.',
    });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.headers.location).toBe(`/api/vocabularies/${slug}/releases/2026.12`);
    expect(first.json()).toMatchObject({
      name: '2026.12',
      note: 'First.',
      concept_count: 3,
      published_by: { id: owner.id },
    });
    const again = await call(owner, 'POST', `/api/vocabularies/${slug}/releases`, { name: '2026.12' });
    expect([again.statusCode, again.json().code]).toEqual([409, 'release-exists']);

    // Its export: the same bytes every time, whose SHA-256 it recorded, concepts by IRI.
    const exported = await call(null, 'GET', `/api/vocabularies/${slug}/releases/2026.12/export`);
    expect(exported.statusCode, exported.body).toBe(200);
    const digest = createHash('sha256').update(exported.rawPayload).digest('hex');
    expect(digest).toBe(first.json().content_sha256);
    expect(exported.headers.etag).toBe(`"sha256-${digest}"`);
    const document = exported.json();
    expect(document).toMatchObject({
      format: 'lexikon-release',
      version: 1,
      release: { name: '2026.12', concept_count: 3 },
    });
    expect(document.vocabulary).toMatchObject({ slug, approvals_required: 1 });
    expect(document.concepts.map((concept: { iri: string }) => concept.iri)).toEqual(
      [lemma.iri, stem.iri, root.iri].sort(),
    );

    // Later edits, a deprecation and a deletion change nothing in it.
    const edited = await ok(owner, 'PATCH', `/api/terms/${lemma.id}`, {
      version: lemma.version,
      definition: 'The canonical form of a word.',
    });
    await ok(owner, 'PATCH', `/api/terms/${stem.id}`, { version: stem.version, status: 'deprecated' });
    await ok(owner, 'DELETE', `/api/terms/${root.id}`);
    const affix = await published(slug, 'Affix', 'A part added to a word.');
    const later = await call(null, 'GET', `/api/vocabularies/${slug}/releases/2026.12/export`);
    expect(later.rawPayload.equals(exported.rawPayload)).toBe(true);

    await ok(owner, 'POST', `/api/vocabularies/${slug}/releases`, { name: '2027.01' });
    const list = await ok(null, 'GET', `/api/vocabularies/${slug}/releases`);
    expect(list.items.map((release: { name: string }) => release.name)).toEqual(['2027.01', '2026.12']);
    const comparison = await ok(null, 'GET', `/api/vocabularies/${slug}/releases/2026.12/compare/2027.01`);
    expect(comparison.added.map((concept: { id: string }) => concept.id)).toEqual([affix.id]);
    expect(comparison.deleted.map((concept: { id: string }) => concept.id)).toEqual([root.id]);
    expect(comparison.deprecated.map((concept: { id: string }) => concept.id)).toEqual([stem.id]);
    expect(comparison.changed).toHaveLength(1);
    expect(comparison.changed[0]).toMatchObject({
      id: lemma.id,
      to_revision: edited.publication.published_revision,
    });
    expect(comparison.changed[0].changes).toContainEqual({
      field: 'definition',
      before: 'The form of a word a dictionary lists it under.',
      after: 'The canonical form of a word.',
    });
    expect(comparison.unchanged).toBe(0);
    expect((await call(null, 'GET', `/api/vocabularies/${slug}/releases/nope`)).statusCode).toBe(404);

    // Immutable in the database too.
    const refusal = (statement: ReturnType<typeof sql>) =>
      context.database.db.execute(statement).then(
        () => 'accepted',
        (error: Error) => String((error.cause as Error | undefined)?.message ?? error.message),
      );
    expect(await refusal(sql`UPDATE releases SET note = 'changed' WHERE name = '2026.12'`)).toMatch(
      /immutable/,
    );
    expect(await refusal(sql`DELETE FROM release_concepts`)).toMatch(/immutable/);
    expect(await refusal(sql`DELETE FROM releases`)).toMatch(/immutable/);
    const audit = await ok(await admin(), 'GET', '/api/audit?action=release.published');
    expect(audit.items.some((event: { target: { id: string } }) => event.target.id === slug)).toBe(true);
  });

  it('hides the releases of a private vocabulary, and goes with its vocabulary', async () => {
    const slug = await vocabulary('private');
    const concept = await published(slug, 'Morpheme', 'The smallest unit of meaning in a word.');
    await ok(owner, 'POST', `/api/vocabularies/${slug}/releases`, { name: 'v1' });
    for (const url of [
      `/api/vocabularies/${slug}/releases`,
      `/api/vocabularies/${slug}/releases/v1/export`,
    ]) {
      expect((await call(null, 'GET', url)).statusCode).toBe(404);
      expect((await call(stranger, 'GET', url)).statusCode).toBe(404);
      expect((await call(editor, 'GET', url)).statusCode).toBe(200);
    }
    await ok(owner, 'DELETE', `/api/terms/${concept.id}`);
    await ok(owner, 'DELETE', `/api/vocabularies/${slug}`);
    const left = await context.database.db.execute(
      sql`SELECT count(*)::int AS n FROM releases r WHERE NOT EXISTS (SELECT 1 FROM vocabularies v WHERE v.id = r.vocabulary_id)`,
    );
    expect((left as unknown as { rows: { n: number }[] }).rows[0]!.n).toBe(0);
  });
});

async function admin(): Promise<TestUser> {
  return createUser(context, { role: 'admin' });
}
