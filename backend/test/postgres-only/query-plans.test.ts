/**
 * Every query a validation runs is served by an index at 100,000 terms (issue 14, item 6: the duplicate
 * rule's sequential scan took 3.5 s there and, under the workers' concurrency, passed the statement
 * timeout). The repository functions are called as the service calls them, on a Db that asks PostgreSQL
 * for the plan instead of the rows; a plan is refused when it reads a large table sequentially.
 */
import { sql, type SQL } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOntology, loadOntology, mulberry32 } from '../../src/demo/synthetic.ts';
import { createDatabase, rowsOf, type Database, type Db } from '../../src/platform/database/client.ts';
import { runMigrations } from '../../src/platform/database/migrate.ts';
import { jobsRepository } from '../../src/validation/jobs/repository.ts';
import { contentHash } from '../../src/validation/content-hash.ts';
import { validationRepository } from '../../src/validation/repository.ts';
import { createTestDatabaseUrl, testConfig } from '../support/test-app.ts';

const TERMS = 100_000;
const LARGE_TABLES = ['terms', 'relationships', 'term_validations', 'validation_findings', 'validation_jobs'];

/**
 * Definitions written the way people write: words drawn by Zipf's law from a 20,000-word vocabulary, the
 * frequent ones short (stop words first), the rare ones long. (The synthetic ontology's own definitions
 * come from a few dozen phrases, so that nearly every pair of them is a near-duplicate.)
 */
function naturalDefinitions(count: number, seed: number): string[] {
  const random = mulberry32(seed);
  const stop = ['the', 'of', 'a', 'and', 'to', 'in', 'that', 'is', 'by', 'for', 'with', 'or', 'as', 'from'];
  const syllables = [
    'ka',
    'lo',
    'mer',
    'tin',
    'vo',
    'sa',
    'rel',
    'du',
    'pri',
    'gan',
    'to',
    'bes',
    'ul',
    'no',
  ];
  const vocabulary = Array.from({ length: 20_000 }, (_, rank) => {
    if (rank < stop.length) return stop[rank]!;
    let word = '';
    for (let left = rank, parts = 2 + Math.floor(Math.log10(rank)); parts > 0; parts--) {
      word += syllables[left % syllables.length];
      left = Math.floor(left / syllables.length) + parts;
    }
    return `${word}${rank.toString(36)}`;
  });
  const cumulative: number[] = [];
  vocabulary.reduce((sum, _, rank) => (cumulative[rank] = sum + 1 / (rank + 1)), 0);
  const total = cumulative.at(-1)!;
  const draw = () => {
    const target = random() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle]! < target) low = middle + 1;
      else high = middle;
    }
    return vocabulary[low]!;
  };
  return Array.from({ length: count }, () => {
    const length = 8 + Math.floor(random() * 18);
    const text = Array.from({ length }, draw).join(' ');
    return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
  });
}

let database: Database;
let subject: { id: string; term: string; definition: string; domain: string | null; version: number };

beforeAll(async () => {
  const url = await createTestDatabaseUrl();
  database = createDatabase(testConfig({}, url).database, pino({ level: 'silent' }));
  await runMigrations(database);
  const started = performance.now();
  const generated = generateOntology({ terms: TERMS, seed: 14, relationsPerTerm: 1 });
  const definitions = naturalDefinitions(TERMS, 14);
  const ontology = {
    ...generated,
    terms: generated.terms.map((term, index) => ({ ...term, definition: definitions[index]! })),
  };
  await loadOntology(database.db, ontology);
  // A validation record with a finding naming another term for every term, and a finished job each:
  // the tables the requeue and claim queries read are as large as the terms table.
  await database.db.execute(sql`
    INSERT INTO term_validations (term_id, term_version, content_hash, trigger, validators, status, latency_ms)
    SELECT id, version, md5(definition), 'import', '{rules}', 'ok', 1 FROM terms`);
  await database.db.execute(sql`
    INSERT INTO validation_findings (validation_id, position, source, rule, type, severity, explanation, related_term_ids)
    SELECT v.id, 0, 'rules', 'duplicate-definition', 'duplicate_definition', 'warning', 'Seeded.',
           ARRAY[(SELECT t.id FROM terms t WHERE t.id > v.term_id ORDER BY t.id LIMIT 1)]::uuid[]
    FROM term_validations v`);
  await database.db.execute(sql`
    INSERT INTO validation_jobs (term_id, term_version, content_hash, status, max_attempts, attempts, finished_at)
    SELECT id, version, md5(definition), 'done', 3, 1, now() FROM terms`);
  await database.db.execute(sql`ANALYZE`);
  const [row] = rowsOf<typeof subject>(
    await database.db.execute(
      sql`SELECT id::text AS id, term, definition, domain, version FROM terms ORDER BY id OFFSET 4242 LIMIT 1`,
    ),
  );
  subject = row!;
  console.info(
    `query-plans: ${TERMS} terms loaded and analysed in ${Math.round(performance.now() - started)} ms`,
  );
}, 600_000);

