import { describe, expect, it } from 'vitest';
import { demoRelations, demoTerms } from '../../src/demo/ai-ontology.ts';
import type { Neighbour, OtherTerm, ValidationSubject } from '../../src/validation/ports.ts';
import { RuleValidator, checkTerm } from '../../src/validation/rules/rule-validator.ts';
import { definitionSimilarity, NEAR_DUPLICATE_SIMILARITY } from '../../src/validation/rules/checks.ts';
import { stem } from '../../src/validation/rules/stem.ts';
import { nearDuplicateQuery } from '../../src/validation/repository.ts';
import { mulberry32 } from '../../src/demo/synthetic.ts';
import { detectLanguage, words } from '../../src/validation/rules/text.ts';
import { createMetrics } from '../../src/observability/metrics.ts';

const subject = (
  term: string,
  definition: string,
  domain: string | null = 'Test domain',
  context: { neighbours?: Neighbour[]; similar?: OtherTerm[] } = {},
): ValidationSubject => ({
  term: { id: '00000000-0000-4000-8000-000000000001', term, definition, domain, version: 1 },
  neighbours: context.neighbours ?? [],
  similar: context.similar ?? [],
});

const rulesFired = (value: ValidationSubject) =>
  checkTerm(value)
    .map((finding) => finding.rule)
    .sort();

const LONG_EN =
  'A statistical model that estimates the probability of a binary outcome from a weighted sum of input features passed through the logistic function, fitted by maximising the likelihood of the observed training examples.';

/**
 * Each row: a term, its definition and domain, and exactly the rules expected to fire. Clean rows expect
 * none: a finding there is a false positive, and counts as a failure.
 */
