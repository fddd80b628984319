import {
  SHORT_DEFINITION_MAX_LENGTH,
  type FindingSeverity,
  type SemanticErrorType,
} from '@lexikon/contracts/validation';
import type { DraftFinding, Neighbour, OtherTerm, ValidationSubject } from '../ports.ts';
import {
  EMPTY_GENUS_PATTERNS,
  HEDGING_PHRASES,
  MULTIPLE_SENSE_PATTERNS,
  OPEN_LIST_PHRASES,
  PLACEHOLDER_DEFINITIONS,
  STOPWORDS,
  VAGUE_PHRASES,
} from './lexicon.ts';
import { stem } from './stem.ts';
import {
  excerpt,
  findPhrase,
  foldText,
  tokenize,
  type FoldedText,
  type Language,
  type Token,
} from './text.ts';

/**
 * The rules, one function each. Every finding says what is wrong and what to do, in the language of the
 * definition. Thresholds are constants here so a reviewer can see (and argue about) each one.
 */

export const MIN_DEFINITION_WORDS = 4;
export const MIN_DEFINITION_CHARACTERS = 20;
/** Share of words two definitions have in common above which they are "near-identical". */
export const NEAR_DUPLICATE_SIMILARITY = 0.8;
/** Near-duplicates need some substance to compare: two four-word definitions share words by chance. */
export const MIN_NEAR_DUPLICATE_WORDS = 5;
const MAX_DUPLICATES_REPORTED = 3;

export interface RuleContext {
  subject: ValidationSubject;
  language: Language;
  definition: FoldedText;
  tokens: Token[];
}

export type Rule = (context: RuleContext) => DraftFinding[];

type Bilingual = Record<Language, string>;

function finding(
  context: RuleContext,
  rule: string,
  type: SemanticErrorType,
  severity: FindingSeverity,
  explanation: Bilingual,
  suggestion: Bilingual | null,
  extra: { evidence?: string | null; relatedTermIds?: string[] } = {},
): DraftFinding {
  return {
    source: 'rules',
    rule,
    type,
    severity,
    explanation: explanation[context.language],
    suggestion: suggestion ? suggestion[context.language] : null,
    translations: {
      en: { explanation: explanation.en, suggestion: suggestion?.en ?? null },
      fr: { explanation: explanation.fr, suggestion: suggestion?.fr ?? null },
    },
    evidence: extra.evidence ?? null,
    relatedTermIds: extra.relatedTermIds ?? [],
  };
}

const quote = (language: Language, text: string) => (language === 'fr' ? `« ${text} »` : `“${text}”`);

