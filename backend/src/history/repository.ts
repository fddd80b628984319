import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../platform/database/client.ts';
import type { ConceptSnapshot, RevisionAction } from './schemas.ts';

/** One concept's next revision, as a write asks for it. */
export interface RevisionEntry {
  termId: string;
  /** Needed for a deleted concept; read from the concept otherwise. */
  vocabularyId?: string;
  action: RevisionAction;
  /** Taken before a deletion (the row is gone by the time the revision is written); read now otherwise. */
  snapshot?: ConceptSnapshot;
  /** The version a deleted concept had; the row's current version otherwise. */
  termVersion?: number;
  restoredFrom?: number;
}

export interface RevisionMeta {
  authorId: string | null;
  comment?: string | null | undefined;
  /** Groups the revisions of one action; a new set when left out. */
  changeSetId?: string;
}

export interface RevisionRow {
  id: string;
  vocabularyId: string;
  seq: number;
  termId: string;
  revision: number;
  action: RevisionAction;
  termVersion: number;
  snapshot: ConceptSnapshot;
  changed: string[];
  authorId: string | null;
  authorName: string | null;
  comment: string | null;
  changeSetId: string;
  restoredFrom: number | null;
  createdAt: Date;
}

export interface ChangeRow {
  seq: number;
  termId: string;
  iri: string;
  notation: string;
  revision: number;
  action: RevisionAction;
  changed: string[];
  authorId: string | null;
  changeSetId: string;
  createdAt: Date;
}

// Revisions per recording statement in bulk writes (imports): one jsonb parameter each.
const RECORD_BATCH = 1000;

const revisionColumns = sql`
  r.id, r.vocabulary_id AS "vocabularyId", r.seq::float8 AS seq, r.term_id AS "termId", r.revision,
  r.action, r.term_version AS "termVersion", r.snapshot, r.changed, r.author_id AS "authorId",
  coalesce(u.full_name, u.username) AS "authorName", r.comment, r.change_set_id AS "changeSetId",
  r.restored_from AS "restoredFrom", r.created_at AS "createdAt"`;

function revisionRows(result: unknown): RevisionRow[] {
  return rowsOf<RevisionRow & { createdAt: Date | string }>(result).map((row) => ({
    ...row,
    seq: Number(row.seq),
    createdAt: new Date(row.createdAt),
  }));
}

