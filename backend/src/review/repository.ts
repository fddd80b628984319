import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../platform/database/client.ts';
import type { ConceptSnapshot } from '../history/schemas.ts';

export type Decision = 'approved' | 'changes_requested';

export interface DecisionRow {
  decision: Decision;
  reviewerId: string | null;
  reviewerName: string | null;
  comment: string | null;
  termVersion: number;
  createdAt: Date;
}

export interface PublishedRow {
  termId: string;
  revision: number;
  termVersion: number;
  snapshot: ConceptSnapshot;
  publishedAt: Date;
}

export interface QueueRow {
  id: string;
  vocabularyId: string;
  term: string;
  status: 'draft' | 'proposed' | 'in_review' | 'validated' | 'deprecated';
  version: number;
  publishedRevision: number | null;
  latestRevision: number;
  approvals: number;
  submittedBy: string | null;
  submittedByName: string | null;
  submittedAt: Date;
  comment: string | null;
}

// Revisions that change a concept's content: review actions and a reviewer's status moves are not
// authorship of the change under review.
const AUTHORED = sql`r.action IN ('created', 'updated', 'restored') AND NOT (r.changed <@ ARRAY['status']::text[])`;

const personName = sql`coalesce(u.full_name, u.username)`;

function dated<T extends { createdAt: Date | string }>(rows: T[]): (T & { createdAt: Date })[] {
  return rows.map((row) => ({ ...row, createdAt: new Date(row.createdAt) }));
}

