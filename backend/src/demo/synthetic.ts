/**
 * A synthetic ontology for benchmarks: N terms and about three relations per term, reproducible from a
 * seed. The shape matters more than the words: traversal cost depends on the degree distribution, so the
 * graph grows by preferential attachment (a few hubs, a long tail), with "Intelligence Artificielle" as
 * the biggest hub, the start of the benchmarked traversals.
 *
 * `generateOntology` is pure and engine-neutral (plain objects, snake_case like the API), so the same
 * data can be loaded into PostgreSQL here and into another engine (Neo4j) for comparison.
 */
import { revisionRecorder } from '../history/recorder.ts';
import type { Db } from '../platform/database/client.ts';
import { relationships, terms, type relationTypes, type termLevels } from '../platform/database/schema.ts';

export type SyntheticRelationType = (typeof relationTypes)[number];
export type SyntheticLevel = (typeof termLevels)[number];

export interface SyntheticTerm {
  id: string;
  term: string;
  definition: string;
  domain: string;
  level: SyntheticLevel;
}

export interface SyntheticRelation {
  source_id: string;
  target_id: string;
  type: SyntheticRelationType;
  strength: number;
}

export interface SyntheticOntology {
  terms: SyntheticTerm[];
  relations: SyntheticRelation[];
}

export interface GenerateOntologyOptions {
  terms: number;
  seed: number;
  /** Mean number of relations each new term brings; the total is about terms × relationsPerTerm. */
  relationsPerTerm?: number;
}

export const HUB_TERM = 'Intelligence Artificielle';
export const HUB_DOMAIN = 'Intelligence artificielle';

export const hierarchicalTypes: readonly SyntheticRelationType[] = ['is_a', 'part_of'];
export const symmetricTypes: readonly SyntheticRelationType[] = ['related_to', 'synonym', 'opposes'];

// Hierarchies dominate real ontologies; the rest is a mix of associative relations.
const TYPE_WEIGHTS: readonly (readonly [SyntheticRelationType, number])[] = [
  ['is_a', 28],
  ['part_of', 14],
  ['related_to', 20],
  ['influenced_by', 10],
  ['causes', 8],
  ['precedes', 8],
  ['opposes', 7],
  ['synonym', 5],
];
const CYCLE_TYPES: readonly SyntheticRelationType[] = ['causes', 'precedes', 'influenced_by'];
const LEVEL_WEIGHTS: readonly (readonly [SyntheticLevel, number])[] = [
  ['beginner', 25],
  ['intermediate', 40],
  ['advanced', 25],
  ['expert', 10],
];

const DOMAINS = [
  HUB_DOMAIN,
  'Apprentissage automatique',
  'Traitement du langage naturel',
  'Vision par ordinateur',
  'Statistiques',
  'Robotique',
  'Représentation des connaissances',
  'Optimisation',
  'Sciences cognitives',
  'Science des données',
  'Logique',
  'Éthique du numérique',
];
const HEADS = [
  'Réseau',
  'Modèle',
  'Algorithme',
  'Méthode',
  'Apprentissage',
  'Représentation',
  'Analyse',
  'Architecture',
  'Fonction',
  'Système',
  'Mécanisme',
  'Estimation',
  'Optimisation',
  'Classification',
  'Détection',
  'Segmentation',
  'Recherche',
  'Inférence',
  'Génération',
  'Traduction',
  'Planification',
  'Régularisation',
  'Normalisation',
  'Encodage',
  'Graphe',
  'Agent',
  'Noyau',
  'Espace',
  'Protocole',
  'Critère',
];
const COMPLEMENTS = [
  'de neurones',
  "d'attention",
  'de convolution',
  'de graphes',
  'de Markov',
  'de gradient',
  'de décision',
  'de régression',
  'de partitionnement',
  'de langage',
  "d'images",
  'de séquences',
  'de connaissances',
  'de contraintes',
  'de similarité',
  'de probabilité',
  'de perte',
  "d'entropie",
  'de récompense',
  'de politique',
  'de transfert',
  'de domaine',
  'de contexte',
  'de caractéristiques',
  'de dimension',
  "d'anomalies",
  "d'objets",
  'de texte',
  'de parole',
  'de trajectoire',
];
// Adjectives that do not change with gender, so any head takes any of them.
const QUALIFIERS = [
  'hiérarchique',
  'stochastique',
  'probabiliste',
  'symbolique',
  'dynamique',
  'robuste',
  'linéaire',
  'non linéaire',
  'explicable',
  'interprétable',
  'autonome',
  'fiable',
  'parallèle',
  'asynchrone',
  'éthique',
  'multi-échelle',
  'à noyau',
  'en ligne',
  'par lots',
  'à grande échelle',
];
const GENERA = [
  'Notion',
  'Technique',
  'Approche',
  'Famille de méthodes',
  'Concept',
  'Procédé',
  'Cadre théorique',
  'Outil',
];
const VERBS = [
  'estime',
  'combine',
  'représente',
  'compare',
  'optimise',
  'décompose',
  'apprend',
  'prédit',
  'sélectionne',
  'transforme',
];
const OBJECTS = [
  "les paramètres d'un modèle",
  'des représentations latentes',
  'la structure des données',
  'une fonction de coût',
  "des séquences d'observations",
  'les relations entre entités',
  'une distribution de probabilité',
  'des signaux bruités',
  "les décisions d'un agent",
  'un ensemble de contraintes',
];
const MANNERS = [
  'à partir d’exemples annotés',
  'sans supervision explicite',
  'de manière incrémentale',
  'en tenant compte de l’incertitude',
  'à l’aide d’heuristiques',
  'sous contraintes de ressources',
  'en exploitant le contexte',
  'par approximations successives',
];