const table: {
  label: string;
  term: string;
  definition: string;
  domain?: string | null;
  expected: string[];
}[] = [
  // --- clean, English ---
  {
    label: 'EN clean: genus + differentia',
    term: 'Neural network',
    definition:
      'A model made of artificial neurons arranged in layers that transform an input into an output.',
    expected: [],
  },
  {
    label: 'EN clean: method',
    term: 'Gradient descent',
    definition:
      'An optimisation method that repeatedly moves the parameters against the slope of a loss function.',
    expected: [],
  },
  {
    label: 'EN clean: "a kind of" is a genus, not a hedge',
    term: 'Sparrow',
    definition: 'A kind of small passerine bird with brown and grey plumage.',
    expected: [],
  },
  {
    label: 'EN clean: "in a way that" and "usually" are not vague',
    term: 'Normalisation',
    definition:
      'A rescaling of data in a way that gives every feature the same range, usually between 0 and 1.',
    expected: [],
  },
  {
    label: 'EN clean: a word of the term as genus is not circular',
    term: 'Convolutional neural network',
    definition:
      'A neural network whose layers apply learned filters that slide over the input, used mostly for images.',
    expected: [],
  },
  {
    label: 'EN clean: "probability" is not "probably"',
    term: 'Likelihood',
    definition: 'The probability of the observed data given particular values of the parameters of a model.',
    expected: [],
  },
  // --- clean, French ---
  {
    label: 'FR clean: genre + différence',
    term: 'Réseau de neurones',
    definition: 'Modèle composé de neurones artificiels organisés en couches successives.',
    expected: [],
  },
  {
    label: 'FR clean: "peut être" (sans trait d’union) n’est pas une hésitation',
    term: 'Variable aléatoire',
    definition: 'Grandeur dont la valeur dépend du hasard et peut être décrite par une loi de probabilité.',
    expected: [],
  },
  {
    label: 'FR clean: « chose » seul n’est pas vague',
    term: 'Bien meuble',
    definition: 'Chose corporelle qui peut être déplacée sans perdre son identité ni sa valeur.',
    expected: [],
  },
  {
    label: 'FR clean: genre tiré du terme',
    term: 'Apprentissage supervisé',
    definition: "Apprentissage automatique à partir d'exemples annotés par la réponse attendue.",
    expected: [],
  },
  {
    label: 'FR clean: « ne repose pas sur » n’est pas « pas sûr »',
    term: 'Méthode non paramétrique',
    definition:
      'Méthode statistique qui ne repose pas sur une forme fixée à l’avance de la distribution des données.',
    expected: [],
  },
  // --- length and placeholders ---
  { label: 'EN too short', term: 'Cat', definition: 'A pet.', expected: ['definition-too-short'] },
  {
    label: 'FR trop courte',
    term: 'Chat',
    definition: 'Animal domestique.',
    expected: ['definition-too-short'],
  },
  {
    label: 'EN too long',
    term: 'Logistic regression',
    definition: LONG_EN,
    expected: ['definition-too-long'],
  },
  { label: 'EN placeholder', term: 'Perceptron', definition: 'TODO', expected: ['definition-placeholder'] },
  {
    label: 'FR texte provisoire',
    term: 'Perceptron',
    definition: 'À définir.',
    expected: ['definition-placeholder'],
  },
  // --- circularity ---
  {
    label: 'EN circular: the term itself',
    term: 'Overfitting',
    definition: 'Overfitting happens when a model overfits its training data and fails on new data.',
    expected: ['circular-term'],
  },
  {
    label: 'FR circulaire : le terme lui-même (au pluriel)',
    term: 'Ontologie',
    definition: 'Ensemble d’ontologies décrivant formellement les concepts partagés par une communauté.',
    expected: ['circular-term'],
  },
  {
    label: 'EN circular: every word of the term',
    term: 'Reinforcement learning',
    definition:
      'Learning in which an agent receives reinforcement signals from its environment after each action.',
    expected: ['circular-words'],
  },
  {
    label: 'FR circulaire : tous les mots du terme',
    term: 'Base de données',
    definition: 'Ensemble de données organisées dans une base pour pouvoir être consultées et mises à jour.',
    expected: ['circular-words'],
  },
  // --- vague and hedging ---
  {
    label: 'EN vague: stuff',
    term: 'Blockchain',
    definition: 'A ledger of transactions and stuff like that, stored on many computers at once.',
    expected: ['vague-wording'],
  },
  {
    label: 'FR vague : quelque chose',
    term: 'Algorithme',
    definition: "Suite d'instructions qui fait quelque chose avec des données en entrée.",
    expected: ['vague-wording'],
  },
  {
    label: 'EN hedging: perhaps',
    term: 'Dropout',
    definition:
      'A regularisation technique that perhaps reduces overfitting by randomly ignoring neurons during training.',
    expected: ['hedging'],
  },
  {
    label: 'FR hésitation : probablement, peut-être',
    term: 'Biais',
    definition:
      "Erreur systématique d'un modèle, probablement due à des données d'entraînement peut-être déséquilibrées.",
    expected: ['hedging'],
  },
  {
    label: 'EN empty genus: "a concept related to"',
    term: 'Distributed ledger',
    definition: 'A concept related to cryptocurrencies and distributed computing.',
    expected: ['empty-genus'],
  },
  {
    label: 'FR genre vide : « terme utilisé en »',
    term: 'Tokenisation',
    definition: 'Terme utilisé en traitement automatique des langues pour le découpage du texte.',
    expected: ['empty-genus'],
  },
  {
    label: 'EN open list (info)',
    term: 'Activation function',
    definition: 'A non-linear function applied to the output of a neuron, such as ReLU, sigmoid, tanh, etc.',
    expected: ['open-list'],
  },
  // --- several senses, missing domain ---
  {
    label: 'EN several senses (numbered)',
    term: 'Kernel',
    definition:
      '1) The core of an operating system. 2) A function computing an inner product in a feature space.',
    expected: ['multiple-senses'],
  },
  {
    label: 'FR plusieurs sens (« désigne aussi »)',
    term: 'Noyau',
    definition:
      "Partie centrale d'un système d'exploitation ; désigne aussi une fonction de similarité en apprentissage.",
    expected: ['multiple-senses'],
  },
  {
    label: 'EN no domain',
    term: 'Tensor',
    definition: 'A multi-dimensional array of numbers with a fixed number of axes and a shape.',
    domain: null,
    expected: ['missing-domain'],
  },
  {
    label: 'FR plusieurs défauts à la fois',
    term: 'Classification',
    definition: 'Truc de classification, etc.',
    domain: null,
    expected: ['circular-term', 'missing-domain', 'open-list', 'vague-wording'],
  },
];

