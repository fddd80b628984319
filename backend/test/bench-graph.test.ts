// The graph benchmark's building blocks: the same-answer checks, the decision rules, the like-for-like
// SQL (checked against Cypher's path semantics computed here, so no Neo4j is needed), the interleaving
// and the report. The benchmark itself (both engines, thousands of traversals) is `npm run bench:graph`.
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertSame,
  compareMultisets,
  compareSets,
  compareSubgraphs,
  DifferentAnswersError,
  rowKey,
  type ReachedRow,
} from '../../bench/lib/graph-compare.ts';
import { adrRule, seedRule } from '../../bench/lib/graph-decision.ts';
import { renderGrowthChart } from '../../bench/lib/graph-chart.ts';
import { degreeProfile } from '../../bench/lib/graph-data.ts';
import { measureInterleaved, measurementOf } from '../../bench/lib/graph-measure.ts';
import {
  LIKE_FOR_LIKE_SQL,
  reachedByLikeForLikeSql,
  reachedBySeedSql,
} from '../../bench/lib/graph-queries.ts';
import {
  decisionsFor,
  renderMarkdown,
  renderSummary,
  type SizeResult,
} from '../../bench/lib/graph-report.ts';
import {
  generateOntology,
  HUB_TERM,
  loadOntology,
  type SyntheticOntology,
  type SyntheticRelationType,
} from '../src/demo/synthetic.ts';
import { SEED_TRAVERSAL_SQL } from '../src/graph/seed-query.ts';
import { createDatabase, rowsOf, type Database } from '../src/platform/database/client.ts';
import { runMigrations } from '../src/platform/database/migrate.ts';
import { createTestDatabaseUrl, testConfig } from './support/test-app.ts';

describe('same-answer checks', () => {
  it('compares multisets: the same keys the same number of times', () => {
    expect(compareMultisets(['a', 'b', 'b'], ['b', 'a', 'b']).equal).toBe(true);
    const differ = compareMultisets(['a', 'b', 'b'], ['a', 'b', 'c']);
    expect(differ).toMatchObject({
      equal: false,
      leftSize: 3,
      rightSize: 3,
      onlyLeft: ['b'],
      onlyRight: ['c'],
    });
    expect(compareMultisets(['x', 'x', 'x'], ['x']).onlyLeft).toEqual(['x ×2']);
  });

  it('compares sets, ignoring repeats', () => {
    expect(compareSets(['a', 'a', 'b'], ['b', 'a'])).toMatchObject({
      equal: true,
      leftSize: 2,
      rightSize: 2,
    });
    expect(compareSets(['a'], ['a', 'b'])).toMatchObject({ equal: false, onlyLeft: [], onlyRight: ['b'] });
  });

  it('stops a run with both sides named when answers differ', () => {
    expect(() => assertSame('rows', ['PostgreSQL', 'Neo4j'], compareSets(['a'], ['a']))).not.toThrow();
    expect(() => assertSame('rows', ['PostgreSQL', 'Neo4j'], compareSets(['a', 'b'], ['a', 'c']))).toThrow(
      DifferentAnswersError,
    );
    expect(() => assertSame('rows', ['PostgreSQL', 'Neo4j'], compareSets(['a', 'b'], ['a', 'c']))).toThrow(
      /only in PostgreSQL: e\.g\. «b»; only in Neo4j: e\.g\. «c»/,
    );
  });

  it('compares subgraphs by terms at their depth, relations and reach, not by order', () => {
    const subgraph = {
      nodes: [
        { id: 'a', depth: 0 },
        { id: 'b', depth: 1 },
      ],
      edges: [{ id: 'r1' }],
      total_nodes: 2,
      truncated: false,
    };
    const reordered = { ...subgraph, nodes: [...subgraph.nodes].reverse() };
    expect(Object.values(compareSubgraphs(subgraph, reordered)).every((c) => c.equal)).toBe(true);
    const deeper = { ...subgraph, nodes: [subgraph.nodes[0]!, { id: 'b', depth: 2 }] };
    expect(compareSubgraphs(subgraph, deeper).nodes.equal).toBe(false);
    expect(compareSubgraphs(subgraph, { ...subgraph, edges: [] }).edges.equal).toBe(false);
    expect(compareSubgraphs(subgraph, { ...subgraph, total_nodes: 9, truncated: true }).reach.equal).toBe(
      false,
    );
  });
});

