import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../../platform/database/client.ts';
import { graphOutbox } from '../../platform/database/schema.ts';
import type { RelationType } from '../../relations/schemas.ts';

export type TermChange = { termId: string; change: 'created' | 'updated' | 'deleted' };

export type RelationChange = {
  relationId: string;
  sourceId: string;
  targetId: string;
  type: RelationType;
  change: 'created' | 'deleted';
};

/** A row a worker holds: it may finish it only while `locked_by` is still its own id. */
export type ClaimedChange = {
  id: number;
  kind: 'term' | 'relation';
  termId: string;
  otherTermId: string | null;
  relationId: string | null;
  relationType: RelationType | null;
  /** Failed attempts before this one. */
  attempts: number;
  lockedBy: string;
};

export type OutboxStats = {
  pending: number;
  failed: number;
  /** Age of the oldest pending row; 0 when there is none. */
  lagSeconds: number;
};

/**
 * Advisory lock keys (arbitrary, fixed): one serialises claims, one lets a resync pause every worker.
 * Two-int form, namespaced by the first number so they cannot meet the other features' keys.
 */
const LOCK_NAMESPACE = 7_401;
const CLAIM_LOCK = 1;
const RESYNC_LOCK = 2;

const iso = (date: Date) => sql`${date.toISOString()}::timestamptz`;

/**
 * The graph mirror's outbox. Writers record what changed inside their own transaction; workers claim,
 * apply and delete rows. Ordering rule: a row is claimable only when no earlier unfinished row — and no
 * in-flight row at all — touches the same term (a term row conflicts with every row naming that term; a
 * relation row with its ends' term rows and with rows of the same relation). Rows that only share a term
 * as relation ends do not conflict, so the relations of a hub drain in one batch, not one by one.
 */
