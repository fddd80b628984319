import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../../platform/database/client.ts';
import type { RelationType } from '../../relations/schemas.ts';
import type { MirrorChanges, MirrorRelation, MirrorTerm } from '../mirror.ts';
import type { ClaimedChange } from './repository.ts';

/**
 * Turns claimed outbox rows into the state the mirror must reach, read from PostgreSQL now: a term that
 * exists is upserted with its current values, one that does not is deleted; likewise for relations, whose
 * ends are upserted with them so a relation never waits for a node. Reading the current state (rather
 * than replaying what each row said) is what makes replays and coalesced rows harmless.
 */
export async function resolveChanges(db: Db, rows: readonly ClaimedChange[]): Promise<MirrorChanges> {
  const relationRows = rows.filter((row) => row.kind === 'relation');
  const relations = await readRelations(
    db,
    relationRows.map((row) => row.relationId!),
  );
  const termIds = new Set(rows.filter((row) => row.kind === 'term').map((row) => row.termId));
  for (const relation of relations.values()) termIds.add(relation.sourceId).add(relation.targetId);
  const terms = await readTerms(db, [...termIds]);

  const changes: MirrorChanges = {
    upsertTerms: [],
    deleteTerms: [],
    upsertRelations: [],
    deleteRelations: [],
  };
  for (const id of termIds) {
    const term = terms.get(id);
    if (term) changes.upsertTerms.push(term);
    else changes.deleteTerms.push(id);
  }
  for (const row of relationRows) {
    const relation = relations.get(row.relationId!);
    // A relation whose end vanished in between is gone too (ON DELETE CASCADE): delete it.
    if (relation && terms.has(relation.sourceId) && terms.has(relation.targetId))
      changes.upsertRelations.push(relation);
    else changes.deleteRelations.push({ id: row.relationId!, sourceId: row.termId, type: row.relationType! });
  }
  return changes;
}

const idList = (ids: readonly string[]) =>
  sql`(SELECT value::uuid FROM jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`;

export async function readTerms(db: Db, ids: readonly string[]): Promise<Map<string, MirrorTerm>> {
  if (ids.length === 0) return new Map();
  const result = await db.execute(sql`
    SELECT id::text AS id, term AS name, domain, level::text AS level, status::text AS status
    FROM terms WHERE id IN ${idList(ids)}`);
  return new Map(rowsOf<MirrorTerm>(result).map((term) => [term.id, term]));
}

async function readRelations(db: Db, ids: readonly string[]): Promise<Map<string, MirrorRelation>> {
  if (ids.length === 0) return new Map();
  const result = await db.execute(sql`
    SELECT id::text AS id, source_id::text AS "sourceId", target_id::text AS "targetId",
           type::text AS type, strength
    FROM relationships WHERE id IN ${idList(ids)}`);
  return new Map(
    rowsOf<MirrorRelation & { type: RelationType }>(result).map((relation) => [relation.id, relation]),
  );
}
