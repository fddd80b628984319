import neo4j, { type Driver, type ManagedTransaction } from 'neo4j-driver';
import type { RelationType } from '../../relations/schemas.ts';
import {
  MirrorUnavailableError,
  type GraphMirror,
  type MirrorChanges,
  type MirrorRelation,
  type MirrorRelationRef,
} from '../mirror.ts';
import { isNeo4jUnavailable } from './driver.ts';
import { ensureNeo4jSchema, neo4jRelationshipType, TERM_LABEL, termProperties } from './model.ts';

/** Longest one batch may hold a Neo4j write transaction; the outbox lease is set well above it. */
export const MIRROR_TRANSACTION_TIMEOUT_MS = 30_000;

/**
 * Applies outbox changes to Neo4j in one write transaction: MERGE by id and `SET n = $props` for what
 * exists, DETACH DELETE / DELETE by id for what does not — so replaying a batch changes nothing.
 */
export class Neo4jMirror implements GraphMirror {
  readonly name = 'neo4j';
  readonly #driver: Driver;

  constructor(driver: Driver) {
    this.#driver = driver;
  }

  async ensureSchema(): Promise<void> {
    // Whatever stops the schema from being there stops the whole mirror: treat it as unavailable.
    await ensureNeo4jSchema(this.#driver).catch((error: unknown) => {
      throw new MirrorUnavailableError(`Neo4j schema could not be ensured: ${(error as Error).message}`, {
        cause: error,
      });
    });
  }

  async apply(changes: MirrorChanges): Promise<void> {
    const session = this.#driver.session({ defaultAccessMode: neo4j.session.WRITE });
    try {
      await session.executeWrite((tx) => applyChanges(tx, changes), {
        timeout: MIRROR_TRANSACTION_TIMEOUT_MS,
        metadata: { app: 'lexikon', purpose: 'graph-outbox' },
      });
    } catch (error) {
      if (isNeo4jUnavailable(error))
        throw new MirrorUnavailableError(`Neo4j is unavailable: ${(error as Error).message}`, {
          cause: error,
        });
      throw error;
    } finally {
      await session.close().catch(() => {});
    }
  }
}

async function applyChanges(tx: ManagedTransaction, changes: MirrorChanges): Promise<void> {
  for (const [type, refs] of byType(changes.deleteRelations))
    await tx.run(
      `UNWIND $refs AS ref
       MATCH (:${TERM_LABEL} {id: ref.sourceId})-[r:${neo4jRelationshipType(type)} {id: ref.id}]->()
       DELETE r`,
      { refs },
    );
  if (changes.deleteTerms.length > 0)
    await tx.run(`UNWIND $ids AS id MATCH (t:${TERM_LABEL} {id: id}) DETACH DELETE t`, {
      ids: changes.deleteTerms,
    });
  if (changes.upsertTerms.length > 0)
    await tx.run(`UNWIND $terms AS term MERGE (t:${TERM_LABEL} {id: term.id}) SET t = term`, {
      terms: changes.upsertTerms.map(termProperties),
    });
  for (const [type, relations] of byType(changes.upsertRelations))
    await tx.run(
      `UNWIND $relations AS rel
       MATCH (a:${TERM_LABEL} {id: rel.sourceId})
       MATCH (b:${TERM_LABEL} {id: rel.targetId})
       MERGE (a)-[r:${neo4jRelationshipType(type)} {id: rel.id}]->(b)
       SET r = rel.props`,
      { relations: relations.map(relationParameters) },
    );
}

export function relationParameters(relation: MirrorRelation) {
  return {
    id: relation.id,
    sourceId: relation.sourceId,
    targetId: relation.targetId,
    props: { id: relation.id, strength: relation.strength },
  };
}

export function byType<T extends MirrorRelationRef>(items: readonly T[]): Map<RelationType, T[]> {
  const groups = new Map<RelationType, T[]>();
  for (const item of items) {
    const group = groups.get(item.type);
    if (group) group.push(item);
    else groups.set(item.type, [item]);
  }
  return groups;
}
