import { sql } from 'drizzle-orm';
import neo4j, { type Driver } from 'neo4j-driver';
import { rowsOf, type Db } from '../../platform/database/client.ts';
import type { MirrorRelation, MirrorTerm } from '../mirror.ts';
import { graphOutboxRepository } from '../outbox/repository.ts';
import { MIRROR_STATE_LABEL, relationTypeOf, TERM_LABEL } from './model.ts';

export type PropertyDifference = {
  id: string;
  property: string;
  postgres: unknown;
  neo4j: unknown;
};

export interface MirrorComparison {
  counts: { postgres: { terms: number; relations: number }; neo4j: { terms: number; relations: number } };
  /** Ids in PostgreSQL, not in Neo4j. */
  missingTerms: string[];
  /** Ids in Neo4j, not in PostgreSQL. */
  extraTerms: string[];
  termDifferences: PropertyDifference[];
  missingRelations: string[];
  extraRelations: string[];
  /** Same relation id, different ends, type or strength. */
  relationDifferences: PropertyDifference[];
  /** Relation ids present more than once in Neo4j. */
  duplicateRelations: string[];
  /** A resync started and did not finish: the mirror is known to be incomplete. */
  rebuilding: boolean;
  /** Outbox rows not applied yet: changes made since may explain differences (they are on their way). */
  outbox: { pending: number; failed: number };
  identical: boolean;
}

const TERM_PROPERTIES = ['id', 'name', 'domain', 'level', 'status'] as const;

/**
 * Compares the mirror with PostgreSQL entirely: every term with its properties, every relation with
 * its ends, type and strength. PostgreSQL is read in one repeatable-read snapshot, Neo4j in one read
 * transaction. Memory grows with the graph (ids and properties of both sides): fine for the sizes
 * Lexikon targets (10⁵ terms).
 */
export async function compareMirror(db: Db, driver: Driver): Promise<MirrorComparison> {
  const postgres = await readPostgres(db);
  const mirror = await readNeo4j(driver);
  const outbox = await graphOutboxRepository.stats(db, new Date());

  const missingTerms: string[] = [];
  const termDifferences: PropertyDifference[] = [];
  for (const [id, term] of postgres.terms) {
    const node = mirror.terms.get(id);
    if (!node) {
      missingTerms.push(id);
      continue;
    }
    const expected: Record<string, unknown> = { ...term };
    for (const property of new Set([...TERM_PROPERTIES, ...Object.keys(node)])) {
      const want = property in expected ? (expected[property] ?? null) : undefined;
      const have = node[property] ?? null;
      if (want === undefined || want !== have)
        termDifferences.push({ id, property, postgres: want ?? null, neo4j: have });
    }
  }
  const extraTerms = [...mirror.terms.keys()].filter((id) => !postgres.terms.has(id));

  const missingRelations: string[] = [];
  const relationDifferences: PropertyDifference[] = [];
  for (const [id, relation] of postgres.relations) {
    const edge = mirror.relations.get(id);
    if (!edge) {
      missingRelations.push(id);
      continue;
    }
    for (const field of ['sourceId', 'targetId', 'type', 'strength'] as const)
      if ((relation[field] ?? null) !== (edge[field] ?? null))
        relationDifferences.push({ id, property: field, postgres: relation[field], neo4j: edge[field] });
  }
  const extraRelations = [...mirror.relations.keys()].filter((id) => !postgres.relations.has(id));

  const comparison = {
    counts: {
      postgres: { terms: postgres.terms.size, relations: postgres.relations.size },
      neo4j: { terms: mirror.terms.size, relations: mirror.relationCount },
    },
    missingTerms: missingTerms.sort(),
    extraTerms: extraTerms.sort(),
    termDifferences,
    missingRelations: missingRelations.sort(),
    extraRelations: extraRelations.sort(),
    relationDifferences,
    duplicateRelations: mirror.duplicateRelations.sort(),
    rebuilding: mirror.rebuilding,
    outbox: { pending: outbox.pending, failed: outbox.failed },
  };
  const identical =
    !comparison.rebuilding &&
    [missingTerms, extraTerms, termDifferences, missingRelations, extraRelations, relationDifferences].every(
      (list) => list.length === 0,
    ) &&
    comparison.duplicateRelations.length === 0;
  return { ...comparison, identical };
}

async function readPostgres(
  db: Db,
): Promise<{ terms: Map<string, MirrorTerm>; relations: Map<string, MirrorRelation> }> {
  return db.transaction(
    async (tx) => {
      const terms = rowsOf<MirrorTerm>(
        await tx.execute(sql`
          SELECT id::text AS id, term AS name, domain, level::text AS level, status::text AS status FROM terms`),
      );
      const relations = rowsOf<MirrorRelation>(
        await tx.execute(sql`
          SELECT id::text AS id, source_id::text AS "sourceId", target_id::text AS "targetId",
                 type::text AS type, strength
          FROM relationships`),
      );
      return {
        terms: new Map(terms.map((term) => [term.id, term])),
        relations: new Map(relations.map((relation) => [relation.id, relation])),
      };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

type Neo4jSide = {
  terms: Map<string, Record<string, unknown>>;
  relations: Map<string, Partial<MirrorRelation>>;
  relationCount: number;
  duplicateRelations: string[];
  rebuilding: boolean;
};

async function readNeo4j(driver: Driver): Promise<Neo4jSide> {
  const session = driver.session({ defaultAccessMode: neo4j.session.READ });
  try {
    return await session.executeRead(async (tx) => {
      const side: Neo4jSide = {
        terms: new Map(),
        relations: new Map(),
        relationCount: 0,
        duplicateRelations: [],
        rebuilding: false,
      };
      const state = await tx.run(
        `OPTIONAL MATCH (m:${MIRROR_STATE_LABEL} {key: 'state'}) RETURN coalesce(m.rebuilding, false) AS rebuilding`,
      );
      side.rebuilding = state.records[0]?.get('rebuilding') === true;
      const nodes = await tx.run(
        `MATCH (t:${TERM_LABEL}) RETURN properties(t) AS p, elementId(t) AS element`,
      );
      for (const record of nodes.records) {
        const properties = record.get('p') as Record<string, unknown>;
        // A node without an id cannot be matched to a term: report it under its element id.
        const id = typeof properties.id === 'string' ? properties.id : `(no id: ${record.get('element')})`;
        side.terms.set(id, properties);
      }
      const edges = await tx.run(
        `MATCH (a:${TERM_LABEL})-[r]->(b:${TERM_LABEL})
         RETURN r.id AS id, a.id AS sourceId, b.id AS targetId, type(r) AS type, r.strength AS strength,
                elementId(r) AS element`,
      );
      for (const record of edges.records) {
        side.relationCount++;
        const id = (record.get('id') as string | null) ?? `(no id: ${record.get('element')})`;
        if (side.relations.has(id)) {
          side.duplicateRelations.push(id);
          continue;
        }
        side.relations.set(id, {
          id,
          sourceId: record.get('sourceId'),
          targetId: record.get('targetId'),
          type: relationTypeOf(record.get('type')) ?? (record.get('type') as never),
          strength: record.get('strength') ?? null,
        });
      }
      return side;
    });
  } finally {
    await session.close();
  }
}