function isPlaceholder(context: RuleContext): boolean {
  const bare = context.definition.folded.replace(/^[\s.…!?:;,"'«»()-]+|[\s.…!?:;,"'«»()-]+$/g, '');
  return context.tokens.length === 0 || PLACEHOLDER_DEFINITIONS.some((pattern) => pattern.test(bare));
}

export const placeholderDefinition: Rule = (context) =>
  isPlaceholder(context)
    ? [
        finding(
          context,
          'definition-placeholder',
          'missing_definition',
          'error',
          {
            en: 'The definition is a placeholder, not a definition.',
            fr: 'La définition est un texte provisoire, pas une définition.',
          },
          {
            en: 'Write what the term designates: its broader class, then what sets it apart.',
            fr: 'Écrivez ce que le terme désigne : sa catégorie plus large, puis ce qui le distingue.',
          },
          { evidence: context.definition.original },
        ),
      ]
    : [];

export const definitionLength: Rule = (context) => {
  if (isPlaceholder(context)) return [];
  const length = context.definition.original.length;
  const count = context.tokens.length;
  if (count < MIN_DEFINITION_WORDS || length < MIN_DEFINITION_CHARACTERS)
    return [
      finding(
        context,
        'definition-too-short',
        'definition_too_short',
        'warning',
        {
          en: `Only ${count} word${count === 1 ? '' : 's'} (${length} characters): too little to say what the term is and how it differs from related terms.`,
          fr: `Seulement ${count} mot${count === 1 ? '' : 's'} (${length} caractères) : trop peu pour dire ce qu'est le terme et ce qui le distingue des termes voisins.`,
        },
        {
          en: 'Name the broader class (genus) and the distinguishing feature (differentia), e.g. "A model made of artificial neurons arranged in layers."',
          fr: 'Nommez la catégorie plus large (genre) et le trait distinctif (différence), p. ex. « Modèle composé de neurones artificiels organisés en couches. »',
        },
      ),
    ];
  if (length > SHORT_DEFINITION_MAX_LENGTH)
    return [
      finding(
        context,
        'definition-too-long',
        'definition_too_long',
        'warning',
        {
          en: `${length} characters: a short definition holds in ${SHORT_DEFINITION_MAX_LENGTH}. Long definitions mix the meaning with examples and history, and models pick up the wrong part.`,
          fr: `${length} caractères : une définition courte tient en ${SHORT_DEFINITION_MAX_LENGTH}. Une définition longue mêle le sens, les exemples et l'histoire, et un modèle retient la mauvaise partie.`,
        },
        {
          en: 'Keep the genus and differentia; move examples, history and usage notes to related terms.',
          fr: 'Gardez le genre et la différence ; déplacez exemples, historique et notes d’usage vers des termes liés.',
        },
      ),
    ];
  return [];
};

export const circularDefinition: Rule = (context) => {
  const { language, tokens } = context;
  const termText = foldText(context.subject.term.term);
  const termWords = tokenize(termText).map((token) => token.word);
  const contentStems = [
    ...new Set(termWords.filter((word) => !STOPWORDS.has(word)).map((word) => stem(word, language))),
  ];
  if (contentStems.length === 0 || tokens.length === 0) return [];
  const termStems = termWords.map((word) => stem(word, language));
  const definitionStems = tokens.map((token) => stem(token.word, language));
  const name = context.subject.term.term;

  for (let start = 0; start + termStems.length <= definitionStems.length; start++) {
    if (termStems.every((word, offset) => definitionStems[start + offset] === word)) {
      const evidence = excerpt(
        context.definition,
        tokens[start]!.start,
        tokens[start + termStems.length - 1]!.end,
      );
      return [
        finding(
          context,
          'circular-term',
          'circular_definition',
          'error',
          {
            en: `The definition uses the term itself (${quote('en', evidence)}): a reader who does not know ${quote('en', name)} learns nothing.`,
            fr: `La définition emploie le terme lui-même (${quote('fr', evidence)}) : qui ne connaît pas ${quote('fr', name)} n'apprend rien.`,
          },
          {
            en: 'Define it with other words: the broader class it belongs to, then what distinguishes it.',
            fr: 'Définissez-le avec d’autres mots : la catégorie dont il fait partie, puis ce qui le distingue.',
          },
          { evidence },
        ),
      ];
    }
  }

  if (contentStems.length >= 2 && contentStems.every((word) => definitionStems.includes(word))) {
    const evidence = tokens
      .filter((token) => contentStems.includes(stem(token.word, language)))
      .map((token) => excerpt(context.definition, token.start, token.end))
      .filter((word, index, all) => all.indexOf(word) === index)
      .join(', ');
    return [
      finding(
        context,
        'circular-words',
        'circular_definition',
        'warning',
        {
          en: `Every word of the term reappears in the definition (${evidence}): it restates ${quote('en', name)} instead of explaining it.`,
          fr: `Tous les mots du terme reviennent dans la définition (${evidence}) : elle reformule ${quote('fr', name)} au lieu de l'expliquer.`,
        },
        {
          en: 'Explain at least one of these words through what it means.',
          fr: 'Expliquez au moins un de ces mots par ce qu’il veut dire.',
        },
        { evidence },
      ),
    ];
  }
  return [];
};

function phraseHits(context: RuleContext, phrases: readonly string[]): string[] {
  const hits: { start: number; text: string }[] = [];
  for (const phrase of phrases)
    for (const hit of findPhrase(context.definition, phrase))
      hits.push({ start: hit.start, text: excerpt(context.definition, hit.start, hit.end) });
  return [...new Set(hits.sort((a, b) => a.start - b.start).map((hit) => hit.text))];
}

export const vagueWording: Rule = (context) => {
  const findings: DraftFinding[] = [];
  const { language } = context;
  const list = (hits: string[]) => hits.map((hit) => quote(language, hit)).join(', ');

  const vague = phraseHits(context, VAGUE_PHRASES);
  if (vague.length > 0)
    findings.push(
      finding(
        context,
        'vague-wording',
        'too_vague',
        'warning',
        {
          en: `Vague wording (${list(vague)}) stands in for content the reader cannot recover.`,
          fr: `Des mots vagues (${list(vague)}) remplacent un contenu que le lecteur ne peut pas deviner.`,
        },
        { en: 'Say exactly what is meant.', fr: 'Dites précisément ce qui est visé.' },
        { evidence: vague.join(', ') },
      ),
    );

  const hedges = phraseHits(context, HEDGING_PHRASES);
  if (hedges.length > 0)
    findings.push(
      finding(
        context,
        'hedging',
        'too_vague',
        'warning',
        {
          en: `Hedging (${list(hedges)}): a definition states what holds; a model cannot tell which part is certain.`,
          fr: `Des tournures hésitantes (${list(hedges)}) : une définition affirme ce qui est vrai ; un modèle ne peut pas savoir quelle partie est sûre.`,
        },
        {
          en: 'Check the fact and state it plainly, or leave it out.',
          fr: 'Vérifiez le fait et affirmez-le simplement, ou retirez-le.',
        },
        { evidence: hedges.join(', ') },
      ),
    );

  const genus = EMPTY_GENUS_PATTERNS.map((pattern) => pattern.exec(context.definition.folded)).find(Boolean);
  if (genus)
    findings.push(
      finding(
        context,
        'empty-genus',
        'too_vague',
        'warning',
        {
          en: 'The definition says which field the term belongs to, not what it is.',
          fr: 'La définition dit à quel domaine le terme appartient, pas ce qu’il est.',
        },
        {
          en: 'Start with the broader class the term is a kind of (a method, a model, a property…).',
          fr: 'Commencez par la catégorie dont le terme est une espèce (une méthode, un modèle, une propriété…).',
        },
        { evidence: excerpt(context.definition, genus.index, genus.index + genus[0].length) },
      ),
    );

  const open = phraseHits(context, OPEN_LIST_PHRASES);
  if (open.length > 0)
    findings.push(
      finding(
        context,
        'open-list',
        'too_vague',
        'info',
        {
          en: `An open list (${list(open)}) leaves the reader to guess what else belongs.`,
          fr: `Une liste ouverte (${list(open)}) laisse deviner ce qu’elle contient d’autre.`,
        },
        {
          en: 'Name the criterion the examples share, or close the list.',
          fr: 'Nommez le critère commun aux exemples, ou fermez la liste.',
        },
        { evidence: open.join(', ') },
      ),
    );
  return findings;
};

export const multipleSenses: Rule = (context) => {
  const match = MULTIPLE_SENSE_PATTERNS.map((pattern) => pattern.exec(context.definition.folded)).find(
    Boolean,
  );
  if (!match) return [];
  return [
    finding(
      context,
      'multiple-senses',
      'ambiguous_definition',
      'warning',
      {
        en: 'The definition gives more than one sense: a model cannot tell which one a text means.',
        fr: 'La définition donne plusieurs sens : un modèle ne peut pas savoir lequel un texte emploie.',
      },
      {
        en: 'Keep one sense per term: create another term (in its own domain) for each other sense.',
        fr: 'Un sens par terme : créez un autre terme (dans son propre domaine) pour chaque autre sens.',
      },
      { evidence: excerpt(context.definition, match.index, match.index + match[0].length).trim() },
    ),
  ];
};

export const missingDomain: Rule = (context) =>
  context.subject.term.domain === null || context.subject.term.domain.trim() === ''
    ? [
        finding(
          context,
          'missing-domain',
          'missing_domain',
          'warning',
          {
            en: 'No domain: the same word means different things in different fields ("kernel" in operating systems and in machine learning).',
            fr: 'Aucun domaine : un même mot change de sens d’un domaine à l’autre (« noyau » en systèmes d’exploitation et en apprentissage automatique).',
          },
          {
            en: 'Set the field this definition belongs to.',
            fr: 'Indiquez le domaine auquel appartient cette définition.',
          },
        ),
      ]
    : [];

function wordSet(value: string): Set<string> {
  return new Set(tokenize(foldText(value)).map((token) => token.word));
}

/** Jaccard similarity of the two definitions' word sets; 1 for identical wording. */
export function definitionSimilarity(a: string, b: string): number {
  const left = wordSet(a);
  const right = wordSet(b);
  if (left.size === 0 || right.size === 0) return 0;
  let shared = 0;
  for (const word of left) if (right.has(word)) shared++;
  return shared / (left.size + right.size - shared);
}

export const duplicateDefinition: Rule = (context) => {
  const { language, subject } = context;
  if (isPlaceholder(context)) return [];
  const own = subject.term.definition;
  const synonyms = new Set(
    subject.neighbours
      .filter((neighbour) => neighbour.type === 'synonym')
      .map((neighbour) => neighbour.term.id),
  );
  const scored = subject.similar
    .filter((other) => other.id !== subject.term.id)
    .map((other) => ({ other, score: definitionSimilarity(own, other.definition) }))
    .filter(({ other, score }) => {
      if (score === 1) return true;
      return (
        score >= NEAR_DUPLICATE_SIMILARITY &&
        Math.min(wordSet(own).size, wordSet(other.definition).size) >= MIN_NEAR_DUPLICATE_WORDS
      );
    })
    .sort((a, b) => b.score - a.score)
    .slice(0, MAX_DUPLICATES_REPORTED);

  return scored.map(({ other, score }) => {
    const label = describe(language, other);
    const synonym = synonyms.has(other.id);
    const percent = Math.round(score * 100);
    return finding(
      context,
      'duplicate-definition',
      'duplicate_definition',
      synonym ? 'info' : 'warning',
      score === 1
        ? {
            en: `Same definition as ${label}${synonym ? ', its synonym' : ''}: a model cannot tell the two terms apart.`,
            fr: `Même définition que ${label}${synonym ? ', son synonyme' : ''} : un modèle ne peut pas distinguer les deux termes.`,
          }
        : {
            en: `Nearly the same definition as ${label} (${percent} % of the words in common)${synonym ? ', its synonym' : ''}.`,
            fr: `Presque la même définition que ${label} (${percent} % de mots en commun)${synonym ? ', son synonyme' : ''}.`,
          },
      synonym
        ? {
            en: 'Synonyms may share a definition; consider keeping it on one of them only.',
            fr: 'Des synonymes peuvent partager une définition ; envisagez de ne la garder que sur l’un d’eux.',
          }
        : {
            en: 'Say what distinguishes the two terms; if they mean the same thing, keep one and link the other as a synonym.',
            fr: 'Dites ce qui distingue les deux termes ; s’ils veulent dire la même chose, gardez-en un et liez l’autre comme synonyme.',
          },
      { evidence: other.term, relatedTermIds: [other.id] },
    );
  });
};

function describe(language: Language, other: OtherTerm): string {
  const name = quote(language, other.term);
  return other.domain === null ? name : `${name} (${other.domain})`;
}

/** Relation pairs that cannot both hold between the same two terms. */
export const relationConsistency: Rule = (context) => {
  const { language, subject } = context;
  const byOther = new Map<string, Neighbour[]>();
  for (const neighbour of subject.neighbours)
    byOther.set(neighbour.term.id, [...(byOther.get(neighbour.term.id) ?? []), neighbour]);

  const self = quote(language, subject.term.term);
  const findings: DraftFinding[] = [];
  for (const relations of byOther.values()) {
    const other = relations[0]!.term;
    const name = quote(language, other.term);
    const has = (type: string, direction?: 'out' | 'in') =>
      relations.some(
        (relation) => relation.type === type && (direction === undefined || relation.direction === direction),
      );
    const report = (rule: string, severity: FindingSeverity, explanation: Bilingual, suggestion: Bilingual) =>
      findings.push(
        finding(context, rule, 'inconsistent_relations', severity, explanation, suggestion, {
          evidence: other.term,
          relatedTermIds: [other.id],
        }),
      );

    for (const [type, en, fr] of [
      ['is_a', 'is a kind of', 'est une sorte de'],
      ['part_of', 'is part of', 'fait partie de'],
    ] as const) {
      if (has(type, 'out') && has(type, 'in'))
        report(
          `mutual-${type.replace('_', '-')}`,
          'error',
          {
            en: `${self} ${en} ${name} and ${name} ${en} ${self}: a hierarchy cannot loop.`,
            fr: `${self} ${fr} ${name} et ${name} ${fr} ${self} : une hiérarchie ne peut pas boucler.`,
          },
          {
            en: 'Keep the direction that is true and delete the other relation; if they are the same concept, use synonym.',
            fr: 'Gardez le sens qui est vrai et supprimez l’autre relation ; s’il s’agit du même concept, utilisez synonyme.',
          },
        );
    }
    if (has('synonym') && has('opposes'))
      report(
        'synonym-and-opposite',
        'error',
        {
          en: `${name} is recorded both as a synonym and as an opposite of ${self}.`,
          fr: `${name} est enregistré à la fois comme synonyme et comme contraire de ${self}.`,
        },
        {
          en: 'Delete the relation that is wrong.',
          fr: 'Supprimez la relation erronée.',
        },
      );
    if (has('synonym') && (has('is_a') || has('part_of')))
      report(
        'synonym-and-hierarchy',
        'warning',
        {
          en: `${name} is a synonym of ${self} and also above or below it in the hierarchy: a synonym means the same thing, neither broader nor narrower.`,
          fr: `${name} est synonyme de ${self} et aussi au-dessus ou au-dessous dans la hiérarchie : un synonyme a le même sens, ni plus large ni plus étroit.`,
        },
        {
          en: 'Keep either the synonym or the hierarchical relation.',
          fr: 'Gardez soit la synonymie, soit la relation hiérarchique.',
        },
      );
    if (has('precedes', 'out') && has('precedes', 'in'))
      report(
        'mutual-precedes',
        'warning',
        {
          en: `${self} precedes ${name} and ${name} precedes ${self}.`,
          fr: `${self} précède ${name} et ${name} précède ${self}.`,
        },
        {
          en: 'Keep the order that is true.',
          fr: 'Gardez l’ordre qui est vrai.',
        },
      );
  }
  return findings;
};

/** In the order findings are listed: the definition itself first, then its context. */
export const rules: readonly Rule[] = [
  placeholderDefinition,
  definitionLength,
  circularDefinition,
  vagueWording,
  multipleSenses,
  missingDomain,
  duplicateDefinition,
  relationConsistency,
];
