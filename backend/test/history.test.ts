/**
 * History: a revision per change of a concept (fields, parts, relations, status, deletion), paged,
 * compared, restored; deleted concepts answer 410; the vocabulary's change feed — over HTTP, on PGlite
 * and on PostgreSQL.
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
let author: TestUser;
let stranger: TestUser;
let admin: TestUser;
let counter = 0;

beforeAll(async () => {
  context = await createTestContext();
  author = await createUser(context);
  stranger = await createUser(context);
  admin = await createUser(context, { role: 'admin' });
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

const unique = (name: string) => `${name} ${++counter}-${Date.now().toString(36)}`;

async function history(id: string, query = '') {
  const response = await call(author, 'GET', `/api/terms/${id}/history${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

async function edit(id: string, version: number, payload: Record<string, unknown>) {
  const response = await call(author, 'PATCH', `/api/terms/${id}`, { ...payload, version });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

describe('revisions', () => {
  it('records creation, each edit with its comment and field diff, and relation changes of the source', async () => {
    const term = await createTerm(context, author, {
      term: unique('Tokenizer'),
      definition: 'Splits a text into tokens for a model.',
      comment: 'First draft.',
    });
    const target = await createTerm(context, author, { term: unique('Token') });
    const edited = await edit(term.id, term.version, {
      definition: 'Splits a text into the tokens a language model reads.',
      alt_labels: [{ language: 'fr', text: 'Tokeniser', kind: 'variant' }],
      comment: 'Say which model.',
    });
    expect(await relate(context, author, term.id, target.id, 'related_to')).toMatchObject({
      statusCode: 201,
    });

    const page = await history(term.id);
    expect(page.deleted).toBe(false);
    expect(
      page.items.map((item: { revision: number; action: string }) => [item.revision, item.action]),
    ).toEqual([
      [3, 'updated'],
      [2, 'updated'],
      [1, 'created'],
    ]);
    const [relation, change, creation] = page.items;
    expect(creation).toMatchObject({
      comment: 'First draft.',
      author: { id: author.id },
      term_version: 1,
      restored_from: null,
    });
    expect(creation.changed).toEqual(
      expect.arrayContaining(['term', 'definition', 'domain', 'iri', 'notation']),
    );
    expect(change).toMatchObject({ comment: 'Say which model.', term_version: edited.version });
    expect(change.changed).toEqual(['alt_labels', 'definition']);
    expect(change.changes).toEqual([
      {
        field: 'definition',
        before: 'Splits a text into tokens for a model.',
        after: 'Splits a text into the tokens a language model reads.',
      },
      { field: 'alt_labels', before: [], after: [{ language: 'fr', text: 'Tokeniser', kind: 'variant' }] },
    ]);
    expect(relation.changes).toEqual([
      {
        field: 'relations',
        before: [],
        after: [{ type: 'related_to', target_id: target.id, strength: null }],
      },
    ]);
    // The target's own history is untouched: the relation belongs to its source.
    expect((await history(target.id)).items).toHaveLength(1);

    const one = await call(author, 'GET', `/api/terms/${term.id}/revisions/2`);
    expect(one.json()).toMatchObject({
      revision: 2,
      snapshot: { definition: 'Splits a text into the tokens a language model reads.', relations: [] },
    });
    const diff = await call(author, 'GET', `/api/terms/${term.id}/diff?from=1&to=3`);
    expect(diff.json().changes.map((entry: { field: string }) => entry.field)).toEqual([
      'definition',
      'alt_labels',
      'relations',
    ]);
    expect((await call(author, 'GET', `/api/terms/${term.id}/revisions/9`)).statusCode).toBe(404);
    expect((await call(author, 'GET', `/api/terms/${term.id}/diff?from=1&to=9`)).statusCode).toBe(404);
  });

  it('snapshots every part of a concept as the API answers it', async () => {
    const elsewhere = `map-${++counter}-${Date.now().toString(36)}`;
    expect(
      (
        await call(author, 'POST', '/api/vocabularies', {
          slug: elsewhere,
          title: { fr: 'Ailleurs' },
          default_language: 'fr',
          languages: ['fr'],
        })
      ).statusCode,
    ).toBe(201);
    const target = await createTerm(context, author, { term: unique('Mapped'), vocabulary: elsewhere });
    const term = await createTerm(context, author, {
      term: unique('Lemmatisation'),
      alt_labels: [
        { language: 'fr', text: unique('Lemmatization'), kind: 'variant' },
        { language: 'fr', text: unique('LEM'), kind: 'abbreviation' },
      ],
      hidden_labels: [{ language: 'fr', text: unique('Lematisation'), kind: 'misspelling' }],
      sources: [
        { language: 'fr', citation: 'Manning & Schütze, 1999', url: 'https://example.org/fsnlp' },
        { language: 'fr', citation: 'TLFi' },
      ],
      notes: [
        { kind: 'scope', language: 'fr', text: 'En traitement automatique des langues.' },
        { kind: 'example', language: 'fr', text: '« irons » → « aller »' },
      ],
      mappings: [
        { type: 'closeMatch', iri: 'http://www.wikidata.org/entity/Q1073391', label: 'Lemmatisation' },
        { type: 'relatedMatch', term_id: target.id },
      ],
    });
    const concept = (await call(author, 'GET', `/api/terms/${term.id}`)).json();
    const { snapshot } = (await call(author, 'GET', `/api/terms/${term.id}/revisions/1`)).json();
    for (const part of [
      'term',
      'definition',
      'domain',
      'level',
      'status',
      'notation',
      'iri',
      'created_by',
      'pref_labels',
      'alt_labels',
      'hidden_labels',
      'definitions',
      'sources',
      'notes',
      'mappings',
      'replaced_by',
    ])
      expect(snapshot[part], part).toEqual(concept[part]);
  });

  it('pages a long history newest first with `before`, each page with its diffs', async () => {
    let term = await createTerm(context, author, { term: unique('Paged') });
    for (let index = 1; index <= 6; index++)
      term = await edit(term.id, term.version, {
        definition: `Edited ${index} times, a definition long enough.`,
      });
    const first = await history(term.id, '?limit=3');
    expect(first.items.map((item: { revision: number }) => item.revision)).toEqual([7, 6, 5]);
    expect(first.next_before).toBe(5);
    expect(first.items[2].changes).toEqual([
      {
        field: 'definition',
        before: 'Edited 3 times, a definition long enough.',
        after: 'Edited 4 times, a definition long enough.',
      },
    ]);
    const last = await history(term.id, '?limit=3&before=2');
    expect(last.items.map((item: { revision: number }) => item.revision)).toEqual([1]);
    expect(last.next_before).toBeNull();
  });

  it('is append-only in the database', async () => {
    const term = await createTerm(context, author, { term: unique('Frozen') });
    const refusal = await context.database.db
      .execute(sql`UPDATE term_revisions SET comment = 'rewritten' WHERE term_id = ${term.id}::uuid`)
      .then(
        () => 'updated',
        (error: Error) => String((error.cause as Error | undefined)?.message ?? error.message),
      );
    expect(refusal).toMatch(/append-only/);
  });

  it('hides the history of a private vocabulary from those who may not read it', async () => {
    const slug = `hist-${++counter}-${Date.now().toString(36)}`;
    expect(
      (
        await call(author, 'POST', '/api/vocabularies', {
          slug,
          title: { en: 'Private' },
          default_language: 'en',
          languages: ['en'],
        })
      ).statusCode,
    ).toBe(201);
    const term = await createTerm(context, author, { term: unique('Secret'), vocabulary: slug });
    expect((await call(stranger, 'GET', `/api/terms/${term.id}/history`)).statusCode).toBe(404);
    // Nor does its deletion leak: 404, as if it never existed.
    const doomed = await createTerm(context, author, { term: unique('Doomed secret'), vocabulary: slug });
    expect((await call(author, 'DELETE', `/api/terms/${doomed.id}`)).statusCode).toBe(204);
    const hidden = await call(stranger, 'GET', `/api/vocabularies/${slug}/terms/${doomed.id}`);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().code).toBe('not-found');
    expect((await call(stranger, 'GET', `/api/terms/${doomed.id}`)).json().code).toBe('not-found');
    expect((await call(stranger, 'GET', `/api/vocabularies/${slug}/changes`)).statusCode).toBe(404);
    expect((await call(null, 'GET', `/api/vocabularies/${slug}/changes`)).statusCode).toBe(404);
    expect((await call(admin, 'GET', `/api/terms/${term.id}/history`)).statusCode).toBe(200);
  });
});

describe('deletion and restore', () => {
  it('keeps a tombstone: the concept answers 410, its history stays, and a restore brings it back whole', async () => {
    const term = await createTerm(context, author, {
      term: unique('Embedding'),
      definition: 'A vector that stands for a token or a text.',
      notation: `emb-${counter}`,
      alt_labels: [{ language: 'fr', text: unique('Vector representation'), kind: 'synonym' }],
    });
    const child = await createTerm(context, author, { term: unique('Sentence embedding') });
    const other = await createTerm(context, author, { term: unique('Vector') });
    expect((await relate(context, author, child.id, term.id, 'is_a')).statusCode).toBe(201);
    expect((await relate(context, author, term.id, other.id, 'related_to')).statusCode).toBe(201);
    const before = (await call(author, 'GET', `/api/terms/${term.id}`)).json();

    const deleted = await call(author, 'DELETE', `/api/terms/${term.id}?comment=Duplicate%20of%20another`);
    expect(deleted.statusCode).toBe(204);
    // Read where its vocabulary names it (as its IRI is): 410, with its deletion.
    const gone = await call(author, 'GET', `/api/vocabularies/default/terms/${term.id}`);
    expect(gone.statusCode).toBe(410);
    expect(gone.headers['content-type']).toMatch(/problem\+json/);
    expect(gone.json()).toMatchObject({
      code: 'term-deleted',
      deletion: { revision: 3, version: 1, deleted_by: author.id },
    });
    // The seed's route keeps its 404, saying why.
    const seed = await call(author, 'GET', `/api/terms/${term.id}`);
    expect(seed.statusCode).toBe(404);
    expect(seed.json()).toMatchObject({ code: 'term-deleted', deletion: { revision: 3 } });
    const page = await history(term.id);
    expect(page.deleted).toBe(true);
    expect(page.items[0]).toMatchObject({ action: 'deleted', comment: 'Duplicate of another', changes: [] });
    // The child lost its is_a relation: a revision of it, in the deletion's change set.
    const childHistory = await history(child.id);
    expect(childHistory.items[0]).toMatchObject({
      action: 'updated',
      changed: ['relations'],
      change_set_id: page.items[0].change_set_id,
    });

    const stale = await call(author, 'POST', `/api/terms/${term.id}/restore`, { revision: 2, version: 2 });
    expect(stale.statusCode).toBe(409);
    const restored = await call(author, 'POST', `/api/terms/${term.id}/restore`, {
      revision: 3,
      version: before.version,
      comment: 'Not a duplicate after all.',
    });
    expect(restored.statusCode, restored.body).toBe(200);
    const result = restored.json();
    expect(result.skipped_relations).toEqual([]);
    expect(result.revision).toBe(4);
    expect(result.concept).toMatchObject({
      id: term.id,
      iri: before.iri,
      notation: before.notation,
      term: before.term,
      definition: before.definition,
      alt_labels: before.alt_labels,
      version: before.version + 1,
    });
    const relations = (await call(author, 'GET', `/api/terms/${term.id}/relations`)).json().items;
    expect(
      relations.map((relation: { type: string; source: { id: string }; target: { id: string } }) => [
        relation.type,
        relation.source.id,
        relation.target.id,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['is_a', child.id, term.id],
        ['related_to', term.id, other.id],
      ]),
    );
    expect((await history(term.id)).items[0]).toMatchObject({
      action: 'restored',
      restored_from: 3,
      comment: 'Not a duplicate after all.',
    });
    expect((await history(child.id)).items[0]).toMatchObject({ action: 'updated', changed: ['relations'] });
    expect((await call(author, 'GET', `/api/terms/${term.id}`)).statusCode).toBe(200);
  });

  it('restores an old revision of a live concept as a new one, under optimistic locking', async () => {
    const term = await createTerm(context, author, {
      term: unique('Prompt'),
      definition: 'What a model is asked.',
    });
    const v2 = await edit(term.id, term.version, {
      definition: 'The text given to a language model to answer.',
      definitions: {},
      notes: [{ kind: 'example', language: 'fr', text: 'Summarise this page.' }],
    });
    const needsVersion = await call(author, 'POST', `/api/terms/${term.id}/restore`, { revision: 1 });
    expect(needsVersion.statusCode).toBe(428);
    const stale = await context.app.inject({
      method: 'POST',
      url: `/api/terms/${term.id}/restore`,
      headers: { ...author.auth, 'if-match': `"${term.version}"` },
      payload: { revision: 1 },
    });
    expect(stale.statusCode).toBe(412);
    expect(
      (await call(stranger, 'POST', `/api/terms/${term.id}/restore`, { revision: 1, version: v2.version }))
        .statusCode,
    ).toBe(403);

    const restored = await call(author, 'POST', `/api/terms/${term.id}/restore`, {
      revision: 1,
      version: v2.version,
    });
    expect(restored.statusCode, restored.body).toBe(200);
    expect(restored.json().concept).toMatchObject({ definition: 'What a model is asked.', notes: [] });
    const latest = (await history(term.id)).items[0];
    expect(latest).toMatchObject({ revision: 3, action: 'restored', restored_from: 1 });
    // Equal to revision 1: nothing between them.
    const diff = await call(author, 'GET', `/api/terms/${term.id}/diff?from=1&to=3`);
    expect(diff.json().changes).toEqual([]);
  });
});

describe('change feed', () => {
  it('lists every change of a vocabulary once, in order, from a cursor', async () => {
    const slug = `feed-${++counter}-${Date.now().toString(36)}`;
    expect(
      (
        await call(author, 'POST', '/api/vocabularies', {
          slug,
          title: { en: 'Feed' },
          default_language: 'en',
          languages: ['en'],
          visibility: 'public',
        })
      ).statusCode,
    ).toBe(201);
    const start = (await call(null, 'GET', `/api/vocabularies/${slug}/changes`)).json();
    expect(start).toEqual({ items: [], next_after: '0', has_more: false });
    const a = await createTerm(context, author, { term: unique('Alpha'), vocabulary: slug });
    const b = await createTerm(context, author, { term: unique('Beta'), vocabulary: slug });
    await edit(a.id, a.version, { level: 'advanced' });
    expect((await call(author, 'DELETE', `/api/terms/${b.id}`)).statusCode).toBe(204);

    const first = (await call(null, 'GET', `/api/vocabularies/${slug}/changes?limit=2`)).json();
    expect(first.items.map((item: { seq: number; action: string }) => [item.seq, item.action])).toEqual([
      [1, 'created'],
      [2, 'created'],
    ]);
    expect(first.has_more).toBe(true);
    const rest = (
      await call(null, 'GET', `/api/vocabularies/${slug}/changes?after=${first.next_after}`)
    ).json();
    expect(
      rest.items.map((item: { seq: number; term_id: string; action: string; changed: string[] }) => [
        item.seq,
        item.term_id,
        item.action,
        item.changed,
      ]),
    ).toEqual([
      [3, a.id, 'updated', ['level']],
      [4, b.id, 'deleted', []],
    ]);
    expect(rest).toMatchObject({ next_after: '4', has_more: false });
    const idle = (await call(null, 'GET', `/api/vocabularies/${slug}/changes?after=4`)).json();
    expect(idle).toEqual({ items: [], next_after: '4', has_more: false });
    expect((await call(null, 'GET', `/api/vocabularies/${slug}/changes?after=x`)).statusCode).toBe(400);
    const stored = rowsOf<{ last: number }>(
      await context.database.db.execute(
        sql`SELECT last_change_seq::int AS last FROM vocabularies WHERE slug = ${slug}`,
      ),
    );
    expect(stored).toEqual([{ last: 4 }]);
  });
});

describe('resolving IRIs', () => {
  it('names the concept an IRI is, answers 410 with the deletion once it is deleted, and names it again restored', async () => {
    const created = await createTerm(context, author, { term: unique('Resolvable') });
    const resolve = (iri: string, user: TestUser | null = author) =>
      call(user, 'GET', `/api/resolve?iri=${encodeURIComponent(iri)}`);
    const live = await resolve(created.iri as string);
    expect(live.statusCode, live.body).toBe(200);
    expect(live.json()).toMatchObject({ id: created.id, vocabulary_slug: 'default', term: created.term });

    const deleted = await call(
      author,
      'DELETE',
      `/api/terms/${created.id}?comment=${encodeURIComponent('Gone.')}`,
    );
    expect(deleted.statusCode).toBe(204);
    const gone = await resolve(created.iri as string);
    expect(gone.statusCode).toBe(410);
    expect(gone.json()).toMatchObject({
      code: 'term-deleted',
      deletion: { revision: 2, deleted_by: author.id },
    });

    const restored = await call(author, 'POST', `/api/terms/${created.id}/restore`, {
      revision: 1,
      version: 1,
    });
    expect(restored.statusCode, restored.body).toBe(200);
    expect((await resolve(created.iri as string)).statusCode).toBe(200);
    expect((await resolve('urn:uuid:00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await call(author, 'GET', '/api/resolve')).statusCode).toBe(400);
  });
});