export const historyRepository = {
  /**
   * Writes the next revision of each concept: its snapshot, what changed since its previous revision,
   * and its place in the vocabulary's change feed. Must be the last statement of the write's transaction:
   * it takes the vocabulary's feed counter, whose row lock makes every other writer of the vocabulary
   * wait until this transaction commits — so feed numbers commit in order, and a reader who has seen
   * number n has seen every number before it.
   */
  async record(tx: Db, entries: readonly RevisionEntry[], meta: RevisionMeta): Promise<string> {
    const changeSetId = meta.changeSetId ?? randomUUID();
    const unique = [...new Map(entries.map((entry) => [entry.termId, entry])).values()];
    const unplaced = unique.filter((entry) => entry.vocabularyId === undefined).map((entry) => entry.termId);
    const placed = new Map<string, string>();
    if (unplaced.length > 0)
      for (const row of rowsOf<{ id: string; vocabulary_id: string }>(
        await tx.execute(sql`
          SELECT id, vocabulary_id FROM terms
          WHERE id IN (SELECT value::uuid FROM jsonb_array_elements_text(${JSON.stringify(unplaced)}::jsonb))`),
      ))
        placed.set(row.id, row.vocabulary_id);
    const byVocabulary = new Map<string, RevisionEntry[]>();
    for (const entry of unique) {
      const vocabularyId = entry.vocabularyId ?? placed.get(entry.termId);
      if (vocabularyId === undefined) throw new Error(`No concept ${entry.termId} to record a revision of.`);
      byVocabulary.set(vocabularyId, [...(byVocabulary.get(vocabularyId) ?? []), entry]);
    }
    // Counters taken in one order by every writer: two writes spanning the same vocabularies never deadlock.
    for (const vocabularyId of [...byVocabulary.keys()].sort())
      await recordIn(tx, vocabularyId, byVocabulary.get(vocabularyId)!, { ...meta, changeSetId });
    return changeSetId;
  },
  /** The concept as a revision would record it now (before a deletion). */
  async snapshot(db: Db, termId: string): Promise<ConceptSnapshot | undefined> {
    const [row] = rowsOf<{ snapshot: ConceptSnapshot | null }>(
      await db.execute(sql`SELECT lexikon_term_snapshot(${termId}::uuid) AS snapshot`),
    );
    return row?.snapshot ?? undefined;
  },

  /** The concepts with relations to this one (they lose them when it is deleted). */
  async sourcesRelatedTo(db: Db, termId: string): Promise<string[]> {
    return rowsOf<{ id: string }>(
      await db.execute(sql`
        SELECT DISTINCT source_id AS id FROM relationships
        WHERE target_id = ${termId}::uuid AND source_id <> ${termId}::uuid ORDER BY 1`),
    ).map((row) => row.id);
  },

  /** The concept this IRI named, when its latest revision is its deletion. */
  async deletedByIri(db: Db, iri: string): Promise<RevisionRow | undefined> {
    const [tombstone] = revisionRows(
      await db.execute(sql`
        SELECT ${revisionColumns} FROM term_revisions r LEFT JOIN users u ON u.id = r.author_id
        WHERE r.action = 'deleted' AND r.snapshot->>'iri' = ${iri}
        ORDER BY r.created_at DESC LIMIT 1`),
    );
    if (!tombstone) return undefined;
    const latest = await historyRepository.latest(db, tombstone.termId);
    return latest?.action === 'deleted' ? latest : undefined;
  },

  /** The latest revision of a concept, deleted or not. */
  async latest(db: Db, termId: string): Promise<RevisionRow | undefined> {
    return revisionRows(
      await db.execute(sql`
        SELECT ${revisionColumns} FROM term_revisions r LEFT JOIN users u ON u.id = r.author_id
        WHERE r.term_id = ${termId}::uuid ORDER BY r.revision DESC LIMIT 1`),
    )[0];
  },

  /**
   * Revisions newest first, older than `before`: `limit + 1` rows, so the caller has the revision before
   * the page's last one (its diff) and knows whether there is more. Served by term_revisions_term_key in
   * the same time whatever the length of the history.
   */
  async page(db: Db, termId: string, before: number | null, count: number): Promise<RevisionRow[]> {
    return revisionRows(
      await db.execute(sql`
        SELECT ${revisionColumns} FROM term_revisions r LEFT JOIN users u ON u.id = r.author_id
        WHERE r.term_id = ${termId}::uuid ${before === null ? sql`` : sql`AND r.revision < ${before}`}
        ORDER BY r.revision DESC LIMIT ${count}`),
    );
  },

  /** These revisions of one concept, by number. */
  async byNumbers(db: Db, termId: string, numbers: readonly number[]): Promise<Map<number, RevisionRow>> {
    const rows = revisionRows(
      await db.execute(sql`
        SELECT ${revisionColumns} FROM term_revisions r LEFT JOIN users u ON u.id = r.author_id
        WHERE r.term_id = ${termId}::uuid
          AND r.revision IN (SELECT value::int FROM jsonb_array_elements_text(${JSON.stringify(numbers)}::jsonb))`),
    );
    return new Map(rows.map((row) => [row.revision, row]));
  },

  /** The revisions one action made. */
  async changeSet(db: Db, changeSetId: string): Promise<RevisionRow[]> {
    return revisionRows(
      await db.execute(sql`
        SELECT ${revisionColumns} FROM term_revisions r LEFT JOIN users u ON u.id = r.author_id
        WHERE r.change_set_id = ${changeSetId}::uuid ORDER BY r.seq`),
    );
  },

  /** A vocabulary's change feed after `after`: `limit + 1` rows, so the caller knows if there are more. */
  async changes(db: Db, vocabularyId: string, after: number, count: number): Promise<ChangeRow[]> {
    return rowsOf<ChangeRow & { createdAt: Date | string; seq: number | string }>(
      await db.execute(sql`
        SELECT r.seq::float8 AS seq, r.term_id AS "termId", r.snapshot->>'iri' AS iri,
               r.snapshot->>'notation' AS notation, r.revision, r.action, r.changed,
               r.author_id AS "authorId", r.change_set_id AS "changeSetId", r.created_at AS "createdAt"
        FROM term_revisions r
        WHERE r.vocabulary_id = ${vocabularyId}::uuid AND r.seq > ${after}
        ORDER BY r.seq LIMIT ${count}`),
    ).map((row) => ({ ...row, seq: Number(row.seq), createdAt: new Date(row.createdAt) }));
  },
};

