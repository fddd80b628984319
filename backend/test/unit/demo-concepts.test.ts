import { describe, expect, it } from 'vitest';
import { demoRelations, demoTerms } from '../../src/demo/ai-ontology.ts';
import { demoConcepts } from '../../src/demo/concepts.ts';
import { createTermBodySchema } from '../../src/terms/schemas.ts';

describe('the demo ontology as bilingual concepts', () => {
  const { concepts, relations } = demoConcepts();
  const byKey = new Map(concepts.map((concept) => [concept.key, concept]));

  it('makes one concept of each French term and its English counterpart, synonyms as alternative labels', () => {
    expect(concepts).toHaveLength(45);
    expect(byKey.get('fr-ia')).toMatchObject({
      term: 'Intelligence Artificielle',
      pref_labels: { en: demoTerms.find((term) => term.key === 'en-ai')!.term },
      alt_labels: expect.arrayContaining([
        { language: 'fr', text: 'IA', kind: 'abbreviation' },
        { language: 'en', text: 'AI', kind: 'abbreviation' },
      ]),
    });
    expect(byKey.get('fr-apprentissage-automatique')!.alt_labels).toContainEqual({
      language: 'fr',
      text: 'Apprentissage machine',
      kind: 'synonym',
    });
    expect(byKey.get('fr-partitionnement-de-donnees')!.alt_labels).toContainEqual({
      language: 'en',
      text: 'Cluster analysis',
      kind: 'synonym',
    });
    // Every concept is what the API accepts, with a cited definition in both languages.
    for (const { key: _key, ...concept } of concepts) {
      expect(createTermBodySchema.safeParse(concept).success, concept.term).toBe(true);
      expect(concept.sources.map((source) => source.language)).toEqual(['fr', 'en']);
    }
  });

  it('keeps every relation of either language once, between concepts, without the translation links', () => {
    const keys = new Set(concepts.map((concept) => concept.key));
    for (const relation of relations) {
      expect(keys.has(relation.source) && keys.has(relation.target)).toBe(true);
      expect(relation.source).not.toBe(relation.target);
    }
    expect(relations.some((relation) => relation.type === 'synonym')).toBe(false);
    const french = demoRelations.filter(
      (relation) =>
        relation.source.startsWith('fr-') && relation.target.startsWith('fr-') && relation.type !== 'synonym',
    );
    // At least every French relation (the English half repeats most of them).
    expect(relations.length).toBeGreaterThanOrEqual(french.length);
    expect(relations).toContainEqual(
      expect.objectContaining({ source: 'fr-apprentissage-automatique', target: 'fr-ia', type: 'is_a' }),
    );
  });
});