describe('decision rules', () => {
  it("the seed's rule keeps Neo4j under 50 ms only while PostgreSQL is over 200 ms", () => {
    expect(seedRule({ neo4jMs: 40, postgresMs: 250 }).verdict).toBe('keep-neo4j');
    expect(seedRule({ neo4jMs: 50, postgresMs: 250 }).verdict).toBe('silent');
    expect(seedRule({ neo4jMs: 40, postgresMs: 200 }).verdict).toBe('silent');
  });

  it("the seed's rule drops Neo4j when they are close (its own example) or PostgreSQL is faster", () => {
    expect(seedRule({ neo4jMs: 100, postgresMs: 120 })).toMatchObject({
      verdict: 'drop-neo4j',
      reason: expect.stringContaining('close'),
    });
    expect(seedRule({ neo4jMs: 100, postgresMs: 125 }).verdict).toBe('drop-neo4j');
    expect(seedRule({ neo4jMs: 100, postgresMs: 126 }).verdict).toBe('silent');
    expect(seedRule({ neo4jMs: 10, postgresMs: 3 })).toMatchObject({
      verdict: 'drop-neo4j',
      reason: expect.stringContaining('faster'),
    });
  });

  it('says why it is silent', () => {
    expect(seedRule({ neo4jMs: 20, postgresMs: 100 }).reason).toMatch(
      /5\.0× faster, but PostgreSQL is not over 200 ms/,
    );
    expect(seedRule({ neo4jMs: 60, postgresMs: 400 }).reason).toMatch(/Neo4j is not under 50 ms/);
  });

  it("ADR-0001's rule keeps Neo4j only under half of PostgreSQL's p95", () => {
    expect(adrRule({ neo4jMs: 49.9, postgresMs: 100 }).verdict).toBe('keep-neo4j');
    expect(adrRule({ neo4jMs: 50, postgresMs: 100 }).verdict).toBe('drop-neo4j');
    expect(adrRule({ neo4jMs: 100, postgresMs: 120 }).verdict).toBe('drop-neo4j');
  });

  it('refuses figures that are not latencies', () => {
    expect(() => adrRule({ neo4jMs: Number.NaN, postgresMs: 1 })).toThrow(RangeError);
    expect(() => seedRule({ neo4jMs: 1, postgresMs: -1 })).toThrow(RangeError);
  });
});

/**
 * Cypher's semantics for `(start)-[:TYPE*1..max]->(x) RETURN x.name, length(path)`: every path from the
 * start whose relationships are all distinct (nodes may repeat), one row per path.
 */
function cypherPathRows(
  ontology: SyntheticOntology,
  types: readonly SyntheticRelationType[],
  maxHops: number,
): ReachedRow[] {
  const names = new Map(ontology.terms.map((term) => [term.id, term.term]));
  const outgoing = new Map<string, { index: number; target: string }[]>();
  ontology.relations.forEach((relation, index) => {
    if (!types.includes(relation.type)) return;
    const list = outgoing.get(relation.source_id) ?? [];
    list.push({ index, target: relation.target_id });
    outgoing.set(relation.source_id, list);
  });
  const rows: ReachedRow[] = [];
  const walk = (at: string, used: Set<number>): void => {
    if (used.size === maxHops) return;
    for (const step of outgoing.get(at) ?? []) {
      if (used.has(step.index)) continue;
      used.add(step.index);
      rows.push({ name: names.get(step.target)!, hops: used.size });
      walk(step.target, used);
      used.delete(step.index);
    }
  };
  walk(ontology.terms[0]!.id, new Set());
  return rows;
}

