import { sql } from 'drizzle-orm';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import {
  generateOntology,
  hierarchicalTypes,
  HUB_DOMAIN,
  HUB_TERM,
  loadOntology,
  relationKey,
  symmetricTypes,
  type SyntheticOntology,
  type SyntheticRelation,
} from '../src/demo/synthetic.ts';
import { createDatabase, rowsOf } from '../src/platform/database/client.ts';
import { runMigrations } from '../src/platform/database/migrate.ts';
import { users } from '../src/platform/database/schema.ts';
import { createTestDatabaseUrl, testConfig } from './support/test-app.ts';

const ontology = generateOntology({ terms: 2000, seed: 7 });

/** Kahn's algorithm: true when the edges leave no node that is part of a cycle. */
function isAcyclic(edges: readonly SyntheticRelation[]): boolean {
  const indegree = new Map<string, number>();
  const children = new Map<string, string[]>();
  for (const edge of edges) {
    indegree.set(edge.target_id, (indegree.get(edge.target_id) ?? 0) + 1);
    if (!indegree.has(edge.source_id)) indegree.set(edge.source_id, 0);
    children.set(edge.source_id, [...(children.get(edge.source_id) ?? []), edge.target_id]);
  }
  const ready = [...indegree].filter(([, count]) => count === 0).map(([id]) => id);
  let removed = 0;
  while (ready.length > 0) {
    const node = ready.pop()!;
    removed++;
    for (const child of children.get(node) ?? []) {
      const left = indegree.get(child)! - 1;
      indegree.set(child, left);
      if (left === 0) ready.push(child);
    }
  }
  return removed === indegree.size;
}

function outDegrees(generated: SyntheticOntology): Map<string, number> {
  const degrees = new Map<string, number>();
  for (const relation of generated.relations)
    degrees.set(relation.source_id, (degrees.get(relation.source_id) ?? 0) + 1);
  return degrees;
}

describe('generateOntology', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(generateOntology({ terms: 2000, seed: 7 })).toEqual(ontology);
    const other = generateOntology({ terms: 2000, seed: 8 });
    expect(other.terms[1]!.id).not.toBe(ontology.terms[1]!.id);
  });

  it('makes N terms with uuid ids and unique (domain, term) names, the hub included once', () => {
    expect(ontology.terms).toHaveLength(2000);
    expect(new Set(ontology.terms.map((term) => term.id)).size).toBe(2000);
    for (const term of ontology.terms)
      expect(term.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab]/);
    const folded = ontology.terms.map((term) =>
      `${term.domain}|${term.term}`.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase(),
    );
    expect(new Set(folded).size).toBe(2000);
    const hubs = ontology.terms.filter((term) => term.term.toLowerCase() === HUB_TERM.toLowerCase());
    expect(hubs).toEqual([expect.objectContaining({ term: HUB_TERM, domain: HUB_DOMAIN })]);
  });

  it('averages about three relations per term and mixes every type', () => {
    expect(ontology.relations.length / ontology.terms.length).toBeGreaterThan(2.6);
    expect(ontology.relations.length / ontology.terms.length).toBeLessThan(3.4);
    const types = new Set(ontology.relations.map((relation) => relation.type));
    expect(types.size).toBe(8);
  });

  it('never relates a term to itself nor repeats a relation, symmetric ones in either direction', () => {
    const ids = new Set(ontology.terms.map((term) => term.id));
    const keys = new Set<string>();
    for (const relation of ontology.relations) {
      expect(relation.source_id).not.toBe(relation.target_id);
      expect(ids.has(relation.source_id) && ids.has(relation.target_id)).toBe(true);
      const key = relationKey(relation.source_id, relation.target_id, relation.type);
      expect(keys.has(key)).toBe(false);
      keys.add(key);
      expect(relation.strength).toBeGreaterThanOrEqual(0);
      expect(relation.strength).toBeLessThanOrEqual(1);
    }
    expect(symmetricTypes.length).toBe(3);
  });

  it('keeps is_a and part_of acyclic, while other types do have cycles', () => {
    const hierarchy = ontology.relations.filter((relation) => hierarchicalTypes.includes(relation.type));
    expect(isAcyclic(hierarchy)).toBe(true);
    const causal = ontology.relations.filter((relation) => relation.type === 'causes');
    const historical = ontology.relations.filter((relation) => relation.type === 'precedes');
    const influence = ontology.relations.filter((relation) => relation.type === 'influenced_by');
    expect([causal, historical, influence].some((edges) => !isAcyclic(edges))).toBe(true);
    // The seed's Cypher follows related_to alone (bench:graph): it must meet cycles too.
    const associative = ontology.relations.filter((relation) => relation.type === 'related_to');
    expect(isAcyclic(associative)).toBe(false);
  });

  it('grows hubs and a long tail, with the named hub among the largest out-degrees', () => {
    const degrees = outDegrees(ontology);
    const hub = ontology.terms.find((term) => term.term === HUB_TERM)!;
    const ranked = [...degrees.values()].sort((a, b) => b - a);
    expect(degrees.get(hub.id)).toBeGreaterThanOrEqual(ranked[4]!);
    const median = ranked[Math.floor(ranked.length / 2)]!;
    expect(ranked[0]!).toBeGreaterThan(10 * median);
  });
});

describe('loadOntology', () => {
  it('inserts every generated term and relation', async () => {
    const config = testConfig({}, await createTestDatabaseUrl());
    const database = createDatabase(config.database, pino({ level: 'silent' }));
    try {
      await runMigrations(database);
      const [user] = await database.db
        .insert(users)
        .values({ email: 'bench@example.org' })
        .returning({ id: users.id });
      const small = generateOntology({ terms: 300, seed: 1 });
      const progress: number[] = [];
      const loaded = await loadOntology(database.db, small, {
        createdBy: user!.id,
        onProgress: ({ done }) => progress.push(done),
      });
      expect(loaded).toEqual({ terms: 300, relations: small.relations.length });
      expect(progress.length).toBeGreaterThanOrEqual(2);
      const [counts] = rowsOf<{ terms: number; relations: number; mine: number }>(
        await database.db.execute(sql`
          SELECT (SELECT count(*) FROM terms)::int AS terms,
                 (SELECT count(*) FROM relationships)::int AS relations,
                 (SELECT count(*) FROM terms WHERE created_by = ${user!.id})::int AS mine`),
      );
      expect(counts).toEqual({ terms: 300, relations: small.relations.length, mine: 300 });
    } finally {
      await database.close();
    }
  });
});