export const graphOutboxRepository = {
  async recordTerms(tx: Db, changes: readonly TermChange[]): Promise<void> {
    if (changes.length === 0) return;
    await tx
      .insert(graphOutbox)
      .values(changes.map((change) => ({ kind: 'term', change: change.change, termId: change.termId })));
  },

  async recordRelations(tx: Db, changes: readonly RelationChange[]): Promise<void> {
    if (changes.length === 0) return;
    await tx.insert(graphOutbox).values(
      changes.map((change) => ({
        kind: 'relation',
        change: change.change,
        termId: change.sourceId,
        otherTermId: change.targetId,
        relationId: change.relationId,
        relationType: change.type,
      })),
    );
  },

  /**
   * Takes up to `limit` rows that may be applied now, for `leaseMs`. Claims run one at a time (a
   * transaction-scoped advisory lock; each is a few milliseconds) so two workers can never both see
   * "nothing in flight" for the same term; `FOR UPDATE SKIP LOCKED` keeps them off rows that a finishing
   * worker is deleting. Returns nothing while a resync holds the pause lock.
   */
  async claim(
    db: Db,
    options: { limit: number; workerId: string; now: Date; leaseMs: number },
  ): Promise<ClaimedChange[]> {
    const now = iso(options.now);
    const leaseUntil = iso(new Date(options.now.getTime() + options.leaseMs));
    return db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE}, ${CLAIM_LOCK})`);
      const paused = rowsOf<{ free: boolean }>(
        await tx.execute(
          sql`SELECT pg_try_advisory_xact_lock_shared(${LOCK_NAMESPACE}, ${RESYNC_LOCK}) AS free`,
        ),
      );
      if (!paused[0]?.free) return [];
      // Per candidate, cheap probes only (a hub's thousands of relation rows must not make this
      // quadratic): "no earlier unfinished row" is a min() over an index, evaluated as a subplan (inside
      // CASE, PostgreSQL does not turn it into a join); "nothing in flight" tests hashed sets built once
      // from the few leased rows.
      const earliest = (where: ReturnType<typeof sql>) =>
        sql`coalesce((SELECT min(e.id) FROM graph_outbox e WHERE ${where} AND e.failed_at IS NULL), o.id) >= o.id`;
      const result = await tx.execute(sql`
        WITH in_flight AS MATERIALIZED (
          SELECT kind, term_id, other_term_id, relation_id FROM graph_outbox
          WHERE locked_until >= ${now} AND failed_at IS NULL
        ),
        claimable AS (
          SELECT o.id FROM graph_outbox o
          WHERE o.failed_at IS NULL
            AND o.available_at <= ${now}
            AND (o.locked_until IS NULL OR o.locked_until < ${now})
            AND CASE WHEN o.kind = 'term' THEN
                  ${earliest(sql`e.term_id = o.term_id`)}
                  AND ${earliest(sql`e.other_term_id = o.term_id`)}
                  AND o.term_id NOT IN (SELECT term_id FROM in_flight
                                        UNION ALL SELECT other_term_id FROM in_flight WHERE other_term_id IS NOT NULL)
                ELSE
                  ${earliest(sql`e.kind = 'term' AND e.term_id = o.term_id`)}
                  AND ${earliest(sql`e.kind = 'term' AND e.term_id = o.other_term_id`)}
                  AND ${earliest(sql`e.relation_id = o.relation_id`)}
                  AND o.term_id NOT IN (SELECT term_id FROM in_flight WHERE kind = 'term')
                  AND o.other_term_id NOT IN (SELECT term_id FROM in_flight WHERE kind = 'term')
                  AND o.relation_id NOT IN (SELECT relation_id FROM in_flight WHERE relation_id IS NOT NULL)
                END
          ORDER BY o.id
          LIMIT ${options.limit}
          FOR UPDATE OF o SKIP LOCKED
        )
        UPDATE graph_outbox AS row
        SET locked_by = ${options.workerId}, locked_until = ${leaseUntil}
        FROM claimable WHERE row.id = claimable.id
        RETURNING row.id, row.kind, row.term_id::text, row.other_term_id::text, row.relation_id::text,
                  row.relation_type::text, row.attempts, row.locked_by`);
      return rowsOf<{
        id: number | string;
        kind: 'term' | 'relation';
        term_id: string;
        other_term_id: string | null;
        relation_id: string | null;
        relation_type: RelationType | null;
        attempts: number;
        locked_by: string;
      }>(result)
        .map((row) => ({
          id: Number(row.id),
          kind: row.kind,
          termId: row.term_id,
          otherTermId: row.other_term_id,
          relationId: row.relation_id,
          relationType: row.relation_type,
          attempts: row.attempts,
          lockedBy: row.locked_by,
        }))
        .sort((a, b) => a.id - b.id);
    });
  },

  /** Applied: the rows are deleted. Returns how many this worker still held (a lost lease keeps them). */
  async complete(db: Db, rows: readonly ClaimedChange[]): Promise<number> {
    if (rows.length === 0) return 0;
    const result = await db.execute(sql`
      DELETE FROM graph_outbox
      WHERE id IN (SELECT value::bigint FROM jsonb_array_elements_text(${JSON.stringify(rows.map((row) => row.id))}::jsonb))
        AND locked_by = ${rows[0]!.lockedBy}
      RETURNING id`);
    return rowsOf(result).length;
  },

  /** Neo4j was unreachable: the rows go back untouched, without spending an attempt. */
  async release(db: Db, rows: readonly ClaimedChange[]): Promise<void> {
    if (rows.length === 0) return;
    await db.execute(sql`
      UPDATE graph_outbox SET locked_by = NULL, locked_until = NULL
      WHERE id IN (SELECT value::bigint FROM jsonb_array_elements_text(${JSON.stringify(rows.map((row) => row.id))}::jsonb))
        AND locked_by = ${rows[0]!.lockedBy}`);
  },

  /** Neo4j refused this row: try again at `availableAt`, keeping why. */
  async retryLater(db: Db, row: ClaimedChange, availableAt: Date, error: string): Promise<void> {
    await db.execute(sql`
      UPDATE graph_outbox
      SET attempts = attempts + 1, available_at = ${iso(availableAt)}, last_error = ${error},
          locked_by = NULL, locked_until = NULL
      WHERE id = ${row.id} AND locked_by = ${row.lockedBy}`);
  },

  /**
   * Set aside for good (kept for inspection; `lexikon graph resync` supersedes it). It no longer blocks
   * later rows of its terms: those apply the current state, which includes this change.
   */
  async fail(db: Db, row: ClaimedChange, now: Date, error: string): Promise<void> {
    await db.execute(sql`
      UPDATE graph_outbox
      SET attempts = attempts + 1, failed_at = ${iso(now)}, last_error = ${error},
          locked_by = NULL, locked_until = NULL
      WHERE id = ${row.id} AND locked_by = ${row.lockedBy}`);
  },

  async stats(db: Db, now: Date): Promise<OutboxStats> {
    const result = await db.execute(sql`
      SELECT count(*) FILTER (WHERE failed_at IS NULL)::int AS pending,
             count(*) FILTER (WHERE failed_at IS NOT NULL)::int AS failed,
             coalesce(extract(epoch FROM ${iso(now)} - min(created_at) FILTER (WHERE failed_at IS NULL)), 0)::float8 AS lag
      FROM graph_outbox`);
    const row = rowsOf<{ pending: number; failed: number; lag: number | string }>(result)[0]!;
    return { pending: row.pending, failed: row.failed, lagSeconds: Math.max(0, Number(row.lag)) };
  },

  /** Rows some worker is applying right now (its lease has not run out). */
  async inFlight(db: Db, now: Date): Promise<number> {
    const result = await db.execute(
      sql`SELECT count(*)::int AS count FROM graph_outbox WHERE locked_until >= ${iso(now)}`,
    );
    return rowsOf<{ count: number }>(result)[0]!.count;
  },

  /**
   * Held by a resync's transaction for its whole run: claims test the same key and take nothing while
   * it is held. Waits for claims in progress (a few milliseconds) and for another resync to finish.
   */
  async pauseWorkersForTransaction(tx: Db): Promise<void> {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE}, ${RESYNC_LOCK})`);
  },
};

/** What a service gets by constructor: stateless queries over the database or transaction it is given. */
export type GraphOutboxRepository = typeof graphOutboxRepository;
