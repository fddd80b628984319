/** The checks a concept's labels, definitions, notes, mappings and replacements pass before any write. */
import { describe, expect, it } from 'vitest';
import { planConceptParts, type PartsContext, type TargetConcept } from '../../src/terms/concept-parts.ts';

const known: TargetConcept[] = [
  {
    id: '00000000-0000-4000-8000-00000000000a',
    vocabularyId: 'other',
    iri: 'https://other.example/a',
    readable: true,
  },
  {
    id: '00000000-0000-4000-8000-00000000000b',
    vocabularyId: 'own',
    iri: 'https://own.example/b',
    readable: true,
  },
  {
    id: '00000000-0000-4000-8000-00000000000c',
    vocabularyId: 'secret',
    iri: 'https://secret.example/c',
    readable: false,
  },
];
const [inOther, inOwn, hidden] = known.map((target) => target.id) as [string, string, string];

const context = (overrides: Partial<PartsContext> = {}): PartsContext => ({
  termId: '00000000-0000-4000-8000-000000000001',
  vocabulary: { id: 'own', defaultLanguage: 'en', languages: ['en', 'fr', 'de'] },
  status: 'draft',
  targets: async (ids) =>
    new Map(known.filter((target) => ids.includes(target.id)).map((target) => [target.id, target])),
  ...overrides,
});

async function problems(body: Parameters<typeof planConceptParts>[0], overrides: Partial<PartsContext> = {}) {
  try {
    await planConceptParts(body, context(overrides));
    return [];
  } catch (error) {
    return (
      (error as { extensions: { errors: { path: string; message: string }[] } }).extensions.errors ?? []
    ).map((problem) => problem.path);
  }
}

describe('planning the parts of a concept', () => {
  it('turns what was sent into what is stored, resolving mappings to Lexikon concepts to their IRI', async () => {
    const change = await planConceptParts(
      {
        pref_labels: { fr: 'Apprentissage automatique' },
        alt_labels: [{ language: 'en', text: 'ML', kind: 'abbreviation' }],
        definitions: { fr: 'Une branche de l’intelligence artificielle.' },
        sources: [{ language: 'en', citation: 'Mitchell 1997', url: null }],
        mappings: [
          { type: 'exactMatch', iri: 'http://www.wikidata.org/entity/Q2539', label: null },
          { type: 'closeMatch', term_id: inOther, label: 'Machine learning' },
        ],
      },
      context(),
    );
    expect(change).toMatchObject({
      prefLabels: { fr: 'Apprentissage automatique' },
      altLabels: [{ language: 'en', text: 'ML', kind: 'abbreviation' }],
      mappings: [
        { type: 'exactMatch', iri: 'http://www.wikidata.org/entity/Q2539', termId: null },
        { type: 'closeMatch', iri: 'https://other.example/a', termId: inOther, label: 'Machine learning' },
      ],
      // An edit that is not deprecated clears what used to replace the concept.
      replacedBy: [],
    });
    expect(change.hiddenLabels).toBeUndefined();
  });

  it('reports every problem by field: languages, the default language, repeats', async () => {
    expect(
      await problems({
        pref_labels: { en: 'Twice', it: 'Non' },
        definitions: { en: 'Also twice.' },
        alt_labels: [
          { language: 'fr', text: 'Réseau', kind: 'synonym' },
          { language: 'fr', text: 'RESEAU', kind: 'variant' },
        ],
        hidden_labels: [{ language: 'es', text: 'x', kind: 'other' }],
        sources: [{ language: 'ja', citation: 'x', url: null }],
        notes: [{ kind: 'scope', language: 'pt', text: 'x' }],
      }),
    ).toEqual([
      'body.pref_labels.en',
      'body.pref_labels.it',
      'body.definitions.en',
      'body.alt_labels.1.text',
      'body.hidden_labels.0.language',
      'body.sources.0.language',
      'body.notes.0.language',
    ]);
  });

  it('maps only to readable concepts of other vocabularies, once each', async () => {
    expect(
      await problems({
        mappings: [
          { type: 'exactMatch', term_id: inOwn, label: null },
          { type: 'exactMatch', term_id: hidden, label: null },
          { type: 'broadMatch', iri: 'https://x.example/1', label: null },
          { type: 'broadMatch', iri: 'https://x.example/1', label: null },
        ],
      }),
    ).toEqual(['body.mappings.0.term_id', 'body.mappings.1.term_id', 'body.mappings.3']);
  });

  it('names replacements only for a deprecated concept, never itself or one the caller cannot read', async () => {
    expect(await problems({ replaced_by: [inOther] })).toEqual(['body.replaced_by']);
    const self = context().termId!;
    expect(
      await problems({ replaced_by: [self, hidden, inOther, inOther] }, { status: 'deprecated' }),
    ).toEqual(['body.replaced_by.0', 'body.replaced_by.1', 'body.replaced_by']);
    const change = await planConceptParts({ replaced_by: [inOther] }, context({ status: 'deprecated' }));
    expect(change.replacedBy).toEqual([inOther]);
    // A deprecated concept keeps its replacements when an edit leaves them out.
    expect((await planConceptParts({}, context({ status: 'deprecated' }))).replacedBy).toBeUndefined();
  });
});
