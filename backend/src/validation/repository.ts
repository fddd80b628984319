import { createHash } from 'node:crypto';
import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { RelationType } from '@lexikon/contracts/vocabulary';
import { rowsOf, type Db } from '../platform/database/client.ts';
import {
  termValidations,
  validationFindings,
  validationOverrideFindings,
  validationOverrides,
} from '../platform/database/schema.ts';
import type { DraftFinding, Neighbour, OtherTerm, SubjectTerm } from './ports.ts';
import { STOPWORDS } from './rules/lexicon.ts';
import { words } from './rules/text.ts';

export type ValidationRow = typeof termValidations.$inferSelect;
export type NewValidationRow = typeof termValidations.$inferInsert;
export type FindingRow = typeof validationFindings.$inferSelect;

export interface FindingWithOverride extends FindingRow {
  override: {
    id: string;
    reason: string;
    overriddenBy: string | null;
    termVersion: number;
    createdAt: Date;
  } | null;
}

/** Where a page of validations starts: the creation time (microseconds, as text) and id of the last row. */
export interface ValidationKeyset {
  key: string;
  id: string;
}

const MAX_NEIGHBOURS = 200;
const MAX_SIMILAR = 50;
const MAX_QUERY_WORDS = 16;
// PostgreSQL refuses tsquery words over 2 KB; nothing that long is a word worth matching anyway.
const MAX_QUERY_WORD_LENGTH = 64;

/**
 * Identifies the text validators look at. Status and level changes bump a term's version but not this
 * hash, so findings about the text still apply after them, and they do not queue a new validation.
 */
export function contentHash(term: { term: string; definition: string; domain: string | null }): string {
  return createHash('sha256')
    .update(JSON.stringify([term.term, term.definition, term.domain ?? null]))
    .digest('hex');
}

