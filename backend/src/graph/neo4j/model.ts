import type { Driver } from 'neo4j-driver';
import { relationTypes } from '../../platform/database/schema.ts';
import type { RelationType } from '../../relations/schemas.ts';

/**
 * The mirror's model in Neo4j:
 *
 *   (:Term {id, name, domain, level, status})-[:IS_A|PART_OF|RELATED_TO|… {id, strength}]->(:Term)
 *
 * One relationship type per relation type (upper case, as Cypher's convention and the seed's
 * `[:RELATED_TO*1..3]` expect), stored once in the direction it was entered, exactly as in PostgreSQL;
 * symmetric types are followed both ways by the traversal. `name` is the term (the seed's Cypher matches
 * `{name: …}`). A single `(:LexikonMirror {key: 'state'})` node records whether a resync is under way.
 */
export const TERM_LABEL = 'Term';
export const MIRROR_STATE_LABEL = 'LexikonMirror';

const neo4jTypeByRelation = Object.fromEntries(
  relationTypes.map((type) => [type, type.toUpperCase()]),
) as Record<RelationType, string>;
const relationByNeo4jType = new Map(relationTypes.map((type) => [neo4jTypeByRelation[type], type] as const));

/** Relationship type names come from this fixed table only, so they are safe to put in query text. */
export function neo4jRelationshipType(type: RelationType): string {
  return neo4jTypeByRelation[type];
}

export function relationTypeOf(neo4jType: string): RelationType | undefined {
  return relationByNeo4jType.get(neo4jType);
}

/** `:IS_A|PART_OF` for a relationship pattern. */
export function relationshipPattern(types: readonly RelationType[]): string {
  return types.map(neo4jRelationshipType).join('|');
}

const SCHEMA_STATEMENTS = [
  `CREATE CONSTRAINT term_id_unique IF NOT EXISTS FOR (t:${TERM_LABEL}) REQUIRE t.id IS UNIQUE`,
  `CREATE INDEX term_name IF NOT EXISTS FOR (t:${TERM_LABEL}) ON (t.name)`,
  `CREATE CONSTRAINT lexikon_mirror_key IF NOT EXISTS FOR (m:${MIRROR_STATE_LABEL}) REQUIRE m.key IS UNIQUE`,
];

/** Idempotent: `IF NOT EXISTS` makes a second run (or a concurrent one in another process) a no-op. */
export async function ensureNeo4jSchema(driver: Driver): Promise<void> {
  for (const statement of SCHEMA_STATEMENTS) {
    try {
      await driver.executeQuery(statement);
    } catch (error) {
      // Two processes creating the same constraint at once: the loser's "already exists" is success.
      if (!/EquivalentSchemaRuleAlreadyExists|already exists/i.test(String((error as Error).message)))
        throw error;
    }
  }
  await driver.executeQuery(`CALL db.awaitIndexes(300)`);
}

/** Term properties exactly as stored: `SET n = $props` replaces them all, so nothing stale survives. */
export function termProperties(term: {
  id: string;
  name: string;
  domain: string | null;
  level: string;
  status: string;
}): Record<string, string | null> {
  return { id: term.id, name: term.name, domain: term.domain, level: term.level, status: term.status };
}
