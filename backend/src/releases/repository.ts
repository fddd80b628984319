import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../platform/database/client.ts';
import type { ConceptSnapshot } from '../history/schemas.ts';

export interface ReleaseRow {
  id: string;
  vocabularyId: string;
  name: string;
  note: string | null;
  vocabulary: Record<string, unknown>;
  conceptCount: number;
  contentSha256: string;
  publishedBy: string | null;
  publishedByName: string | null;
  publishedAt: Date;
}

export interface ReleasedConcept {
  termId: string;
  revision: number;
  iri: string;
  snapshot: ConceptSnapshot;
}

const releaseColumns = sql`
  r.id, r.vocabulary_id AS "vocabularyId", r.name, r.note, r.vocabulary, r.concept_count AS "conceptCount",
  r.content_sha256 AS "contentSha256", r.published_by AS "publishedBy",
  coalesce(u.full_name, u.username) AS "publishedByName", r.published_at AS "publishedAt"`;

function releaseRows(result: unknown): ReleaseRow[] {
  return rowsOf<ReleaseRow & { publishedAt: Date | string }>(result).map((row) => ({
    ...row,
    publishedAt: new Date(row.publishedAt),
  }));
}

export const releasesRepository = {
  /**
   * Holds the vocabulary's row lock until the transaction ends: every concept write takes it last (the
   * change feed's counter), so none commits while a release reads the published content in two steps.
   */
  async lockVocabulary(tx: Db, vocabularyId: string): Promise<void> {
    await tx.execute(sql`SELECT 1 FROM vocabularies WHERE id = ${vocabularyId}::uuid FOR UPDATE`);
  },

  /** What is published now: each concept's published revision with its snapshot, by IRI. */
  async publishedNow(db: Db, vocabularyId: string): Promise<ReleasedConcept[]> {
    return rowsOf<ReleasedConcept>(
      await db.execute(sql`
        SELECT p.term_id AS "termId", p.revision, r.snapshot->>'iri' AS iri, r.snapshot
        FROM term_publications p
        JOIN term_revisions r ON r.term_id = p.term_id AND r.revision = p.revision
        WHERE p.vocabulary_id = ${vocabularyId}::uuid
        ORDER BY r.snapshot->>'iri' COLLATE "C"`),
    );
  },

  async insert(
    tx: Db,
    release: Omit<ReleaseRow, 'id' | 'publishedByName'>,
    concepts: readonly ReleasedConcept[],
  ): Promise<string> {
    const [row] = rowsOf<{ id: string }>(
      await tx.execute(sql`
        INSERT INTO releases (vocabulary_id, name, note, vocabulary, concept_count, content_sha256, published_by, published_at)
        VALUES (${release.vocabularyId}::uuid, ${release.name}, ${release.note}, ${JSON.stringify(release.vocabulary)}::jsonb,
                ${release.conceptCount}, ${release.contentSha256}, ${release.publishedBy}::uuid,
                ${release.publishedAt.toISOString()}::timestamptz)
        RETURNING id`),
    );
    const members = concepts.map((concept) => ({
      term_id: concept.termId,
      revision: concept.revision,
      iri: concept.iri,
    }));
    for (let start = 0; start < members.length; start += 5000)
      await tx.execute(sql`
        INSERT INTO release_concepts (release_id, term_id, revision, iri)
        SELECT ${row!.id}::uuid, m.term_id, m.revision, m.iri
        FROM jsonb_to_recordset(${JSON.stringify(members.slice(start, start + 5000))}::jsonb)
             AS m(term_id uuid, revision int, iri text)`);
    return row!.id;
  },

  async list(db: Db, vocabularyId: string): Promise<ReleaseRow[]> {
    return releaseRows(
      await db.execute(sql`
        SELECT ${releaseColumns} FROM releases r LEFT JOIN users u ON u.id = r.published_by
        WHERE r.vocabulary_id = ${vocabularyId}::uuid ORDER BY r.published_at DESC, r.name`),
    );
  },

  async byName(db: Db, vocabularyId: string, name: string): Promise<ReleaseRow | undefined> {
    return releaseRows(
      await db.execute(sql`
        SELECT ${releaseColumns} FROM releases r LEFT JOIN users u ON u.id = r.published_by
        WHERE r.vocabulary_id = ${vocabularyId}::uuid AND r.name = ${name}`),
    )[0];
  },

  /** A release's concepts with their snapshots, by IRI (history is append-only: they never change). */
  async concepts(db: Db, releaseId: string): Promise<ReleasedConcept[]> {
    return rowsOf<ReleasedConcept>(
      await db.execute(sql`
        SELECT m.term_id AS "termId", m.revision, m.iri, r.snapshot
        FROM release_concepts m
        JOIN term_revisions r ON r.term_id = m.term_id AND r.revision = m.revision
        WHERE m.release_id = ${releaseId}::uuid
        ORDER BY m.iri COLLATE "C"`),
    );
  },
};

export type ReleasesRepository = typeof releasesRepository;
