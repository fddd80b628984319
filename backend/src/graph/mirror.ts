import type { RelationType } from '../relations/schemas.ts';

/** A term as the mirror stores it: what traversals return about a node, nothing more. */
export type MirrorTerm = {
  id: string;
  name: string;
  domain: string | null;
  level: string;
  status: string;
};

export type MirrorRelation = {
  id: string;
  sourceId: string;
  targetId: string;
  type: RelationType;
  strength: number | null;
};

/** Enough to find a relation that PostgreSQL no longer has: its source, its type, its id. */
export type MirrorRelationRef = Pick<MirrorRelation, 'id' | 'sourceId' | 'type'>;

/**
 * The state to make true in the mirror, read from PostgreSQL when a batch of outbox rows is applied.
 * Every operation is idempotent (upserts and deletes by id), so applying the same changes twice, or a
 * row whose change a later row already carried, leaves the same graph.
 */
export type MirrorChanges = {
  upsertTerms: MirrorTerm[];
  deleteTerms: string[];
  /** Their ends are in `upsertTerms`. */
  upsertRelations: MirrorRelation[];
  deleteRelations: MirrorRelationRef[];
};

/** A copy of the graph that traversals can read: PostgreSQL stays the system of record. */
export interface GraphMirror {
  readonly name: string;
  /** Constraints and indexes, created if missing; safe to call at every start. */
  ensureSchema(): Promise<void>;
  /** All or nothing: one transaction in the mirror. */
  apply(changes: MirrorChanges): Promise<void>;
}

/**
 * The mirror cannot be reached (down, network, authentication): a condition of the whole mirror, not of
 * the data — the outbox keeps the rows and waits; traversals fall back to PostgreSQL.
 */
export class MirrorUnavailableError extends Error {
  override name = 'MirrorUnavailableError';
}

/** A resync started and has not finished: the mirror is incomplete and must not answer traversals. */
export class MirrorRebuildingError extends Error {
  override name = 'MirrorRebuildingError';
}
