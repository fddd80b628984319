/**
 * Vocabularies (concept schemes), their members, and what each role may do with their concepts — over
 * HTTP, on PGlite and on PostgreSQL.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/platform/database/client.ts';
import {
  createTerm,
  createTestContext,
  createUser,
  relate,
  type TestContext,
  type TestUser,
} from './support/test-app.ts';

let context: TestContext;
let owner: TestUser;
let editor: TestUser;
let reviewer: TestUser;
let viewer: TestUser;
let stranger: TestUser;
let admin: TestUser;
let slugCounter = 0;

beforeAll(async () => {
  context = await createTestContext({ PUBLIC_WEB_URL: 'https://lexikon.example.org' });
  owner = await createUser(context);
  editor = await createUser(context);
  reviewer = await createUser(context);
  viewer = await createUser(context);
  stranger = await createUser(context);
  admin = await createUser(context, { role: 'admin' });
});
afterAll(() => context.close());

const call = (
  user: TestUser | null,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
) =>
  context.app.inject({
    method,
    url,
    headers: { ...(user ? user.auth : {}), ...headers },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });

async function vocabulary(extra: Record<string, unknown> = {}) {
  const slug = `vocab-${++slugCounter}-${Date.now().toString(36)}`;
  const created = await call(owner, 'POST', '/api/vocabularies', {
    slug,
    title: { en: 'Medical terms', fr: 'Termes médicaux' },
    default_language: 'en',
    languages: ['en', 'fr'],
    ...extra,
  });
  expect(created.statusCode, created.body).toBe(201);
  for (const [member, role] of [
    [editor, 'editor'],
    [reviewer, 'reviewer'],
    [viewer, 'viewer'],
  ] as const) {
    const granted = await call(owner, 'POST', `/api/vocabularies/${slug}/members`, {
      email: member.email,
      role,
    });
    expect(granted.statusCode, granted.body).toBe(200);
  }
  return created.json() as { slug: string; id: string; version: number; base_iri: string };
}

describe('/api/vocabularies', () => {
  it('creates a vocabulary owned by its creator, with canonical language tags and a minted base IRI', async () => {
    const created = await call(owner, 'POST', '/api/vocabularies', {
      slug: 'canonical-tags',
      title: { 'EN-gb': 'Colours', fr: 'Couleurs' },
      default_language: 'en-gb',
      languages: ['en-GB', 'FR'],
      license: 'CC-BY-4.0',
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers.location).toBe('/api/vocabularies/canonical-tags');
    expect(created.headers.etag).toBe('"1"');
    expect(created.json()).toMatchObject({
      slug: 'canonical-tags',
      title: { 'en-GB': 'Colours', fr: 'Couleurs' },
      default_language: 'en-GB',
      languages: ['en-GB', 'fr'],
      base_iri: 'https://lexikon.example.org/vocabularies/canonical-tags/',
      visibility: 'private',
      contribution: 'members',
      pref_label_uniqueness: 'domain',
      term_count: 0,
      my_role: 'owner',
      permissions: {
        read: true,
        create_terms: true,
        edit_settings: true,
        manage_members: true,
        delete: true,
      },
    });
    const members = await call(owner, 'GET', '/api/vocabularies/canonical-tags/members');
    expect(members.json().items).toEqual([
      expect.objectContaining({
        role: 'owner',
        user: expect.objectContaining({ id: owner.id, email: owner.email }),
      }),
    ]);
  });

  it('refuses bad input field by field, and a slug that is taken', async () => {
    const bad = await call(owner, 'POST', '/api/vocabularies', {
      slug: 'Not A Slug',
      title: { english: 'x' },
      default_language: 'en_US',
      languages: ['fr', 'fr'],
      base_iri: 'ftp://example.org/no-separator',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const paths = (bad.json().errors as { path: string }[]).map((error) => error.path).sort();
    expect(paths).toEqual(
      expect.arrayContaining([
        'body.base_iri',
        'body.default_language',
        'body.languages',
        'body.slug',
        'body.title.english',
      ]),
    );
    const missingTitle = await call(owner, 'POST', '/api/vocabularies', {
      slug: 'missing-title',
      title: { fr: 'Titre' },
      default_language: 'en',
      languages: ['fr'],
    });
    expect(missingTitle.statusCode).toBe(400);
    expect((missingTitle.json().errors as { path: string }[]).map((error) => error.path).sort()).toEqual([
      'body.languages',
      'body.title',
    ]);
    const taken = await call(stranger, 'POST', '/api/vocabularies', {
      slug: 'canonical-tags',
      title: { en: 'Again' },
      default_language: 'en',
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().code).toBe('vocabulary-exists');
  });

  it('lists what each caller may read: the default vocabulary to the signed-in, public ones to anyone, private ones to members', async () => {
    const open = await vocabulary({ visibility: 'public' });
    const closed = await vocabulary();
    const slugs = async (user: TestUser | null) =>
      ((await call(user, 'GET', '/api/vocabularies')).json().items as { slug: string }[]).map(
        (item) => item.slug,
      );
    expect(await slugs(null)).toEqual(expect.arrayContaining([open.slug]));
    expect(await slugs(null)).not.toContain('default');
    expect(await slugs(null)).not.toContain(closed.slug);
    expect(await slugs(stranger)).toEqual(expect.arrayContaining(['default', open.slug]));
    expect(await slugs(stranger)).not.toContain(closed.slug);
    expect(await slugs(viewer)).toEqual(expect.arrayContaining(['default', open.slug, closed.slug]));
    expect(await slugs(admin)).toEqual(expect.arrayContaining([closed.slug]));
    // A private vocabulary does not exist for a stranger.
    const hidden = await call(stranger, 'GET', `/api/vocabularies/${closed.slug}`);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().code).toBe('not-found');
    // A token that is sent must be valid, even where anonymous reading is allowed.
    const expired = await call(null, 'GET', '/api/vocabularies', undefined, {
      authorization: 'Bearer not.a.jwt',
    });
    expect(expired.statusCode).toBe(401);
  });

  it('describes the default vocabulary that the seed API writes to', async () => {
    const response = await call(stranger, 'GET', '/api/vocabularies/default');
    expect(response.json()).toMatchObject({
      slug: 'default',
      base_iri: 'urn:uuid:',
      visibility: 'internal',
      contribution: 'signed_in',
      my_role: null,
      permissions: { read: true, create_terms: true, edit_terms: false, review: false, delete: false },
    });
    expect((await call(admin, 'GET', '/api/vocabularies/default')).json().permissions.delete).toBe(false);
    const refused = await call(admin, 'DELETE', '/api/vocabularies/default');
    expect(refused.statusCode).toBe(403);
  });

  it('lets owners change settings under optimistic locking, and nobody else', async () => {
    const created = await vocabulary();
    const url = `/api/vocabularies/${created.slug}`;
    for (const user of [editor, reviewer, viewer]) {
      const refused = await call(user, 'PATCH', url, { visibility: 'public', version: 1 });
      expect(refused.statusCode).toBe(403);
    }
    expect((await call(stranger, 'PATCH', url, { visibility: 'public', version: 1 })).statusCode).toBe(404);
    const noVersion = await call(owner, 'PATCH', url, { visibility: 'public' });
    expect(noVersion.statusCode).toBe(428);
    const changed = await call(
      owner,
      'PATCH',
      url,
      { visibility: 'public', license: 'CC0-1.0' },
      { 'if-match': '"1"' },
    );
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ visibility: 'public', license: 'CC0-1.0', version: 2 });
    expect(changed.headers.etag).toBe('"2"');
    const stale = await call(owner, 'PATCH', url, { license: null }, { 'if-match': '"1"' });
    expect(stale.statusCode).toBe(412);
    expect(stale.json().current.version).toBe(2);
    const dropDefault = await call(owner, 'PATCH', url, { languages: ['fr'], version: 2 });
    expect(dropDefault.statusCode).toBe(400);
    expect(dropDefault.json().errors[0].path).toBe('body.languages');
  });

  it('keeps at least one owner, and lets members leave', async () => {
    const created = await vocabulary();
    const members = `/api/vocabularies/${created.slug}/members`;
    const demote = await call(owner, 'PUT', `${members}/${owner.id}`, { role: 'editor' });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().code).toBe('last-owner');
    expect((await call(owner, 'DELETE', `${members}/${owner.id}`)).json().code).toBe('last-owner');
    // An editor may not grant roles, but may leave.
    expect((await call(editor, 'POST', members, { email: stranger.email, role: 'owner' })).statusCode).toBe(
      403,
    );
    expect((await call(viewer, 'DELETE', `${members}/${viewer.id}`)).statusCode).toBe(204);
    expect((await call(viewer, 'GET', `/api/vocabularies/${created.slug}`)).statusCode).toBe(404);
    // A second owner, then the first may step down.
    const promoted = await call(owner, 'PUT', `${members}/${editor.id}`, { role: 'owner' });
    expect(promoted.json()).toMatchObject({ role: 'owner', granted_by: { id: owner.id } });
    expect((await call(owner, 'PUT', `${members}/${owner.id}`, { role: 'viewer' })).statusCode).toBe(200);
    const listed = (await call(viewer === owner ? owner : editor, 'GET', members)).json().items as {
      role: string;
      user: { id: string; email: string | null };
    }[];
    expect(listed.map((member) => [member.user.id, member.role])).toEqual(
      expect.arrayContaining([
        [editor.id, 'owner'],
        [reviewer.id, 'reviewer'],
        [owner.id, 'viewer'],
      ]),
    );
    // Only those who manage members see e-mail addresses.
    const seenByReviewer = (await call(reviewer, 'GET', members)).json().items as {
      user: { email: string | null };
    }[];
    expect(seenByReviewer.every((member) => member.user.email === null)).toBe(true);
    const unknown = await call(editor, 'POST', members, { email: 'nobody@example.org', role: 'viewer' });
    expect(unknown.statusCode).toBe(404);
    const both = await call(editor, 'POST', members, {
      email: stranger.email,
      user_id: stranger.id,
      role: 'viewer',
    });
    expect(both.statusCode).toBe(400);
  });

  it('deletes an empty vocabulary only, never its concepts', async () => {
    const created = await vocabulary();
    await createTerm(context, editor, { term: 'Keeps the vocabulary', vocabulary: created.slug });
    const refused = await call(owner, 'DELETE', `/api/vocabularies/${created.slug}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'vocabulary-not-empty', term_count: 1 });
    const empty = await vocabulary();
    expect((await call(editor, 'DELETE', `/api/vocabularies/${empty.slug}`)).statusCode).toBe(403);
    expect((await call(owner, 'DELETE', `/api/vocabularies/${empty.slug}`)).statusCode).toBe(204);
    expect((await call(owner, 'GET', `/api/vocabularies/${empty.slug}`)).statusCode).toBe(404);
  });
});

describe('concepts in vocabularies', () => {
  it('mints IRIs from the base IRI and the notation, which a rename does not change', async () => {
    const created = await vocabulary({ base_iri: 'https://vocab.example.org/med/' });
    const term = await createTerm(context, editor, {
      term: 'Aspirin',
      vocabulary: created.slug,
      notation: 'c1042',
    });
    expect(term).toMatchObject({
      vocabulary_id: created.id,
      notation: 'c1042',
      iri: 'https://vocab.example.org/med/c1042',
    });
    const generated = await createTerm(context, editor, { term: 'Ibuprofen', vocabulary: created.slug });
    expect(generated.notation).toBe(generated.id);
    expect(generated.iri).toBe(`https://vocab.example.org/med/${generated.id}`);
    const renamed = await call(editor, 'PATCH', `/api/terms/${term.id}`, {
      term: 'Acetylsalicylic acid',
      version: 1,
    });
    expect(renamed.json()).toMatchObject({
      term: 'Acetylsalicylic acid',
      iri: 'https://vocab.example.org/med/c1042',
    });
    const duplicate = await call(editor, 'POST', '/api/terms', {
      term: 'Another',
      definition: 'A definition long enough to be meaningful here.',
      vocabulary: created.slug,
      notation: 'c1042',
    });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().code).toBe('notation-exists');
    // A new base IRI applies to concepts minted from then on.
    await call(owner, 'PATCH', `/api/vocabularies/${created.slug}`, {
      base_iri: 'https://new.example.org/',
      version: 1,
    });
    const later = await createTerm(context, editor, {
      term: 'Paracetamol',
      vocabulary: created.slug,
      notation: 'c7',
    });
    expect(later.iri).toBe('https://new.example.org/c7');
    expect((await call(editor, 'GET', `/api/terms/${term.id}`)).json().iri).toBe(
      'https://vocab.example.org/med/c1042',
    );
    // The database refuses to change an IRI, whoever asks.
    const refused = await context.database.db
      .execute(sql`UPDATE terms SET iri = 'https://elsewhere.example/x' WHERE id = ${term.id}::uuid`)
      .then(
        () => 'accepted',
        (error: Error) => String((error.cause as Error | undefined)?.message ?? error.message),
      );
    expect(refused).toMatch(/never change/);
  });

  it('gives each role what it may do with concepts', async () => {
    const created = await vocabulary();
    const base = { definition: 'A definition long enough to be meaningful here.', vocabulary: created.slug };
    const post = (user: TestUser | null, term: string) => call(user, 'POST', '/api/terms', { ...base, term });
    expect((await post(owner, 'By the owner')).statusCode).toBe(201);
    expect((await post(editor, 'By an editor')).statusCode).toBe(201);
    expect((await post(reviewer, 'By a reviewer')).statusCode).toBe(403);
    expect((await post(viewer, 'By a viewer')).statusCode).toBe(403);
    expect((await post(stranger, 'By a stranger')).statusCode).toBe(404);
    expect((await post(null, 'Anonymous')).statusCode).toBe(401);

    const term = await createTerm(context, owner, { term: 'Shared concept', vocabulary: created.slug });
    const edit = (user: TestUser, version: number) =>
      call(user, 'PATCH', `/api/terms/${term.id}`, {
        definition: `Edited by someone, version ${version}, long enough.`,
        version,
      });
    expect((await edit(editor, 1)).statusCode).toBe(200);
    expect((await edit(viewer, 2)).statusCode).toBe(403);
    expect((await edit(stranger, 2)).statusCode).toBe(404);
    // Validation is the reviewer's, not the editor's.
    for (const status of ['proposed', 'in_review'])
      expect(
        (
          await call(editor, 'PATCH', `/api/terms/${term.id}`, {
            status,
            version: status === 'proposed' ? 2 : 3,
          })
        ).statusCode,
      ).toBe(200);
    expect(
      (await call(editor, 'PATCH', `/api/terms/${term.id}`, { status: 'validated', version: 4 })).statusCode,
    ).toBe(403);
    const validated = await call(reviewer, 'PATCH', `/api/terms/${term.id}`, {
      status: 'validated',
      version: 4,
      override_findings: { reason: 'Reviewed by hand for this test.' },
    });
    expect([200, 201], validated.body).toContain(validated.statusCode);
    // Each reader is told what they may do with it, as the policy decides.
    const permissionsOf = async (user: TestUser) =>
      (await call(user, 'GET', `/api/terms/${term.id}`)).json().permissions;
    expect(await permissionsOf(editor)).toEqual({ edit: true, review: false });
    expect(await permissionsOf(reviewer)).toEqual({ edit: false, review: true });
    expect(await permissionsOf(viewer)).toEqual({ edit: false, review: false });
    expect(await permissionsOf(owner)).toEqual({ edit: true, review: true });
    // Reads follow the vocabulary's visibility.
    expect((await call(viewer, 'GET', `/api/terms/${term.id}`)).statusCode).toBe(200);
    expect((await call(stranger, 'GET', `/api/terms/${term.id}`)).statusCode).toBe(404);
    expect((await call(null, 'GET', `/api/terms/${term.id}`)).statusCode).toBe(401);
    expect((await call(null, 'GET', `/api/vocabularies/${created.slug}/terms/${term.id}`)).statusCode).toBe(
      404,
    );
    expect((await call(viewer, 'GET', `/api/vocabularies/${created.slug}/terms/${term.id}`)).statusCode).toBe(
      200,
    );
    expect((await call(stranger, 'GET', `/api/terms/${term.id}/relations`)).statusCode).toBe(404);
    expect((await call(stranger, 'GET', `/api/terms/${term.id}/related`)).statusCode).toBe(404);
    expect((await call(stranger, 'GET', `/api/terms/${term.id}/validations`)).statusCode).toBe(404);
    expect((await call(stranger, 'DELETE', `/api/terms/${term.id}`)).statusCode).toBe(404);
    expect((await call(viewer, 'DELETE', `/api/terms/${term.id}`)).statusCode).toBe(403);
  });

  it('lists only readable concepts, filters by vocabulary, and lets anonymous visitors browse public ones', async () => {
    const open = await vocabulary({ visibility: 'public' });
    const closed = await vocabulary();
    const visible = await createTerm(context, editor, { term: 'Visible everywhere', vocabulary: open.slug });
    const hidden = await createTerm(context, editor, {
      term: 'Hidden from strangers',
      vocabulary: closed.slug,
    });
    const ids = async (user: TestUser | null, url: string) => {
      const response = await call(user, 'GET', url);
      expect(response.statusCode, response.body).toBe(200);
      return (response.json().items as { id: string }[]).map((item) => item.id);
    };
    expect(await ids(stranger, '/api/terms?limit=100')).not.toContain(hidden.id);
    expect(await ids(viewer, '/api/terms?limit=100')).toEqual(
      expect.arrayContaining([visible.id, hidden.id]),
    );
    expect(await ids(viewer, `/api/terms?vocabulary=${closed.slug}`)).toEqual([hidden.id]);
    expect(await ids(stranger, `/api/terms?q=${encodeURIComponent('Hidden from strangers')}`)).toEqual([]);
    expect((await call(stranger, 'GET', `/api/terms?vocabulary=${closed.slug}`)).statusCode).toBe(404);
    // The seed's routes keep needing a token; a public vocabulary is browsed under its own path.
    expect((await call(null, 'GET', '/api/terms')).statusCode).toBe(401);
    expect(await ids(null, `/api/vocabularies/${open.slug}/terms`)).toEqual([visible.id]);
    expect((await call(null, 'GET', `/api/vocabularies/${open.slug}/terms/${visible.id}`)).json().iri).toBe(
      visible.iri,
    );
    expect((await call(null, 'GET', `/api/vocabularies/${closed.slug}/terms`)).statusCode).toBe(404);
    // A term is found under its own vocabulary only.
    expect((await call(viewer, 'GET', `/api/vocabularies/${open.slug}/terms/${hidden.id}`)).statusCode).toBe(
      404,
    );
    const byName = await call(
      stranger,
      'GET',
      `/api/graph/related?term=${encodeURIComponent('Hidden from strangers')}`,
    );
    expect(byName.statusCode).toBe(404);
  });

  it('keeps typed relations inside one vocabulary, in the API and in the database', async () => {
    const created = await vocabulary();
    const inside = await createTerm(context, editor, { term: 'Inside', vocabulary: created.slug });
    const also = await createTerm(context, editor, { term: 'Also inside', vocabulary: created.slug });
    const outside = await createTerm(context, editor, { term: 'In the default vocabulary' });
    expect((await relate(context, editor, inside.id, also.id, 'is_a')).statusCode).toBe(201);
    const across = await relate(context, editor, inside.id, outside.id, 'related_to');
    expect(across.statusCode).toBe(422);
    expect(across.body.code).toBe('relation-across-vocabularies');
    await expect(
      context.database.db.execute(
        sql`INSERT INTO relationships (source_id, target_id, type) VALUES (${inside.id}::uuid, ${outside.id}::uuid, 'causes')`,
      ),
    ).rejects.toThrow();
    const stored = rowsOf<{ vocabulary_id: string }>(
      await context.database.db.execute(
        sql`SELECT vocabulary_id FROM relationships WHERE source_id = ${inside.id}::uuid`,
      ),
    );
    expect(stored).toEqual([{ vocabulary_id: created.id }]);
  });

  it('refuses a repeated preferred label per domain where the vocabulary says so, and allows it where it does not', async () => {
    const strict = await vocabulary();
    await createTerm(context, editor, {
      term: 'Translation',
      domain: 'Linguistics',
      vocabulary: strict.slug,
    });
    const again = await call(editor, 'POST', '/api/terms', {
      term: 'translation',
      definition: 'A definition long enough to be meaningful here.',
      domain: 'Linguistics',
      vocabulary: strict.slug,
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('term-exists');
    // The same label in another vocabulary is another concept.
    const elsewhere = await vocabulary();
    await createTerm(context, editor, {
      term: 'Translation',
      domain: 'Linguistics',
      vocabulary: elsewhere.slug,
    });

    const lenient = await vocabulary({ pref_label_uniqueness: 'none' });
    await createTerm(context, editor, {
      term: 'Translation',
      domain: 'Linguistics',
      vocabulary: lenient.slug,
    });
    await createTerm(context, editor, {
      term: 'Translation',
      domain: 'Linguistics',
      vocabulary: lenient.slug,
    });
    // Making labels unique again is refused while repeats exist, and changes nothing.
    const tighten = await call(owner, 'PATCH', `/api/vocabularies/${lenient.slug}`, {
      pref_label_uniqueness: 'domain',
      version: 1,
    });
    expect(tighten.statusCode).toBe(409);
    expect(tighten.json().code).toBe('duplicate-pref-labels');
    expect((await call(owner, 'GET', `/api/vocabularies/${lenient.slug}`)).json()).toMatchObject({
      pref_label_uniqueness: 'none',
      version: 1,
      term_count: 2,
    });
  });

  it('still takes the seed’s payload into the default vocabulary, with an urn:uuid IRI', async () => {
    const term = await createTerm(context, stranger, {
      term: 'Seed payload',
      definition: 'Written as the seed writes terms, with no vocabulary.',
      level: 'beginner',
    });
    const defaultVocabulary = (await call(stranger, 'GET', '/api/vocabularies/default')).json();
    expect(term).toMatchObject({
      vocabulary_id: defaultVocabulary.id,
      notation: term.id,
      iri: `urn:uuid:${term.id}`,
    });
    expect(term.permissions).toEqual({ edit: true, review: false });
    expect((await call(viewer, 'GET', `/api/terms/${term.id}`)).json().permissions).toEqual({
      edit: false,
      review: false,
    });
    // The creator keeps changing what they made there; others may not.
    expect(
      (await call(stranger, 'PATCH', `/api/terms/${term.id}`, { level: 'expert', version: 1 })).statusCode,
    ).toBe(200);
    expect(
      (await call(viewer, 'PATCH', `/api/terms/${term.id}`, { level: 'beginner', version: 2 })).statusCode,
    ).toBe(403);
    expect(
      (await call(admin, 'PATCH', `/api/terms/${term.id}`, { level: 'beginner', version: 2 })).statusCode,
    ).toBe(200);
  });
});