afterAll(() => database?.close());

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** A Db whose execute() returns no rows and records the plan PostgreSQL would use. */
function explaining(db: Db, plans: PlanNode[]): Db {
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property !== 'execute') return Reflect.get(target, property, receiver);
      return async (query: SQL) => {
        const result = await target.execute(sql`EXPLAIN (FORMAT JSON) ${query}`);
        const [row] = rowsOf<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(result);
        plans.push(row!['QUERY PLAN'][0].Plan);
        return { rows: [], rowCount: 0 };
      };
    },
  });
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

const sequentialScans = (plans: PlanNode[]) =>
  plans
    .flatMap(nodes)
    .filter((node) => node['Node Type'] === 'Seq Scan' && LARGE_TABLES.includes(node['Relation Name'] ?? ''))
    .map((node) => node['Relation Name']);

const indexesUsed = (plans: PlanNode[]) =>
  [
    ...new Set(plans.flatMap(nodes).flatMap((node) => (node['Index Name'] ? [node['Index Name']] : []))),
  ].sort();

async function plansOf(run: (db: Db) => Promise<unknown>): Promise<PlanNode[]> {
  const plans: PlanNode[] = [];
  await run(explaining(database.db, plans));
  expect(plans.length).toBeGreaterThan(0);
  return plans;
}

describe(`the queries of a validation, at ${TERMS.toLocaleString('en')} terms`, () => {
  it('find duplicate and near-duplicate definitions through the definition-hash and full-text indexes', async () => {
    const plans = await plansOf((db) => validationRepository.similarDefinitions(db, subject));
    expect(plans).toHaveLength(2);
    expect(sequentialScans(plans)).toEqual([]);
    expect(indexesUsed(plans)).toEqual(
      expect.arrayContaining(['terms_definition_hash_idx', 'terms_search_idx']),
    );
  });

  it("read a term's relations through the source and target indexes", async () => {
    const plans = await plansOf((db) => validationRepository.neighbours(db, subject.id));
    expect(sequentialScans(plans)).toEqual([]);
  });

  it('find the terms whose findings name a changed term through the findings GIN index', async () => {
    const plans = await plansOf((db) => validationRepository.termsWithFindingsAbout(db, subject.id));
    expect(sequentialScans(plans)).toEqual([]);
    expect(indexesUsed(plans)).toContain('validation_findings_related_idx');
  });

  it('check which duplicates already name a term without scanning the findings', async () => {
    const others = rowsOf<{ id: string }>(
      await database.db.execute(sql`SELECT id::text AS id FROM terms ORDER BY id DESC LIMIT 3`),
    ).map((row) => row.id);
    const plans = await plansOf((db) => validationRepository.termsNotYetMentioning(db, others, subject.id));
    expect(sequentialScans(plans)).toEqual([]);
  });

  it('queue and claim jobs through the queue indexes', async () => {
    const job = {
      termId: subject.id,
      termVersion: subject.version,
      contentHash: contentHash(subject),
      maxAttempts: 3,
      runAfter: new Date(),
      priority: 0 as const,
    };
    const enqueue = await plansOf((db) => jobsRepository.enqueueMany(db, [job]));
    expect(sequentialScans(enqueue)).toEqual([]);
    const claim = await plansOf((db) =>
      jobsRepository.claim(db, { limit: 4, workerId: 'plans', now: new Date(), leaseMs: 60_000 }),
    );
    expect(sequentialScans(claim)).toEqual([]);
  });
});
