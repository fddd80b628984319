import { aliasedTable, eq, or, sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../platform/database/client.ts';
import { relationships, terms } from '../platform/database/schema.ts';
import { symmetricRelationTypes, type RelationType } from './schemas.ts';

export type RelationshipRow = typeof relationships.$inferSelect;

export interface RelationWithEnds extends RelationshipRow {
  sourceTerm: string;
  sourceDomain: string | null;
  targetTerm: string;
  targetDomain: string | null;
}

const sourceTerms = aliasedTable(terms, 'source_terms');
const targetTerms = aliasedTable(terms, 'target_terms');

export const relationsRepository = {
  async insert(db: Db, values: typeof relationships.$inferInsert): Promise<RelationshipRow> {
    const [row] = await db.insert(relationships).values(values).returning();
    return row!;
  },

  async findById(db: Db, id: string): Promise<RelationWithEnds | undefined> {
    const [row] = await selectWithEnds(db).where(eq(relationships.id, id)).limit(1);
    return row;
  },

  /** Every relation touching a term, outgoing and incoming. */
  async listForTerm(db: Db, termId: string): Promise<RelationWithEnds[]> {
    return selectWithEnds(db)
      .where(or(eq(relationships.sourceId, termId), eq(relationships.targetId, termId)))
      .orderBy(relationships.type, relationships.createdAt);
  },

  async delete(db: Db, id: string): Promise<void> {
    await db.delete(relationships).where(eq(relationships.id, id));
  },

  /** Whether these two concepts are already linked by this type (either way, for a symmetric one). */
  async pairExists(db: Db, sourceId: string, targetId: string, type: RelationType): Promise<boolean> {
    const symmetric = symmetricRelationTypes.includes(type);
    const result = await db.execute(sql`
      SELECT 1 FROM relationships
      WHERE type = ${type} AND ((source_id = ${sourceId}::uuid AND target_id = ${targetId}::uuid)
        ${symmetric ? sql`OR (source_id = ${targetId}::uuid AND target_id = ${sourceId}::uuid)` : sql``})
      LIMIT 1`);
    return rowsOf(result).length > 0;
  },

  /** Serialises hierarchy changes of one type, so two concurrent inserts cannot close a cycle together. */
  async lockHierarchy(db: Db, type: RelationType): Promise<void> {
    await db.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`lexikon:hierarchy:${type}`}))`);
  },

  /**
   * The edges of `type` reachable from `from` (following source → target). UNION keeps each edge once,
   * so the walk ends even if the data already holds a cycle.
   */
  async reachableEdges(
    db: Db,
    from: string,
    type: RelationType,
  ): Promise<{ parent: string; child: string }[]> {
    const result = await db.execute(sql`
      WITH RECURSIVE walk(parent, child) AS (
        SELECT source_id, target_id FROM relationships WHERE source_id = ${from}::uuid AND type = ${type}
        UNION
        SELECT r.source_id, r.target_id FROM relationships r JOIN walk w ON r.source_id = w.child WHERE r.type = ${type}
      )
      SELECT parent::text, child::text FROM walk`);
    return rowsOf<{ parent: string; child: string }>(result);
  },
};

function selectWithEnds(db: Db) {
  return db
    .select({
      id: relationships.id,
      vocabularyId: relationships.vocabularyId,
      sourceId: relationships.sourceId,
      targetId: relationships.targetId,
      type: relationships.type,
      strength: relationships.strength,
      createdBy: relationships.createdBy,
      createdAt: relationships.createdAt,
      sourceTerm: sourceTerms.term,
      sourceDomain: sourceTerms.domain,
      targetTerm: targetTerms.term,
      targetDomain: targetTerms.domain,
    })
    .from(relationships)
    .innerJoin(sourceTerms, eq(sourceTerms.id, relationships.sourceId))
    .innerJoin(targetTerms, eq(targetTerms.id, relationships.targetId));
}

/** What a service gets by constructor: stateless queries over the database or transaction it is given. */
export type RelationsRepository = typeof relationsRepository;