describe('the seed queries on a generated graph', () => {
  // A seed whose related_to relations alone loop back to the hub within 3 hops: cycles are in play.
  const ontology = generateOntology({ terms: 1000, seed: 14 });
  let database: Database;

  beforeAll(async () => {
    database = createDatabase(
      testConfig({}, await createTestDatabaseUrl()).database,
      pino({ level: 'silent' }),
    );
    await runMigrations(database);
    await loadOntology(database.db, ontology);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('the like-for-like SQL returns exactly the rows of the seed Cypher (related_to, 1..3 hops, per path)', async () => {
    const rows = rowsOf<{ name: string; hops: number }>(
      await database.db.execute(sql.raw(LIKE_FOR_LIKE_SQL)),
    );
    const expected = cypherPathRows(ontology, ['related_to'], 3);
    expect(expected.length).toBeGreaterThan(20);
    // A path that comes back to the hub proves the cycles are in play.
    expect(expected.some((row) => row.name === HUB_TERM)).toBe(true);
    const comparison = compareMultisets(reachedByLikeForLikeSql(rows).map(rowKey), expected.map(rowKey));
    expect(comparison).toMatchObject({ equal: true, leftSize: expected.length });
  });

  it('the verbatim seed SQL asks another question: every type, 2 hops, the start included', async () => {
    const rows = rowsOf<{ term: string; depth: number }>(
      await database.db.execute(sql.raw(SEED_TRAVERSAL_SQL)),
    );
    expect(rows.filter((row) => row.depth === 1)).toEqual([expect.objectContaining({ term: HUB_TERM })]);
    expect(Math.max(...rows.map((row) => row.depth))).toBe(3);
    const allTypes = [...new Set(ontology.relations.map((relation) => relation.type))];
    const expected = cypherPathRows(ontology, allTypes, 2);
    expect(compareMultisets(reachedBySeedSql(rows).map(rowKey), expected.map(rowKey)).equal).toBe(true);
    const likeForLike = cypherPathRows(ontology, ['related_to'], 3);
    expect(compareMultisets(reachedBySeedSql(rows).map(rowKey), likeForLike.map(rowKey)).equal).toBe(false);
  });

  it('the like-for-like SQL is the seed SQL with three edits, line for line', () => {
    const seedLines = SEED_TRAVERSAL_SQL.split('\n');
    const changed = LIKE_FOR_LIKE_SQL.split('\n').filter((line, index) => line !== seedLines[index]);
    expect(changed.map((line) => line.trim())).toEqual([
      'SELECT id, term, 0 as depth',
      "WHERE tt.depth < 3 AND r.type = 'related_to'",
      'SELECT term AS name, depth AS hops FROM term_tree WHERE depth > 0;',
    ]);
  });
});

describe('degree profile', () => {
  it('shows the hub as the largest term and a long tail', () => {
    const profile = degreeProfile(generateOntology({ terms: 2000, seed: 7 }));
    expect(profile.hub).toBeGreaterThan(profile.nextLargest);
    expect(profile.hub).toBeGreaterThan(20 * profile.median);
    expect(degreeProfile({ terms: [{ id: 'a' } as never, { id: 'b' } as never], relations: [] })).toEqual({
      hub: 0,
      nextLargest: 0,
      median: 0,
    });
  });
});

describe('interleaved measurement', () => {
  it('runs every probe once per round, rotating who goes first, after the warm-up', async () => {
    const order: string[] = [];
    const probe = (key: 'a' | 'b' | 'c') => ({ key, run: async () => void order.push(key) });
    const result = await measureInterleaved([probe('a'), probe('b'), probe('c')], {
      warmupRounds: 1,
      warmupMaxSeconds: 60,
      rounds: 3,
      maxSeconds: 60,
      label: 'test',
      log: () => {},
    });
    expect(order.join('')).toBe('abc' + 'abc' + 'bca' + 'cab');
    expect(result).toMatchObject({ warmupRounds: 1, rounds: 3, cutShort: false });
    for (const key of ['a', 'b', 'c'] as const) expect(result.measurements[key].latency.count).toBe(3);
  });

  it('stops warming up and measuring at their time budgets, and says so', async () => {
    const slow = { key: 'slow' as const, run: () => new Promise((resolve) => setTimeout(resolve, 30)) };
    const result = await measureInterleaved([slow], {
      warmupRounds: 1_000_000,
      warmupMaxSeconds: 0.1,
      rounds: 1_000_000,
      maxSeconds: 0.1,
      label: 'test',
      log: () => {},
    });
    expect(result.warmupRounds).toBeGreaterThan(0);
    expect(result.warmupRounds).toBeLessThan(100);
    expect(result.cutShort).toBe(true);
    expect(result.rounds).toBeGreaterThan(0);
    expect(result.rounds).toBeLessThan(100);
    expect(result.measurements.slow.latency.count).toBe(result.rounds);
  });

  it('derives sequential throughput from the mean', () => {
    const measurement = measurementOf([10, 20, 30]);
    expect(measurement.latency).toMatchObject({ p50: 20, max: 30, mean: 20 });
    expect(measurement.perSecond).toBeCloseTo(50);
  });
});

describe('report', () => {
  const measured = (values: number[]) => measurementOf(values);
  const size = (terms: number, factor: number): SizeResult => ({
    terms,
    relations: terms * 3,
    relatedTo: Math.round(terms * 0.6),
    degrees: { hub: 364, nextLargest: 127, median: 5 },
    load: { generateMs: 100, postgresMs: 2000, analyzeMs: 300, neo4jMs: 4000, neo4jBatches: 4 },
    memory: { neo4jRssAfterLoadMiB: 500, neo4jRssAfterRunMiB: 600, postgresDatabaseMiB: 20 },
    seed: {
      warmupRounds: 2,
      rounds: 3,
      cutShort: false,
      measurements: {
        seedCypher: measured([2, 3, 4].map((v) => v * factor)),
        likeSql: measured([1, 2, 3].map((v) => v * factor)),
        seedSql: measured([5, 6, 7].map((v) => v * factor)),
      },
      sizes: {
        seedCypher: { rows: 148, distinct: 145 },
        likeSql: { rows: 148, distinct: 145 },
        seedSql: { rows: 725, distinct: 634 },
      },
    },
    production: {
      warmupRounds: 1,
      rounds: 3,
      cutShort: true,
      measurements: {
        neo4j: measured([10, 11, 12].map((v) => v * factor)),
        postgres: measured([30, 31, 32].map((v) => v * factor)),
      },
      sizes: {
        neo4j: { nodes: 500, edges: 800, totalNodes: 2800, truncated: true },
        postgres: { nodes: 500, edges: 800, totalNodes: 2800, truncated: true },
      },
    },
  });
  const sizes = [size(5000, 1), size(50000, 10)];
  const parameters = {
    seed: 42,
    depth: 3,
    direction: 'out' as const,
    maxNodes: 500,
    rounds: 1000,
    warmupRounds: 100,
    warmupMaxSeconds: 30,
    maxSeconds: 600,
    neo4jHeap: '1g',
  };

  it('reads each rule on its pair: the like-for-like SQL for the seed question, the stores for production', () => {
    const decisions = decisionsFor(sizes[0]!);
    expect(decisions.seed.adrRule.verdict).toBe('drop-neo4j'); // Cypher slower than the SQL
    expect(decisions.production.adrRule.verdict).toBe('keep-neo4j'); // 12 < 0.5 × 32
    expect(decisions.production.seedRule.verdict).toBe('silent'); // 2.7× faster, PostgreSQL not over 200 ms
    const slowPostgres = {
      ...sizes[1]!,
      production: {
        ...sizes[1]!.production,
        measurements: { neo4j: measured([20, 30, 40]), postgres: measured([210, 220, 230]) },
      },
    };
    expect(decisionsFor(slowPostgres).production.seedRule.verdict).toBe('keep-neo4j');
  });

  it('renders every size, both rules, the budget warning and the machine facts', () => {
    const markdown = renderMarkdown({
      generatedAt: new Date('2026-11-26T00:00:00Z'),
      commit: 'abc1234',
      command: 'npm run bench:graph -- --terms 5000,50000',
      machine: {
        os: 'Linux',
        cpuModel: 'CPU',
        cpuCount: 2,
        memoryGiB: 8,
        node: 'v24',
        postgres: '15.18',
        neo4j: 'Neo4j Kernel 5.26.30 community',
        jvm: 'OpenJDK 17',
        loadBefore: [1, 1, 1],
        loadAfter: [2, 2, 2],
      },
      parameters,
      sizes,
      chart: 'graph-latency.svg',
    });
    expect(markdown).toContain('| 5,000 | production traversal');
    expect(markdown).toContain('| 50,000 | production traversal');
    expect(markdown).toContain('keep Neo4j');
    expect(markdown).toContain('PostgreSQL only');
    expect(markdown).toContain(
      '`GraphStore.related`: 1 warm-up rounds, 3 measured (⚠ the 600 s budget ended it before 1,000)',
    );
    expect(markdown).toContain('OpenJDK 17');
    expect(markdown).toContain('| 364 / 127 / 5 |');
    expect(markdown).toContain('`npm run bench:graph -- --terms 5000,50000`');
    const summary = renderSummary({ sizes, parameters });
    expect(summary).toMatch(/50,000 +PostgresGraphStore/);
    expect(summary).toContain('ADR rule → keep Neo4j');
  });

  it('draws one panel per pair with a curve per engine and percentile', () => {
    const svg = renderGrowthChart(
      'title',
      [
        {
          title: 'production',
          series: [
            {
              label: 'PostgreSQL',
              color: '#2563eb',
              points: sizes.map((s) => ({ terms: s.terms, ...s.production.measurements.postgres.latency })),
            },
            {
              label: 'Neo4j',
              color: '#059669',
              points: sizes.map((s) => ({ terms: s.terms, ...s.production.measurements.neo4j.latency })),
            },
          ],
        },
      ],
      [{ label: '200 ms', ms: 200, color: '#6b7280' }],
    );
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(6);
    expect(svg).toContain('50k');
    expect(svg).not.toContain('NaN');
  });
});
