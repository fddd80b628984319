import type { ConceptPartsBody } from '../terms/schemas.ts';
import { demoRelations, demoTerms, type DemoLevel, type DemoRelation } from './ai-ontology.ts';

/**
 * The demo ontology as bilingual concepts: each French term and its English counterpart are one concept
 * (French preferred label and definition, English ones beside them), the synonym terms become alternative
 * labels of the concept they name, common abbreviations are added, and each definition cites how it was
 * written. Relations are those of either language, once each; the old French → English `related_to`
 * links disappear, since both labels are now the same concept.
 */

export const DEMO_VOCABULARY = {
  slug: 'ai-demo',
  title: { fr: 'Intelligence artificielle (démonstration)', en: 'Artificial intelligence (demo)' },
  description: {
    fr: 'Vocabulaire de démonstration de Lexikon : les notions de base de l’intelligence artificielle, en français et en anglais.',
    en: 'Lexikon’s demo vocabulary: the basic notions of artificial intelligence, in French and English.',
  },
  defaultLanguage: 'fr',
  languages: ['fr', 'en'],
  license: 'CC-BY-4.0',
} as const;

export interface DemoConcept extends Required<Pick<ConceptPartsBody, 'pref_labels' | 'definitions'>> {
  key: string;
  term: string;
  definition: string;
  domain: string;
  level: DemoLevel;
  alt_labels: { language: string; text: string; kind: 'synonym' | 'abbreviation' | 'acronym' }[];
  sources: { language: string; citation: string }[];
}

/** Abbreviations in use for some concepts, by the French key. */
const abbreviations: Record<string, { language: string; text: string }[]> = {
  'fr-ia': [
    { language: 'fr', text: 'IA' },
    { language: 'en', text: 'AI' },
  ],
  'fr-apprentissage-automatique': [{ language: 'en', text: 'ML' }],
  'fr-traitement-automatique-du-langage-naturel': [
    { language: 'fr', text: 'TALN' },
    { language: 'en', text: 'NLP' },
  ],
  'fr-grand-modele-de-langage': [{ language: 'en', text: 'LLM' }],
  'fr-generation-augmentee-par-recuperation': [{ language: 'en', text: 'RAG' }],
  'fr-reseau-de-neurones-convolutif': [{ language: 'en', text: 'CNN' }],
  'fr-apprentissage-par-renforcement-a-partir-de-retroaction-humaine': [{ language: 'en', text: 'RLHF' }],
};

// The definitions were written for this demo, after the terminology standard's method (genus and
// differentia): the citation says so rather than pointing at a source they were not taken from.
const citations = {
  fr: 'Ontologie de démonstration Lexikon : définition rédigée selon ISO 704:2022 (Travail terminologique — Principes et méthodes).',
  en: 'Lexikon demo ontology: definition written after ISO 704:2022 (Terminology work — Principles and methods).',
};

export function demoConcepts(): { concepts: DemoConcept[]; relations: DemoRelation[] } {
  const synonyms = new Map(
    demoRelations.filter((relation) => relation.type === 'synonym').map((r) => [r.source, r.target]),
  );
  const main = (prefix: 'fr-' | 'en-') =>
    demoTerms.filter((term) => term.key.startsWith(prefix) && !synonyms.has(term.key));
  const [french, english] = [main('fr-'), main('en-')];
  if (french.length !== english.length)
    throw new Error(`The demo has ${french.length} French and ${english.length} English terms to pair.`);
  // The two halves of the demo list the same notions in the same order.
  const conceptOf = new Map<string, string>();
  french.forEach((term, index) => {
    conceptOf.set(term.key, term.key);
    conceptOf.set(english[index]!.key, term.key);
  });
  for (const [synonym, target] of synonyms) conceptOf.set(synonym, conceptOf.get(target)!);
  // The old cross-language links are a check of the pairing: each joins two halves of one concept.
  for (const link of demoRelations.filter((r) => r.source.startsWith('fr-') && r.target.startsWith('en-')))
    if (conceptOf.get(link.source) !== conceptOf.get(link.target))
      throw new Error(`The demo pairs ${link.source} with another term than ${link.target}.`);

  const byKey = new Map(demoTerms.map((term) => [term.key, term]));
  const concepts = french.map((fr, index): DemoConcept => {
    const en = english[index]!;
    const alt = [...synonyms]
      .filter(([, target]) => conceptOf.get(target) === fr.key)
      .map(([synonym]) => ({
        language: synonym.slice(0, 2),
        text: byKey.get(synonym)!.term,
        kind: 'synonym' as const,
      }));
    return {
      key: fr.key,
      term: fr.term,
      definition: fr.definition,
      domain: fr.domain,
      level: fr.level,
      pref_labels: { en: en.term },
      definitions: { en: en.definition },
      alt_labels: [
        ...alt,
        ...(abbreviations[fr.key] ?? []).map((label) => ({ ...label, kind: 'abbreviation' as const })),
      ],
      sources: [
        { language: 'fr', citation: citations.fr },
        { language: 'en', citation: citations.en },
      ],
    };
  });

  const symmetric = new Set(['related_to', 'synonym', 'opposes']);
  const seen = new Set<string>();
  const relations: DemoRelation[] = [];
  for (const relation of demoRelations) {
    if (relation.type === 'synonym') continue;
    const [source, target] = [conceptOf.get(relation.source)!, conceptOf.get(relation.target)!];
    if (source === target) continue;
    const ends = symmetric.has(relation.type) ? [source, target].sort() : [source, target];
    const key = `${ends.join('>')}:${relation.type}`;
    if (seen.has(key)) continue;
    seen.add(key);
    relations.push({ ...relation, source, target });
  }
  return { concepts, relations };
}