describe('the rule validator, on a table of French and English definitions', () => {
  it('has enough rows, with clean definitions in both languages', () => {
    expect(table.length).toBeGreaterThanOrEqual(20);
    expect(table.filter((row) => row.expected.length === 0).length).toBeGreaterThanOrEqual(10);
  });

  it.each(table)('$label', ({ term, definition, domain, expected }) => {
    expect(rulesFired(subject(term, definition, domain === undefined ? 'Test domain' : domain))).toEqual(
      [...expected].sort(),
    );
  });
});

describe('each finding', () => {
  it('carries a type, a severity, an actionable explanation and the offending words', () => {
    const [finding] = checkTerm(
      subject('Overfitting', 'Overfitting happens when a model memorises its data.'),
    );
    expect(finding).toMatchObject({
      source: 'rules',
      rule: 'circular-term',
      type: 'circular_definition',
      severity: 'error',
      evidence: 'Overfitting',
    });
    expect(finding!.explanation).toMatch(/uses the term itself/);
    expect(finding!.suggestion).toMatch(/broader class/);
  });

  it('is written in the language of the definition and quotes the author’s own words', () => {
    const [finding] = checkTerm(
      subject('Algorithme', "Suite d'instructions qui fait Quelque Chose avec des données en entrée."),
    );
    expect(finding!.explanation).toMatch(/^Des mots vagues \(« Quelque Chose »\)/);
    expect(finding!.evidence).toBe('Quelque Chose');
  });

  it('uses the severities that decide what blocks validation', () => {
    const severities = Object.fromEntries(
      checkTerm(subject('Classification', 'Truc de classification, etc.', null)).map((finding) => [
        finding.rule,
        finding.severity,
      ]),
    );
    expect(severities).toEqual({
      'circular-term': 'error',
      'vague-wording': 'warning',
      'open-list': 'info',
      'missing-domain': 'warning',
    });
  });
});

describe('duplicate definitions', () => {
  const other = (
    term: string,
    definition: string,
    id = '00000000-0000-4000-8000-0000000000aa',
  ): OtherTerm => ({
    id,
    term,
    definition,
    domain: 'AI',
  });
  const own = 'A model made of artificial neurons arranged in layers.';

  it('flags an identical definition (case, accents and punctuation aside)', () => {
    const findings = checkTerm(
      subject('Neural net', own, 'AI', {
        similar: [other('Neural network', 'a model made of ARTIFICIAL neurons, arranged in layers')],
      }),
    );
    expect(findings).toEqual([
      expect.objectContaining({
        rule: 'duplicate-definition',
        type: 'duplicate_definition',
        severity: 'warning',
        evidence: 'Neural network',
        relatedTermIds: ['00000000-0000-4000-8000-0000000000aa'],
      }),
    ]);
    expect(findings[0]!.explanation).toMatch(/^Same definition as “Neural network” \(AI\)/);
  });

  it('flags a near-identical one, saying how close', () => {
    const [finding] = checkTerm(
      subject('Neural net', own, 'AI', {
        similar: [other('Layered model', 'A model made of artificial neurons arranged in stacked layers.')],
      }),
    );
    expect(finding!.explanation).toMatch(
      /Nearly the same definition as “Layered model” \(AI\) \(90 % of the words in common\)/,
    );
  });

  it('leaves related definitions that share some words alone', () => {
    expect(
      checkTerm(
        subject('Neural network', own, 'AI', {
          similar: [
            other('Perceptron', 'A single artificial neuron that separates inputs with a linear boundary.'),
            other('Deep learning', 'Training of neural networks with many layers of artificial neurons.'),
          ],
        }),
      ),
    ).toEqual([]);
  });

  it('only notes (info) a definition shared with a synonym', () => {
    const synonym = other('ANN', own);
    const [finding] = checkTerm(
      subject('Neural network', own, 'AI', {
        similar: [synonym],
        neighbours: [{ relationId: 'r1', type: 'synonym', direction: 'out', term: synonym }],
      }),
    );
    expect(finding).toMatchObject({ rule: 'duplicate-definition', severity: 'info' });
  });
});

