/**
 * A concept's SKOS parts over HTTP: preferred labels in every content language, alternative and hidden
 * labels, definitions with their sources, notes, mappings and replacements — on PGlite and PostgreSQL.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTerm,
  createTestContext,
  createUser,
  type TestContext,
  type TestUser,
} from './support/test-app.ts';

let context: TestContext;
let owner: TestUser;
let reader: TestUser;
let counter = 0;

beforeAll(async () => {
  context = await createTestContext();
  owner = await createUser(context);
  reader = await createUser(context);
});
afterAll(() => context.close());

const call = (
  user: TestUser | null,
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  payload?: Record<string, unknown>,
) => context.app.inject({ method, url, headers: user ? user.auth : {}, ...(payload ? { payload } : {}) });

async function vocabulary(extra: Record<string, unknown> = {}): Promise<string> {
  const slug = `concepts-${++counter}-${Date.now().toString(36)}`;
  const response = await call(owner, 'POST', '/api/vocabularies', {
    slug,
    title: { en: 'Machine learning' },
    default_language: 'en',
    languages: ['en', 'fr', 'de'],
    visibility: 'public',
    ...extra,
  });
  expect(response.statusCode, response.body).toBe(201);
  return slug;
}

const full = {
  term: 'Machine learning',
  definition: 'The study of algorithms that improve through experience with data.',
  domain: 'Computing',
  pref_labels: { fr: 'Apprentissage automatique', de: 'Maschinelles Lernen' },
  alt_labels: [
    { language: 'en', text: 'ML', kind: 'abbreviation' },
    { language: 'fr', text: 'Apprentissage machine', kind: 'synonym' },
  ],
  hidden_labels: [{ language: 'en', text: 'machine lerning', kind: 'misspelling' }],
  definitions: { fr: "L'étude des algorithmes qui s'améliorent par l'expérience des données." },
  sources: [
    { language: 'en', citation: 'Mitchell, T. (1997). Machine Learning. McGraw Hill.' },
    { language: 'fr', url: 'https://fr.wikipedia.org/wiki/Apprentissage_automatique' },
  ],
  notes: [
    { kind: 'scope', language: 'en', text: 'Statistical learning, not rote memorisation.' },
    { kind: 'example', language: 'en', text: 'Spam filters learn from labelled e-mail.' },
  ],
  mappings: [{ type: 'exactMatch', iri: 'http://www.wikidata.org/entity/Q2539', label: 'machine learning' }],
};

describe('a concept with its SKOS parts', () => {
  it('is created, read back whole, and readable anonymously in a public vocabulary', async () => {
    const slug = await vocabulary();
    const created = await call(owner, 'POST', '/api/terms', { ...full, vocabulary: slug });
    expect(created.statusCode, created.body).toBe(201);
    const expected = {
      language: 'en',
      term: 'Machine learning',
      pref_labels: { fr: 'Apprentissage automatique', de: 'Maschinelles Lernen' },
      alt_labels: [
        { language: 'en', text: 'ML', kind: 'abbreviation' },
        { language: 'fr', text: 'Apprentissage machine', kind: 'synonym' },
      ],
      hidden_labels: [{ language: 'en', text: 'machine lerning', kind: 'misspelling' }],
      definitions: { fr: "L'étude des algorithmes qui s'améliorent par l'expérience des données." },
      sources: [
        { language: 'en', citation: 'Mitchell, T. (1997). Machine Learning. McGraw Hill.', url: null },
        { language: 'fr', citation: null, url: 'https://fr.wikipedia.org/wiki/Apprentissage_automatique' },
      ],
      notes: [
        { kind: 'scope', language: 'en', text: 'Statistical learning, not rote memorisation.' },
        { kind: 'example', language: 'en', text: 'Spam filters learn from labelled e-mail.' },
      ],
      mappings: [
        {
          type: 'exactMatch',
          iri: 'http://www.wikidata.org/entity/Q2539',
          term_id: null,
          label: 'machine learning',
        },
      ],
      replaced_by: [],
    };
    expect(created.json()).toMatchObject(expected);
    const id = created.json().id as string;
    expect((await call(reader, 'GET', `/api/terms/${id}`)).json()).toMatchObject(expected);
    expect((await call(null, 'GET', `/api/vocabularies/${slug}/terms/${id}`)).json()).toMatchObject(expected);
  });

  it('replaces the parts an edit sends, keeps the others, and bumps the version', async () => {
    const slug = await vocabulary();
    const term = await createTerm(context, owner, { ...full, vocabulary: slug });
    const edited = await call(owner, 'PATCH', `/api/terms/${term.id}`, {
      alt_labels: [{ language: 'de', text: 'ML', kind: 'abbreviation' }],
      version: 1,
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({
      version: 2,
      alt_labels: [{ language: 'de', text: 'ML', kind: 'abbreviation' }],
      pref_labels: full.pref_labels,
      hidden_labels: full.hidden_labels,
    });
    // A stale version changes nothing.
    const stale = await call(owner, 'PATCH', `/api/terms/${term.id}`, { alt_labels: [], version: 1 });
    expect(stale.statusCode).toBe(409);
    expect((await call(owner, 'GET', `/api/terms/${term.id}`)).json().alt_labels).toHaveLength(1);
  });

  it('refuses parts outside the vocabulary’s languages, a second preferred label in the default language, and repeats', async () => {
    const slug = await vocabulary();
    const response = await call(owner, 'POST', '/api/terms', {
      term: 'Neural network',
      definition: 'A model made of layers of connected artificial neurons.',
      vocabulary: slug,
      pref_labels: { en: 'Neural net', it: 'Rete neurale', 'EN-x-bad': 'x' },
      alt_labels: [
        { language: 'en', text: 'NN', kind: 'acronym' },
        { language: 'en', text: 'nn', kind: 'acronym' },
      ],
      sources: [{ language: 'en' }],
      notes: [{ kind: 'history', language: 'en', text: 'x' }],
    });
    expect(response.statusCode).toBe(400);
    const paths = (response.json().errors as { path: string }[]).map((error) => error.path);
    expect(paths).toEqual(expect.arrayContaining(['body.sources.0', 'body.notes.0.kind']));
    const semantic = await call(owner, 'POST', '/api/terms', {
      term: 'Neural network',
      definition: 'A model made of layers of connected artificial neurons.',
      vocabulary: slug,
      pref_labels: { en: 'Neural net', it: 'Rete neurale' },
      alt_labels: [
        { language: 'en', text: 'NN', kind: 'acronym' },
        { language: 'en', text: 'nn', kind: 'acronym' },
      ],
    });
    expect(semantic.statusCode).toBe(400);
    expect((semantic.json().errors as { path: string }[]).map((error) => error.path)).toEqual([
      'body.pref_labels.en',
      'body.pref_labels.it',
      'body.alt_labels.1.text',
    ]);
    expect((await call(owner, 'GET', `/api/terms?vocabulary=${slug}`)).json().items).toEqual([]);
  });

  it('keeps one preferred label per language in the database, whoever writes', async () => {
    const slug = await vocabulary();
    const term = await createTerm(context, owner, {
      term: 'Overfitting',
      vocabulary: slug,
      pref_labels: { fr: 'Surapprentissage' },
    });
    const attempt = (language: string) =>
      context.database.db
        .execute(
          sql`INSERT INTO term_labels (term_id, kind, language, position, text) VALUES (${term.id}::uuid, 'pref', ${language}, 1, 'Another')`,
        )
        .then(
          () => 'accepted',
          (error: Error) => String((error.cause as Error | undefined)?.message ?? error.message),
        );
    expect(await attempt('fr')).toMatch(/duplicate key|unique/);
    expect(await attempt('en')).toMatch(/preferred label and definition are the term/);
  });

  it('deprecates a concept with its replacement, and maps to a concept of another vocabulary', async () => {
    const slug = await vocabulary();
    const other = await vocabulary();
    const old = await createTerm(context, owner, { term: 'Data mining (old sense)', vocabulary: slug });
    const replacement = await createTerm(context, owner, { term: 'Knowledge discovery', vocabulary: slug });
    const elsewhere = await createTerm(context, owner, { term: 'Fouille de données', vocabulary: other });
    const notYet = await call(owner, 'PATCH', `/api/terms/${old.id}`, {
      replaced_by: [replacement.id],
      version: 1,
    });
    expect(notYet.statusCode).toBe(400);
    const deprecated = await call(owner, 'PATCH', `/api/terms/${old.id}`, {
      status: 'deprecated',
      replaced_by: [replacement.id],
      mappings: [{ type: 'closeMatch', term_id: elsewhere.id }],
      version: 1,
    });
    expect(deprecated.statusCode, deprecated.body).toBe(200);
    expect(deprecated.json()).toMatchObject({
      status: 'deprecated',
      replaced_by: [replacement.id],
      mappings: [{ type: 'closeMatch', term_id: elsewhere.id, iri: elsewhere.iri, label: null }],
    });
    // Still resolvable, by id and in its vocabulary.
    expect((await call(null, 'GET', `/api/vocabularies/${slug}/terms/${old.id}`)).json().status).toBe(
      'deprecated',
    );
    // Revived as a draft, it no longer names a replacement.
    const revived = await call(owner, 'PATCH', `/api/terms/${old.id}`, { status: 'draft', version: 2 });
    expect(revived.json()).toMatchObject({ status: 'draft', replaced_by: [] });
  });

  it('keeps the default language while concepts use it, and a content language while parts use it', async () => {
    const slug = await vocabulary();
    await createTerm(context, owner, {
      term: 'Gradient descent',
      vocabulary: slug,
      definitions: { de: 'Ein Optimierungsverfahren.' },
    });
    const moveDefault = await call(owner, 'PATCH', `/api/vocabularies/${slug}`, {
      default_language: 'fr',
      title: { en: 'ML', fr: 'AA' },
      version: 1,
    });
    expect(moveDefault.statusCode).toBe(409);
    expect(moveDefault.json().code).toBe('default-language-fixed');
    const dropGerman = await call(owner, 'PATCH', `/api/vocabularies/${slug}`, {
      languages: ['en', 'fr'],
      version: 1,
    });
    expect(dropGerman.statusCode).toBe(409);
    expect(dropGerman.json()).toMatchObject({ code: 'language-in-use', languages: ['de'] });
    const dropFrench = await call(owner, 'PATCH', `/api/vocabularies/${slug}`, {
      languages: ['en', 'de'],
      version: 1,
    });
    expect(dropFrench.statusCode).toBe(200);
  });
});

describe('search over labels and definitions', () => {
  it('finds a concept by any label in any content language, stemmed and folded, and says what matched', async () => {
    const slug = await vocabulary();
    const term = await createTerm(context, owner, {
      ...full,
      term: 'Supervised learning',
      vocabulary: slug,
      pref_labels: { fr: 'Apprentissage supervisé', de: 'Überwachtes Lernen' },
      alt_labels: [{ language: 'en', text: 'SL', kind: 'abbreviation' }],
      hidden_labels: [{ language: 'en', text: 'suppervised lurning', kind: 'misspelling' }],
      mappings: [],
    });
    const search = async (q: string, extra = '') => {
      const response = await call(
        reader,
        'GET',
        `/api/terms?vocabulary=${slug}&q=${encodeURIComponent(q)}${extra}`,
      );
      expect(response.statusCode, response.body).toBe(200);
      return response.json().items as {
        id: string;
        match: { text: string; language: string; kind: string } | null;
      }[];
    };
    expect((await search('supervised'))[0]).toMatchObject({
      id: term.id,
      match: { text: 'Supervised learning', language: 'en', kind: 'pref' },
    });
    // French stemming and accent folding: plurals, and "supervises" finds "supervisé".
    expect((await search('apprentissages supervises'))[0]?.match).toMatchObject({
      text: 'Apprentissage supervisé',
      language: 'fr',
      kind: 'pref',
    });
    // German: "Uberwacht" (no umlaut) is a prefix of the folded label.
    expect((await search('uberwacht'))[0]?.match).toMatchObject({ language: 'de', kind: 'pref' });
    expect((await search('sl'))[0]?.match).toMatchObject({ text: 'SL', kind: 'alt' });
    expect((await search('lurning'))[0]?.match).toMatchObject({ kind: 'hidden' });
    expect((await search('améliorent'))[0]?.match).toMatchObject({ language: 'fr', kind: 'definition' });
    // A language filter searches that language only.
    expect(await search('learning', '&language=fr')).toEqual([]);
    expect((await search('apprentissage', '&language=fr'))[0]?.id).toBe(term.id);
    const unknown = await call(reader, 'GET', `/api/terms?q=x&language=klingon`);
    expect(unknown.statusCode).toBe(400);
  });

  it('uses a text-search configuration that the server has for every language it maps', async () => {
    const { rows } = (await context.database.db.execute(sql`
      SELECT tag, lexikon_regconfig(tag)::text AS config FROM unnest(ARRAY['ar','da','nl','en','fi','fr','de','el','hu','id','ga','it','lt','ne','nb','pt','ro','ru','es','sv','ta','tr','ja','zh-Hant']) AS tag`)) as unknown as {
      rows: { tag: string; config: string }[];
    };
    expect(rows.find((row) => row.tag === 'ja')?.config).toBe('simple');
    expect(rows.find((row) => row.tag === 'pt')?.config).toBe('portuguese');
    expect(new Set(rows.map((row) => row.config)).size).toBe(23);
  });
});

describe('definition quality, per language and label-aware', () => {
  it('reports missing translations, labels shared with other concepts and a definition by its own synonym', async () => {
    const slug = await vocabulary({ pref_label_uniqueness: 'none' });
    const other = await createTerm(context, owner, {
      term: 'Regression',
      vocabulary: slug,
      domain: 'Statistics',
    });
    const term = await createTerm(context, owner, {
      term: 'Regression',
      definition: 'A supervised task that predicts a continuous quantity from input features.',
      domain: 'Machine learning',
      vocabulary: slug,
      pref_labels: { fr: 'Régression' },
      alt_labels: [{ language: 'en', text: 'continuous quantity', kind: 'synonym' }],
    });
    const validated = await call(owner, 'POST', `/api/terms/${term.id}/validate`);
    expect(validated.statusCode, validated.body).toBe(201);
    const findings = validated.json().findings as {
      rule: string;
      severity: string;
      related_term_ids: string[];
    }[];
    const byRule = Object.fromEntries(findings.map((finding) => [finding.rule, finding]));
    expect(byRule['missing-translation']).toMatchObject({ severity: 'info' });
    expect(byRule['shared-pref-label']).toMatchObject({ severity: 'info', related_term_ids: [other.id] });
    expect(byRule['circular-synonym']).toMatchObject({ severity: 'warning' });
  });
});

describe('browsing a vocabulary', () => {
  it('walks the broader/narrower tree a level at a time, by label, with counts and pages', async () => {
    const slug = await vocabulary();
    const make = (term: string, extra: Record<string, unknown> = {}) =>
      createTerm(context, owner, { term, vocabulary: slug, ...extra });
    const learning = await make('Learning', { pref_labels: { fr: 'Apprentissage' } });
    const supervised = await make('Supervised learning');
    const unsupervised = await make('Unsupervised learning');
    const classification = await make('Classification');
    const loose = await make('Agent');
    for (const [source, target] of [
      [supervised, learning],
      [unsupervised, learning],
      [classification, supervised],
    ] as const) {
      const related = await call(owner, 'POST', `/api/terms/${source.id}/relations`, {
        target_id: target.id,
        type: 'is_a',
      });
      expect(related.statusCode, related.body).toBe(201);
    }
    // Anonymously: the vocabulary is public.
    const top = await call(null, 'GET', `/api/vocabularies/${slug}/hierarchy`);
    expect(top.statusCode, top.body).toBe(200);
    expect(top.json()).toMatchObject({
      parent: null,
      items: [
        { id: loose.id, term: 'Agent', narrower: 0 },
        { id: learning.id, term: 'Learning', narrower: 2, pref_labels: { fr: 'Apprentissage' } },
      ],
      next_cursor: null,
    });
    const first = await call(
      null,
      'GET',
      `/api/vocabularies/${slug}/hierarchy?parent=${learning.id}&limit=1`,
    );
    expect(first.json().items).toMatchObject([{ id: supervised.id, narrower: 1 }]);
    const second = await call(
      null,
      'GET',
      `/api/vocabularies/${slug}/hierarchy?parent=${learning.id}&limit=1&cursor=${first.json().next_cursor}`,
    );
    expect(second.json()).toMatchObject({ items: [{ id: unsupervised.id }], next_cursor: null });

    // A concept's relations, anonymously, as the concept page shows them (broader and narrower).
    const relations = await call(null, 'GET', `/api/vocabularies/${slug}/terms/${supervised.id}/relations`);
    expect(relations.statusCode, relations.body).toBe(200);
    expect(
      relations
        .json()
        .items.map((relation: { source: { id: string }; target: { id: string } }) => [
          relation.source.id,
          relation.target.id,
        ])
        .sort(),
    ).toEqual(
      [
        [classification.id, supervised.id],
        [supervised.id, learning.id],
      ].sort(),
    );
    const hidden0 = await vocabulary({ visibility: 'private' });
    expect(
      (await call(null, 'GET', `/api/vocabularies/${hidden0}/terms/${supervised.id}/relations`)).statusCode,
    ).toBe(404);

    // A concept of another vocabulary is not a branch of this one; a private vocabulary is not there at all.
    const elsewhere = await createTerm(context, owner, { term: 'Elsewhere' });
    const foreign = await call(null, 'GET', `/api/vocabularies/${slug}/hierarchy?parent=${elsewhere.id}`);
    expect(foreign.statusCode).toBe(404);
    const hidden = await vocabulary({ visibility: 'private' });
    expect((await call(null, 'GET', `/api/vocabularies/${hidden}/hierarchy`)).statusCode).toBe(404);
    expect((await call(reader, 'GET', `/api/vocabularies/${hidden}/hierarchy`)).statusCode).toBe(404);
    expect((await call(owner, 'GET', `/api/vocabularies/${hidden}/hierarchy`)).statusCode).toBe(200);
  });

  it('lists with a total on request, each term with its other labels and the findings of its latest validation', async () => {
    const slug = await vocabulary();
    const checked = await createTerm(context, owner, {
      term: 'Overfitting',
      definition: 'Overfitting.',
      vocabulary: slug,
      pref_labels: { fr: 'Surapprentissage' },
    });
    await createTerm(context, owner, { term: 'Underfitting', vocabulary: slug });
    expect((await call(owner, 'POST', `/api/terms/${checked.id}/validate`)).statusCode).toBe(201);
    const page = await call(null, 'GET', `/api/vocabularies/${slug}/terms?limit=1&sort=term&with_total=true`);
    expect(page.statusCode, page.body).toBe(200);
    expect(page.json()).toMatchObject({
      total: 2,
      items: [
        {
          id: checked.id,
          pref_labels: { fr: 'Surapprentissage' },
          quality: { errors: expect.any(Number), warnings: expect.any(Number), infos: expect.any(Number) },
        },
      ],
    });
    // The definition only repeats the label: at least one finding is counted.
    const { errors, warnings } = page.json().items[0].quality;
    expect(errors + warnings).toBeGreaterThan(0);
    const next = await call(
      null,
      'GET',
      `/api/vocabularies/${slug}/terms?limit=1&sort=term&cursor=${page.json().next_cursor}`,
    );
    expect(next.json()).not.toHaveProperty('total');
    expect(next.json().items).toMatchObject([{ term: 'Underfitting', quality: null, pref_labels: {} }]);
  });
});