const cursorKey = sql<string>`to_char(${termValidations.createdAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export const validationRepository = {
  /** Reads a term under a share lock: edits (which lock it for update) wait until the caller commits. */
  async lockTermShared(db: Db, termId: string): Promise<SubjectTerm | undefined> {
    const result = await db.execute(sql`
      SELECT id, term, definition, domain, version FROM terms WHERE id = ${termId}::uuid FOR SHARE`);
    return rowsOf<SubjectTerm>(result)[0];
  },

  /** The relations of a term, each with the term at the other end. */
  async neighbours(db: Db, termId: string): Promise<Neighbour[]> {
    const result = await db.execute(sql`
      SELECT r.id AS relation_id, r.type, CASE WHEN r.source_id = ${termId}::uuid THEN 'out' ELSE 'in' END AS direction,
             t.id, t.term, t.definition, t.domain
      FROM relationships r
      JOIN terms t ON t.id = CASE WHEN r.source_id = ${termId}::uuid THEN r.target_id ELSE r.source_id END
      WHERE r.source_id = ${termId}::uuid OR r.target_id = ${termId}::uuid
      ORDER BY r.created_at, r.id
      LIMIT ${MAX_NEIGHBOURS}`);
    return rowsOf<{
      relation_id: string;
      type: RelationType;
      direction: 'out' | 'in';
      id: string;
      term: string;
      definition: string;
      domain: string | null;
    }>(result).map((row) => ({
      relationId: row.relation_id,
      type: row.type,
      direction: row.direction,
      term: { id: row.id, term: row.term, definition: row.definition, domain: row.domain },
    }));
  },

  /**
   * Candidates for duplicate detection: terms sharing the definition's content words (through the
   * full-text index), plus any term with exactly the same definition. The rules then measure similarity.
   */
  async similarDefinitions(db: Db, term: SubjectTerm): Promise<OtherTerm[]> {
    const content = [
      ...new Set(
        words(term.definition).filter(
          (word) => !STOPWORDS.has(word) && word.length > 1 && word.length <= MAX_QUERY_WORD_LENGTH,
        ),
      ),
    ]
      .sort((a, b) => b.length - a.length)
      .slice(0, MAX_QUERY_WORDS);
    const exact = sql`lexikon_fold(definition) = lexikon_fold(${term.definition})`;
    let where: SQL = exact;
    let order: SQL = sql`1`;
    if (content.length > 0) {
      const query = sql`to_tsquery('simple'::regconfig, lexikon_fold(${content.join(' | ')}))`;
      where = sql`(${exact} OR search_vector @@ ${query})`;
      order = sql`(${exact}) DESC, ts_rank(search_vector, ${query}, 1) DESC`;
    }
    const result = await db.execute(sql`
      SELECT id, term, definition, domain FROM terms
      WHERE id <> ${term.id}::uuid AND ${where}
      ORDER BY ${order}, id
      LIMIT ${MAX_SIMILAR}`);
    return rowsOf<OtherTerm>(result);
  },

  async insert(db: Db, values: NewValidationRow, findings: readonly DraftFinding[]): Promise<string> {
    const [row] = await db.insert(termValidations).values(values).returning({ id: termValidations.id });
    const id = row!.id;
    if (findings.length > 0)
      await db.insert(validationFindings).values(
        findings.map((finding, position) => ({
          validationId: id,
          position,
          source: finding.source,
          rule: finding.rule,
          type: finding.type,
          severity: finding.severity,
          explanation: finding.explanation,
          suggestion: finding.suggestion,
          evidence: finding.evidence,
          relatedTermIds: finding.relatedTermIds,
        })),
      );
    return id;
  },

  async findById(db: Db, id: string): Promise<ValidationRow | undefined> {
    const [row] = await db.select().from(termValidations).where(eq(termValidations.id, id)).limit(1);
    return row;
  },

  /** Newest first; one extra row tells whether another page follows. */
  async list(
    db: Db,
    termId: string,
    limit: number,
    after: ValidationKeyset | undefined,
  ): Promise<{ rows: ValidationRow[]; keys: ValidationKeyset[] }> {
    const rows = await db
      .select({ row: termValidations, key: cursorKey })
      .from(termValidations)
      .where(
        and(
          eq(termValidations.termId, termId),
          after
            ? sql`(${termValidations.createdAt}, ${termValidations.id}) < (${after.key}::timestamptz, ${after.id}::uuid)`
            : undefined,
        ),
      )
      .orderBy(desc(termValidations.createdAt), desc(termValidations.id))
      .limit(limit + 1);
    return {
      rows: rows.map((item) => item.row),
      keys: rows.map((item) => ({ key: item.key, id: item.row.id })),
    };
  },

  /** The findings of some validations, in order, each with the override that accepted it (if any). */
  async findingsOf(db: Db, validationIds: readonly string[]): Promise<FindingWithOverride[]> {
    if (validationIds.length === 0) return [];
    const rows = await db
      .select({
        finding: validationFindings,
        overrideId: validationOverrides.id,
        reason: validationOverrides.reason,
        overriddenBy: validationOverrides.overriddenBy,
        termVersion: validationOverrides.termVersion,
        createdAt: validationOverrides.createdAt,
      })
      .from(validationFindings)
      .leftJoin(validationOverrideFindings, eq(validationOverrideFindings.findingId, validationFindings.id))
      .leftJoin(validationOverrides, eq(validationOverrides.id, validationOverrideFindings.overrideId))
      .where(inArray(validationFindings.validationId, [...validationIds]))
      .orderBy(
        asc(validationFindings.validationId),
        asc(validationFindings.position),
        asc(validationOverrides.createdAt),
      );
    const seen = new Set<string>();
    const findings: FindingWithOverride[] = [];
    for (const row of rows) {
      if (seen.has(row.finding.id)) continue;
      seen.add(row.finding.id);
      findings.push({
        ...row.finding,
        override:
          row.overrideId === null
            ? null
            : {
                id: row.overrideId,
                reason: row.reason!,
                overriddenBy: row.overriddenBy,
                termVersion: row.termVersion!,
                createdAt: row.createdAt!,
              },
      });
    }
    return findings;
  },

  /**
   * The findings that keep a text from being validated: errors and warnings not yet overridden, from the
   * latest run on this text (rules run every time), plus the LLM's from its latest usable verdict on it —
   * so an LLM outage on a later run does not wipe out what the model said before.
   */
  async openFindings(db: Db, termId: string, hash: string): Promise<FindingRow[]> {
    const result = await db.execute(sql`
      WITH latest AS (
        SELECT id FROM term_validations WHERE term_id = ${termId}::uuid AND content_hash = ${hash}
        ORDER BY created_at DESC, id DESC LIMIT 1
      ), latest_llm AS (
        SELECT id FROM term_validations
        WHERE term_id = ${termId}::uuid AND content_hash = ${hash} AND status = 'ok' AND 'llm' = ANY(validators)
        ORDER BY created_at DESC, id DESC LIMIT 1
      )
      SELECT f.id FROM validation_findings f
      WHERE ((f.source = 'rules' AND f.validation_id IN (SELECT id FROM latest))
          OR (f.source = 'llm' AND f.validation_id IN (SELECT id FROM latest_llm)))
        AND f.severity IN ('error', 'warning')
        AND NOT EXISTS (SELECT 1 FROM validation_override_findings o WHERE o.finding_id = f.id)`);
    const ids = rowsOf<{ id: string }>(result).map((row) => row.id);
    if (ids.length === 0) return [];
    return db
      .select()
      .from(validationFindings)
      .where(inArray(validationFindings.id, ids))
      .orderBy(desc(validationFindings.source), asc(validationFindings.position));
  },

  async insertOverride(
    db: Db,
    values: {
      termId: string;
      termVersion: number;
      reason: string;
      overriddenBy: string;
      findingIds: string[];
    },
  ): Promise<string> {
    const [row] = await db
      .insert(validationOverrides)
      .values({
        termId: values.termId,
        termVersion: values.termVersion,
        reason: values.reason,
        overriddenBy: values.overriddenBy,
      })
      .returning({ id: validationOverrides.id });
    await db
      .insert(validationOverrideFindings)
      .values(values.findingIds.map((findingId) => ({ overrideId: row!.id, findingId })));
    return row!.id;
  },
};