describe('the near-duplicate candidate query', () => {
  /** Whether a definition matches the query (an OR of words or of pairs of words, as nearDuplicateQuery writes it). */
  const matches = (query: string, definition: string) => {
    const present = new Set(words(definition));
    return query.split(' | ').some((clause) =>
      clause
        .replace(/[()]/g, '')
        .split(' & ')
        .every((probe) => present.has(probe.replace(/^'|':B$/g, '').replaceAll("''", "'"))),
    );
  };
  const vocabulary = Array.from(
    { length: 60 },
    (_, index) => `word${index.toString(36)}${'x'.repeat(index % 5)}`,
  );

  it('matches every definition similar enough to be flagged, short or long (no false negative)', () => {
    const random = mulberry32(14);
    let checked = 0;
    for (let round = 0; round < 4000; round++) {
      const length = 5 + Math.floor(random() * 90);
      const subject = Array.from({ length }, () => vocabulary[Math.floor(random() * vocabulary.length)]!);
      const other = subject.filter(() => random() > 0.12);
      for (let added = Math.floor(random() * 4); added > 0; added--)
        other.push(vocabulary[Math.floor(random() * vocabulary.length)]!);
      const query = nearDuplicateQuery(subject.join(' '));
      if (query === null) continue;
      if (definitionSimilarity(subject.join(' '), other.join(' ')) < NEAR_DUPLICATE_SIMILARITY) continue;
      checked++;
      expect(matches(query, other.join(' ')), `${subject.join(' ')}\n${other.join(' ')}`).toBe(true);
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('asks for pairs of the missing + 2 rarest-looking words: content words first, longer first', () => {
    // 10 distinct words: a near-duplicate shares at least 8, so it has two of any four.
    expect(nearDuplicateQuery("A model of the world's languages learned from text.")).toBe(
      [
        "('languages':B & 'learned':B)",
        "('languages':B & 'model':B)",
        "('languages':B & 'world':B)",
        "('learned':B & 'model':B)",
        "('learned':B & 'world':B)",
        "('model':B & 'world':B)",
      ].join(' | '),
    );
    expect(nearDuplicateQuery('Too short.')).toBeNull();
  });
});

describe('relation consistency', () => {
  const b: OtherTerm = {
    id: '00000000-0000-4000-8000-0000000000bb',
    term: 'Mammal',
    definition: 'A warm-blooded vertebrate animal that feeds its young with milk.',
    domain: 'Biology',
  };
  const relation = (
    type: Neighbour['type'],
    direction: 'out' | 'in',
    id = `${type}-${direction}`,
  ): Neighbour => ({
    relationId: id,
    type,
    direction,
    term: b,
  });
  const dog = (neighbours: Neighbour[]) =>
    subject('Dog', 'A domesticated carnivorous mammal descended from the wolf.', 'Biology', { neighbours });

  it.each([
    ['A is_a B while B is_a A', [relation('is_a', 'out'), relation('is_a', 'in')], 'mutual-is-a', 'error'],
    [
      'A part_of B while B part_of A',
      [relation('part_of', 'out'), relation('part_of', 'in')],
      'mutual-part-of',
      'error',
    ],
    [
      'a synonym that is also an opposite',
      [relation('synonym', 'out'), relation('opposes', 'in')],
      'synonym-and-opposite',
      'error',
    ],
    [
      'a synonym that is also a parent',
      [relation('synonym', 'out'), relation('is_a', 'out')],
      'synonym-and-hierarchy',
      'warning',
    ],
    [
      'A precedes B while B precedes A',
      [relation('precedes', 'out'), relation('precedes', 'in')],
      'mutual-precedes',
      'warning',
    ],
  ] as const)('flags %s', (_label, neighbours, rule, severity) => {
    const findings = checkTerm(dog([...neighbours]));
    expect(findings).toEqual([
      expect.objectContaining({ rule, severity, type: 'inconsistent_relations', relatedTermIds: [b.id] }),
    ]);
  });

  it('accepts consistent relations', () => {
    expect(
      checkTerm(dog([relation('is_a', 'out'), relation('related_to', 'in'), relation('precedes', 'out')])),
    ).toEqual([]);
  });
});

describe('the demo ontology (definitions written by terminology practice)', () => {
  it('produces no finding at all: no false positives on 94 clean French and English terms', () => {
    const ids = new Map(
      demoTerms.map((term, index) => [
        term.key,
        `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
      ]),
    );
    const others: OtherTerm[] = demoTerms.map((term) => ({
      id: ids.get(term.key)!,
      term: term.term,
      definition: term.definition,
      domain: term.domain,
    }));
    const byId = new Map(others.map((other) => [other.id, other]));
    const reported: string[] = [];
    for (const term of demoTerms) {
      const id = ids.get(term.key)!;
      const neighbours: Neighbour[] = demoRelations.flatMap((relation, index): Neighbour[] => {
        if (relation.source === term.key)
          return [
            {
              relationId: `r${index}`,
              type: relation.type,
              direction: 'out',
              term: byId.get(ids.get(relation.target)!)!,
            },
          ];
        if (relation.target === term.key)
          return [
            {
              relationId: `r${index}`,
              type: relation.type,
              direction: 'in',
              term: byId.get(ids.get(relation.source)!)!,
            },
          ];
        return [];
      });
      const findings = checkTerm({
        term: { id, term: term.term, definition: term.definition, domain: term.domain, version: 1 },
        neighbours,
        similar: others,
      });
      reported.push(...findings.map((finding) => `${term.term}: ${finding.rule} — ${finding.explanation}`));
    }
    expect(demoTerms.length).toBe(94);
    expect(reported).toEqual([]);
  });
});

describe('building blocks', () => {
  it('stems inflections only, per language', () => {
    expect(['neurones', 'neurone'].map((word) => stem(word, 'fr'))).toEqual(['neuron', 'neuron']);
    expect(['artificielles', 'artificiel'].map((word) => stem(word, 'fr'))).toEqual([
      'artificiel',
      'artificiel',
    ]);
    expect(['ontologies', 'ontologie'].map((word) => stem(word, 'fr'))).toEqual(['ontologi', 'ontologi']);
    expect(['ontologies', 'ontology'].map((word) => stem(word, 'en'))).toEqual(['ontology', 'ontology']);
    expect(['learning', 'learned', 'learns'].map((word) => stem(word, 'en'))).toEqual([
      'learn',
      'learn',
      'learn',
    ]);
    expect(['embedding', 'embedded'].map((word) => stem(word, 'en'))).toEqual(['embed', 'embed']);
    expect(stem('organisation', 'fr')).not.toBe(stem('organe', 'fr'));
    expect(stem('thing', 'en')).toBe('thing');
  });

  it('tells French from English', () => {
    expect(detectLanguage('Modèle composé de neurones artificiels organisés en couches.')).toBe('fr');
    expect(detectLanguage('A model made of artificial neurons arranged in layers.')).toBe('en');
    expect(detectLanguage('Réseau')).toBe('fr');
  });

  it('counts its runs and findings in its own series', async () => {
    const metrics = createMetrics();
    const validator = new RuleValidator({ metrics });
    await validator.validate(subject('Cat', 'A pet.', null));
    await validator.validate(
      subject('Neural network', 'A model made of artificial neurons arranged in layers.'),
    );
    expect((await metrics.rules.validations.get()).values[0]!.value).toBe(2);
    const findings = (await metrics.rules.findings.get()).values;
    expect(Object.fromEntries(findings.map((value) => [value.labels.type, value.value]))).toEqual({
      definition_too_short: 1,
      missing_domain: 1,
    });
    expect((await metrics.llm.requests.get()).values).toEqual([]);
  });
});