const HUB_DEFINITION =
  "Domaine de l'informatique qui conçoit des systèmes capables d'accomplir des tâches exigeant " +
  'habituellement des facultés humaines : raisonner, apprendre, percevoir ou comprendre une langue.';

// Extra attachment weight for the hub: without it, the first few terms compete as equals and the hub
// would only be *a* large hub; the benchmarks want it to be *the* largest.
const HUB_ATTRACTIVENESS = 40;
// Associative relations mostly point away from the term that was attached to (usually the better
// connected one), so hubs have many outgoing edges, as "Intelligence Artificielle" has in real data.
const OUTWARD_FROM_HUB_PROBABILITY = 0.65;

/** mulberry32: tiny, fast, good enough for test data, and identical on every platform. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The same accent and case folding as the database's `lexikon_fold`, for the vocabulary used here. */
function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replaceAll('’', "'")
    .toLowerCase();
}

/** Relation identity as the database sees it: symmetric types are one fact whichever way they point. */
export function relationKey(source: string, target: string, type: SyntheticRelationType): string {
  if (symmetricTypes.includes(type))
    return source < target ? `${source}|${target}|${type}` : `${target}|${source}|${type}`;
  return `${source}|${target}|${type}`;
}

type Random = () => number;

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

function pickWeighted<T>(random: Random, weighted: readonly (readonly [T, number])[]): T {
  const total = weighted.reduce((sum, [, weight]) => sum + weight, 0);
  let threshold = random() * total;
  for (const [item, weight] of weighted) {
    threshold -= weight;
    if (threshold < 0) return item;
  }
  return weighted[weighted.length - 1]![0];
}