export const reviewRepository = {
  /** The published revision of each of these concepts, with its snapshot. */
  async published(db: Db, termIds: readonly string[]): Promise<Map<string, PublishedRow>> {
    if (termIds.length === 0) return new Map();
    const rows = rowsOf<PublishedRow & { publishedAt: Date | string }>(
      await db.execute(sql`
        SELECT p.term_id AS "termId", p.revision, r.term_version AS "termVersion", r.snapshot,
               p.published_at AS "publishedAt"
        FROM term_publications p
        JOIN term_revisions r ON r.term_id = p.term_id AND r.revision = p.revision
        WHERE p.term_id IN (SELECT value::uuid FROM jsonb_array_elements_text(${JSON.stringify(termIds)}::jsonb))`),
    );
    return new Map(rows.map((row) => [row.termId, { ...row, publishedAt: new Date(row.publishedAt) }]));
  },

  async publishedRevision(db: Db, termId: string): Promise<number | null> {
    const [row] = rowsOf<{ revision: number }>(
      await db.execute(sql`SELECT revision FROM term_publications WHERE term_id = ${termId}::uuid`),
    );
    return row?.revision ?? null;
  },

  async latestRevision(db: Db, termId: string): Promise<number> {
    const [row] = rowsOf<{ revision: number | null }>(
      await db.execute(
        sql`SELECT max(revision) AS revision FROM term_revisions WHERE term_id = ${termId}::uuid`,
      ),
    );
    return row?.revision ?? 0;
  },

  /** Who made the concept's change since its published revision (every author, if never published). */
  async authorsSince(
    db: Db,
    termId: string,
    publishedRevision: number | null,
  ): Promise<{ id: string; name: string | null }[]> {
    return rowsOf<{ id: string; name: string | null }>(
      await db.execute(sql`
        SELECT DISTINCT r.author_id AS id, ${personName} AS name
        FROM term_revisions r LEFT JOIN users u ON u.id = r.author_id
        WHERE r.term_id = ${termId}::uuid AND r.revision > ${publishedRevision ?? 0}
          AND r.author_id IS NOT NULL AND ${AUTHORED}
        ORDER BY 1`),
    );
  },

  async decisions(db: Db, termId: string, limit: number): Promise<DecisionRow[]> {
    return dated(
      rowsOf<DecisionRow & { createdAt: Date | string }>(
        await db.execute(sql`
          SELECT d.decision, d.reviewer_id AS "reviewerId", ${personName} AS "reviewerName", d.comment,
                 d.term_version AS "termVersion", d.created_at AS "createdAt"
          FROM term_reviews d LEFT JOIN users u ON u.id = d.reviewer_id
          WHERE d.term_id = ${termId}::uuid ORDER BY d.id DESC LIMIT ${limit}`),
      ),
    );
  },

  async approvals(db: Db, termId: string, termVersion: number): Promise<DecisionRow[]> {
    return dated(
      rowsOf<DecisionRow & { createdAt: Date | string }>(
        await db.execute(sql`
          SELECT d.decision, d.reviewer_id AS "reviewerId", ${personName} AS "reviewerName", d.comment,
                 d.term_version AS "termVersion", d.created_at AS "createdAt"
          FROM term_reviews d LEFT JOIN users u ON u.id = d.reviewer_id
          WHERE d.term_id = ${termId}::uuid AND d.term_version = ${termVersion} AND d.decision = 'approved'
          ORDER BY d.id`),
      ),
    );
  },

  async recordDecision(
    tx: Db,
    values: {
      termId: string;
      vocabularyId: string;
      termVersion: number;
      reviewerId: string;
      decision: Decision;
      comment: string | null;
    },
  ): Promise<void> {
    await tx.execute(sql`
      INSERT INTO term_reviews (term_id, vocabulary_id, term_version, reviewer_id, decision, comment)
      VALUES (${values.termId}::uuid, ${values.vocabularyId}::uuid, ${values.termVersion},
              ${values.reviewerId}::uuid, ${values.decision}, ${values.comment})`);
  },

  /**
   * Concepts in these vocabularies whose status is `status`, oldest submission first, with the revision
   * that put them there (its author and comment) and the approvals of their current version.
   * `authoredBy`: only the concepts this user authored since their published revision; `notAuthoredBy`:
   * leave out those (a reviewer who may not approve their own changes); `notApprovedBy`: leave out those
   * this reviewer approved already.
   */
  async queue(
    db: Db,
    filter: {
      vocabularyIds: readonly string[];
      status: 'in_review' | 'draft';
      authoredBy?: string;
      notAuthoredBy?: { userId: string; exceptVocabularies: readonly string[] };
      notApprovedBy?: string;
      changesRequested?: boolean;
      limit: number;
    },
  ): Promise<QueueRow[]> {
    if (filter.vocabularyIds.length === 0) return [];
    const authored = (userId: string) => sql`EXISTS (
      SELECT 1 FROM term_revisions r
      WHERE r.term_id = t.id AND r.revision > coalesce(p.revision, 0) AND r.author_id = ${userId}::uuid
        AND ${AUTHORED})`;
    return dated(
      rowsOf<QueueRow & { createdAt: Date | string; submittedAt: Date | string }>(
        await db.execute(sql`
          SELECT t.id, t.vocabulary_id AS "vocabularyId", t.term, t.status, t.version,
                 p.revision AS "publishedRevision",
                 (SELECT max(r.revision) FROM term_revisions r WHERE r.term_id = t.id) AS "latestRevision",
                 (SELECT count(*)::int FROM term_reviews d
                  WHERE d.term_id = t.id AND d.term_version = t.version AND d.decision = 'approved') AS approvals,
                 latest.author_id AS "submittedBy", ${personName} AS "submittedByName",
                 latest.created_at AS "submittedAt", latest.comment, latest.created_at AS "createdAt"
          FROM terms t
          LEFT JOIN term_publications p ON p.term_id = t.id
          JOIN LATERAL (
            SELECT r.action, r.author_id, r.comment, r.created_at FROM term_revisions r
            WHERE r.term_id = t.id AND r.action <> 'approved' ORDER BY r.revision DESC LIMIT 1
          ) latest ON true
          LEFT JOIN users u ON u.id = latest.author_id
          WHERE t.vocabulary_id IN (SELECT value::uuid FROM jsonb_array_elements_text(${JSON.stringify(filter.vocabularyIds)}::jsonb))
            AND t.status = ${filter.status}
            ${filter.authoredBy === undefined ? sql`` : sql`AND ${authored(filter.authoredBy)}`}
            ${
              filter.notAuthoredBy === undefined
                ? sql``
                : sql`AND (t.vocabulary_id IN (SELECT value::uuid FROM jsonb_array_elements_text(${JSON.stringify(filter.notAuthoredBy.exceptVocabularies)}::jsonb))
                           OR NOT ${authored(filter.notAuthoredBy.userId)})`
            }
            ${
              filter.notApprovedBy === undefined
                ? sql``
                : sql`AND NOT EXISTS (SELECT 1 FROM term_reviews d WHERE d.term_id = t.id
                        AND d.term_version = t.version AND d.decision = 'approved' AND d.reviewer_id = ${filter.notApprovedBy}::uuid)`
            }
            ${filter.changesRequested ? sql`AND latest.action = 'changes_requested'` : sql``}
          ORDER BY latest.created_at, t.id
          LIMIT ${filter.limit}`),
      ),
    ).map((row) => ({ ...row, submittedAt: new Date(row.submittedAt) }));
  },
};

export type ReviewRepository = typeof reviewRepository;