async function recordIn(
  tx: Db,
  vocabularyId: string,
  entries: readonly RevisionEntry[],
  meta: RevisionMeta & { changeSetId: string },
): Promise<void> {
  for (let start = 0; start < entries.length; start += RECORD_BATCH) {
    const batch = entries.slice(start, start + RECORD_BATCH).map((entry, index) => ({
      ord: index + 1,
      term_id: entry.termId,
      action: entry.action,
      snapshot: entry.snapshot ?? null,
      term_version: entry.termVersion ?? null,
      restored_from: entry.restoredFrom ?? null,
    }));
    await tx.execute(sql`
        WITH counter AS (
          UPDATE vocabularies SET last_change_seq = last_change_seq + ${batch.length}
          WHERE id = ${vocabularyId}::uuid
          RETURNING last_change_seq - ${batch.length} AS base
        ), entries AS (
          SELECT e.ord, e.term_id, e.action, e.restored_from,
                 coalesce(e.snapshot, lexikon_term_snapshot(e.term_id)) AS state,
                 coalesce(e.term_version, (SELECT t.version FROM terms t WHERE t.id = e.term_id)) AS term_version,
                 previous.revision AS previous_revision, previous.snapshot AS previous
          FROM jsonb_to_recordset(${JSON.stringify(batch)}::jsonb)
               AS e(ord int, term_id uuid, action revision_action, snapshot jsonb, term_version int, restored_from int)
          LEFT JOIN LATERAL (
            SELECT p.revision, p.snapshot FROM term_revisions p
            WHERE p.term_id = e.term_id ORDER BY p.revision DESC LIMIT 1
          ) previous ON true
        ), recorded AS (
          INSERT INTO term_revisions (vocabulary_id, seq, term_id, revision, action, term_version, snapshot,
                                      changed, author_id, comment, change_set_id, restored_from)
          SELECT ${vocabularyId}::uuid, counter.base + e.ord, e.term_id, coalesce(e.previous_revision, 0) + 1,
                 e.action, e.term_version, e.state, lexikon_snapshot_changes(e.previous, e.state),
                 ${meta.authorId}::uuid, ${meta.comment ?? null}, ${meta.changeSetId}::uuid, e.restored_from
          FROM entries e CROSS JOIN counter
          RETURNING term_id, revision, action, snapshot->>'status' AS status
        )
        -- A validated or deprecated revision is what is served from now on (see term_publications).
        INSERT INTO term_publications (term_id, vocabulary_id, revision)
        SELECT term_id, ${vocabularyId}::uuid, revision FROM recorded
        WHERE status IN ('validated', 'deprecated') AND action <> 'deleted'
        ON CONFLICT (term_id) DO UPDATE SET revision = EXCLUDED.revision, published_at = now()`);
  }
}

export type HistoryRepository = typeof historyRepository;