/** A version-4-shaped UUID drawn from the seeded stream, so ids are stable across runs and engines. */
function uuidFrom(random: Random): string {
  const words = Array.from({ length: 4 }, () => Math.floor(random() * 4_294_967_296));
  const hex = words.map((word) => word.toString(16).padStart(8, '0')).join('');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function generateOntology(options: GenerateOntologyOptions): SyntheticOntology {
  const count = Math.floor(options.terms);
  const relationsPerTerm = options.relationsPerTerm ?? 3;
  if (!Number.isFinite(count) || count < 1) throw new RangeError('terms must be at least 1');
  if (!(relationsPerTerm >= 1)) throw new RangeError('relationsPerTerm must be at least 1');
  // Independent streams: changing how names are drawn must not change the ids or the graph.
  const idRandom = mulberry32(options.seed ^ 0x1d5a7e3b);
  const textRandom = mulberry32(options.seed ^ 0x7e57ab1e);
  const graphRandom = mulberry32(options.seed);

  const generatedTerms = generateTerms(count, idRandom, textRandom);
  const graph = new RelationSet(generatedTerms);
  attachPreferentially(graph, graphRandom, relationsPerTerm);
  addFeedbackLoops(graph, graphRandom);
  return { terms: generatedTerms, relations: graph.relations };
}

function generateTerms(count: number, idRandom: Random, textRandom: Random): SyntheticTerm[] {
  const ids = new Set<string>();
  // The hub's name is reserved in every domain: the traversal looks it up by name alone.
  const taken = new Set<string>([fold(HUB_TERM)]);
  const result: SyntheticTerm[] = [];
  for (let index = 0; index < count; index++) {
    const id = uuidFrom(idRandom);
    if (ids.has(id)) throw new Error('synthetic id collision; choose another seed');
    ids.add(id);
    if (index === 0) {
      result.push({ id, term: HUB_TERM, definition: HUB_DEFINITION, domain: HUB_DOMAIN, level: 'beginner' });
      continue;
    }
    const domain = pickDomain(textRandom);
    const term = uniqueName(textRandom, domain, taken);
    result.push({
      id,
      term,
      definition: definitionOf(textRandom, domain),
      domain,
      level: pickWeighted(textRandom, LEVEL_WEIGHTS),
    });
  }
  return result;
}

/** Zipf-like domain sizes: a few large domains and several small ones. */
function pickDomain(random: Random): string {
  return pickWeighted(
    random,
    DOMAINS.map((domain, rank) => [domain, 1 / (rank + 1)] as const),
  );
}

function candidateName(random: Random): string {
  const shape = random();
  const head = pick(random, HEADS);
  if (shape < 0.4) return `${head} ${pick(random, COMPLEMENTS)}`;
  if (shape < 0.6) return `${head} ${pick(random, QUALIFIERS)}`;
  return `${head} ${pick(random, COMPLEMENTS)} ${pick(random, QUALIFIERS)}`;
}

/** Names are unique per domain under the database's folding; large ontologies fall back to numbering. */
function uniqueName(random: Random, domain: string, taken: Set<string>): string {
  let name = candidateName(random);
  for (let attempt = 0; attempt < 4 && taken.has(`${fold(domain)}|${fold(name)}`); attempt++)
    name = candidateName(random);
  const base = name;
  for (let suffix = 2; taken.has(`${fold(domain)}|${fold(name)}`); suffix++) name = `${base} ${suffix}`;
  taken.add(`${fold(domain)}|${fold(name)}`);
  return name;
}

function definitionOf(random: Random, domain: string): string {
  return `${pick(random, GENERA)} du domaine « ${domain} » qui ${pick(random, VERBS)} ${pick(random, OBJECTS)} ${pick(random, MANNERS)}.`;
}

/** Accumulates relations while enforcing the database's constraints (no self, no duplicate pair). */
class RelationSet {
  readonly terms: readonly SyntheticTerm[];
  readonly relations: SyntheticRelation[] = [];
  readonly #keys = new Set<string>();

  constructor(generatedTerms: readonly SyntheticTerm[]) {
    this.terms = generatedTerms;
  }

  has(source: number, target: number, type: SyntheticRelationType): boolean {
    return this.#keys.has(relationKey(this.terms[source]!.id, this.terms[target]!.id, type));
  }

  add(source: number, target: number, type: SyntheticRelationType, strength: number): boolean {
    if (source === target || this.has(source, target, type)) return false;
    const sourceId = this.terms[source]!.id;
    const targetId = this.terms[target]!.id;
    this.#keys.add(relationKey(sourceId, targetId, type));
    this.relations.push({ source_id: sourceId, target_id: targetId, type, strength });
    return true;
  }
}

const strengthOf = (random: Random): number => Math.round((0.2 + random() * 0.8) * 100) / 100;

/**
 * Barabási–Albert growth: each new term links to earlier terms chosen with probability proportional to
 * their degree + 1. `attachment` lists every term once per unit of weight, so a uniform pick from it is
 * a weighted pick.
 *
 * Hierarchical relations always point from the newer (narrower) term to the older (broader) one: term
 * indices strictly decrease along every is_a and part_of edge, so those two types can never form a cycle.
 */
function attachPreferentially(graph: RelationSet, random: Random, relationsPerTerm: number): void {
  const attachment: number[] = Array.from({ length: HUB_ATTRACTIVENESS + 1 }, () => 0);
  for (let newer = 1; newer < graph.terms.length; newer++) {
    // Uniform on 1 … 2r−1 (for integer r), so the mean is r and some terms bring many relations.
    const wanted = Math.min(newer, Math.floor(1 + random() * (2 * relationsPerTerm - 1)));
    const targets = new Set<number>();
    for (let draws = 0; targets.size < wanted && draws < wanted * 10; draws++)
      targets.add(pick(random, attachment));
    for (const older of targets) {
      const type = pickWeighted(random, TYPE_WEIGHTS);
      const outward = !hierarchicalTypes.includes(type) && random() < OUTWARD_FROM_HUB_PROBABILITY;
      const [source, target] = outward ? [older, newer] : [newer, older];
      if (graph.add(source, target, type, strengthOf(random))) attachment.push(older, newer);
    }
    attachment.push(newer);
  }
}

/**
 * Preferential attachment alone rarely closes a directed loop within one type; real causal and
 * historical data has some (feedback loops), and traversals must cope with them, so add a few 3-cycles.
 */
function addFeedbackLoops(graph: RelationSet, random: Random): void {
  const count = graph.terms.length;
  if (count < 3) return;
  const loops = Math.max(1, Math.round(count / 250));
  for (let added = 0, attempts = 0; added < loops && attempts < loops * 20; attempts++) {
    const [a, b, c] = [0, 1, 2].map(() => Math.floor(random() * count)) as [number, number, number];
    const type = pick(random, CYCLE_TYPES);
    if (a === b || b === c || a === c) continue;
    if (graph.has(a, b, type) || graph.has(b, c, type) || graph.has(c, a, type)) continue;
    graph.add(a, b, type, strengthOf(random));
    graph.add(b, c, type, strengthOf(random));
    graph.add(c, a, type, strengthOf(random));
    added++;
  }
}

// ---- loading into PostgreSQL (or PGlite) ----------------------------------------------------------------

export interface LoadProgress {
  table: 'terms' | 'relationships';
  done: number;
  total: number;
}

export interface LoadOntologyOptions {
  /** Recorded as the creator of every term and relation (a users.id), or null. */
  createdBy?: string | null;
  onProgress?: (progress: LoadProgress) => void;
}

const BATCH_SIZE = 1000;

/**
 * Bulk-inserts the ontology in one transaction, 1000 rows per multi-row INSERT: all or nothing, and a
 * few dozen round trips instead of one per row. The database still checks every constraint.
 */
export async function loadOntology(
  db: Db,
  ontology: SyntheticOntology,
  options: LoadOntologyOptions = {},
): Promise<{ terms: number; relations: number }> {
  const createdBy = options.createdBy ?? null;
  const report = options.onProgress ?? (() => {});
  await db.transaction(async (tx) => {
    for (const [start, batch] of batches(ontology.terms)) {
      await tx.insert(terms).values(batch.map((term) => ({ ...term, createdBy })));
      report({ table: 'terms', done: start + batch.length, total: ontology.terms.length });
    }
    for (const [start, batch] of batches(ontology.relations)) {
      await tx.insert(relationships).values(
        batch.map((relation) => ({
          sourceId: relation.source_id,
          targetId: relation.target_id,
          type: relation.type,
          strength: relation.strength,
          createdBy,
        })),
      );
      report({ table: 'relationships', done: start + batch.length, total: ontology.relations.length });
    }
    // Their history begins here: one change set, a revision per term (relations included).
    await revisionRecorder.record(
      tx,
      ontology.terms.map((term) => ({ termId: term.id, action: 'created' as const })),
      { authorId: createdBy },
    );
  });
  return { terms: ontology.terms.length, relations: ontology.relations.length };
}

function* batches<T>(items: readonly T[]): Generator<[number, T[]]> {
  for (let start = 0; start < items.length; start += BATCH_SIZE)
    yield [start, items.slice(start, start + BATCH_SIZE)];
}
