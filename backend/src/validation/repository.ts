import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { RelationType } from '@lexikon/contracts/vocabulary';
import { rowsOf, type Db } from '../platform/database/client.ts';
import {
  termValidations,
  validationFindings,
  validationOverrideFindings,
  validationOverrides,
} from '../platform/database/schema.ts';
import type { ConceptContext, DraftFinding, LabelClash, Neighbour, OtherTerm, SubjectTerm } from './ports.ts';
import { MIN_NEAR_DUPLICATE_WORDS, NEAR_DUPLICATE_SIMILARITY } from './rules/checks.ts';
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
/** Terms re-validated at most because another one changed (a hub's neighbours are many). */
const MAX_REQUEUED = 200;
const MAX_SIMILAR = 50;
// PostgreSQL refuses tsquery words over 2 KB; nothing that long is a word worth matching anyway.
const MAX_QUERY_WORD_LENGTH = 64;

// Pairs of probe words asked for at most: C(16, 2) = 120, enough for definitions of about 70 words.
const MAX_PAIR_PROBES = 16;

/**
 * The full-text query every near-duplicate of `definition` matches (see similarDefinitions), or null
 * when the rule would not compare it.
 *
 * A definition B with a Jaccard similarity of at least s to the subject's n distinct words shares at least
 * ⌈s·n⌉ of them, so it lacks at most `missing` = n − ⌈s·n⌉. Of any missing + 2 of the subject's words it
 * therefore contains at least two: the query asks for any pair of them. A pair of words is far rarer than
 * either word, so few terms match and the full-text index serves the query even over a vocabulary with
 * common words. The probes are the likeliest-rare words: content words before stop words, longer before
 * shorter. A definition too long for the pairs (over about 70 words) falls back to any one of
 * missing + 1 words, the same guarantee with single words.
 */
export function nearDuplicateQuery(definition: string): string | null {
  const distinct = [...new Set(words(definition))].filter((word) => word.length <= MAX_QUERY_WORD_LENGTH);
  if (distinct.length < MIN_NEAR_DUPLICATE_WORDS) return null;
  const shared = Math.ceil(NEAR_DUPLICATE_SIMILARITY * distinct.length - 1e-9);
  const missing = distinct.length - shared;
  const probes = distinct
    .sort(
      (a, b) =>
        Number(STOPWORDS.has(a)) - Number(STOPWORDS.has(b)) || b.length - a.length || (a < b ? -1 : 1),
    )
    .map((word) => `'${word.replaceAll("'", "''")}':B`);
  const paired = Math.min(distinct.length, missing + 2);
  if (paired > MAX_PAIR_PROBES) return probes.slice(0, missing + 1).join(' | ');
  const pairs: string[] = [];
  for (let first = 0; first < paired; first++)
    for (let second = first + 1; second < paired; second++)
      pairs.push(`(${probes[first]} & ${probes[second]})`);
  return pairs.join(' | ');
}

const cursorKey = sql<string>`to_char(${termValidations.createdAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const MAX_CLASHES = 20;

export const validationRepository = {
  /** The concept's labels and definitions, its vocabulary's languages, and labels it shares with others. */
  async conceptContext(db: Db, termId: string): Promise<ConceptContext | undefined> {
    const result = await db.execute(sql`
      SELECT v.default_language, v.languages, t.term, t.definition,
        (SELECT coalesce(json_agg(json_build_object('language', l.language, 'kind', l.kind, 'text', l.text)), '[]')
           FROM term_labels l WHERE l.term_id = t.id AND l.kind IN ('pref', 'alt')) AS labels,
        (SELECT coalesce(json_object_agg(d.language, d.text), '{}') FROM term_definitions d WHERE d.term_id = t.id) AS definitions
      FROM terms t JOIN vocabularies v ON v.id = t.vocabulary_id
      WHERE t.id = ${termId}::uuid`);
    const [row] = rowsOf<{
      default_language: string;
      languages: string[];
      term: string;
      definition: string;
      labels: { language: string; kind: 'pref' | 'alt'; text: string }[];
      definitions: Record<string, string>;
    }>(result);
    if (!row) return undefined;
    const clashes = await db.execute(sql`
      WITH mine AS (
        SELECT v.default_language AS language, t.term AS label, 'pref' AS kind, t.vocabulary_id
        FROM terms t JOIN vocabularies v ON v.id = t.vocabulary_id WHERE t.id = ${termId}::uuid
        UNION ALL
        SELECT l.language, l.text, l.kind::text, t.vocabulary_id
        FROM term_labels l JOIN terms t ON t.id = l.term_id
        WHERE l.term_id = ${termId}::uuid AND l.kind IN ('pref', 'alt')
      )
      SELECT m.label, m.kind, m.language, o.id::text AS "termId", o.term
      FROM mine m
      JOIN vocabularies v ON v.id = m.vocabulary_id
      JOIN terms o ON o.vocabulary_id = m.vocabulary_id AND o.id <> ${termId}::uuid
        AND m.language = v.default_language AND lexikon_fold(o.term) = lexikon_fold(m.label)
      UNION ALL
      SELECT m.label, m.kind, m.language, o.id::text, o.term
      FROM mine m
      JOIN term_labels p ON p.kind = 'pref' AND p.language = m.language AND lexikon_fold(p.text) = lexikon_fold(m.label)
      JOIN terms o ON o.id = p.term_id AND o.vocabulary_id = m.vocabulary_id AND o.id <> ${termId}::uuid
      LIMIT ${MAX_CLASHES}`);
    const prefLabels: Record<string, string> = { [row.default_language]: row.term };
    for (const label of row.labels) if (label.kind === 'pref') prefLabels[label.language] = label.text;
    return {
      defaultLanguage: row.default_language,
      languages: row.languages,
      prefLabels,
      definitions: { ...row.definitions, [row.default_language]: row.definition },
      altLabels: row.labels
        .filter((label) => label.kind === 'alt')
        .map(({ language, text }) => ({ language, text })),
      clashes: rowsOf<LabelClash>(clashes),
    };
  },

  /** Reads a term under a share lock: edits (which lock it for update) wait until the caller commits. */
  async lockTermShared(db: Db, termId: string): Promise<SubjectTerm | undefined> {
    const result = await db.execute(sql`
      SELECT id, term, definition, domain, version FROM terms WHERE id = ${termId}::uuid FOR SHARE`);
    return rowsOf<SubjectTerm>(result)[0];
  },

  /** The text validators look at, for several terms at once (those still present). */
  async subjects(db: Db, termIds: readonly string[]): Promise<SubjectTerm[]> {
    if (termIds.length === 0) return [];
    const result = await db.execute(sql`
      SELECT id::text AS id, term, definition, domain, version FROM terms
      WHERE id = ANY(${`{${termIds.join(',')}}`}::uuid[])`);
    return rowsOf<SubjectTerm>(result);
  },

  /**
   * Terms whose latest validation has a finding naming `termId` (it duplicates them, it contradicts
   * their relations): a change to it may change their findings.
   */
  async termsWithFindingsAbout(db: Db, termId: string, limit = MAX_REQUEUED): Promise<string[]> {
    const result = await db.execute(sql`
      SELECT DISTINCT v.term_id::text AS id
      FROM validation_findings f
      JOIN term_validations v ON v.id = f.validation_id
      WHERE f.related_term_ids @> ARRAY[${termId}::uuid] AND v.term_id <> ${termId}::uuid
        AND v.id = (SELECT l.id FROM term_validations l WHERE l.term_id = v.term_id
                    ORDER BY l.created_at DESC, l.id DESC LIMIT 1)
      LIMIT ${limit}`);
    return rowsOf<{ id: string }>(result).map((row) => row.id);
  },

  /** Of `termIds`, those whose latest validation does not name `termId` in any finding (or have none). */
  async termsNotYetMentioning(db: Db, termIds: readonly string[], termId: string): Promise<string[]> {
    if (termIds.length === 0) return [];
    const result = await db.execute(sql`
      SELECT t.id::text AS id FROM terms t
      WHERE t.id = ANY(${`{${termIds.join(',')}}`}::uuid[])
        AND NOT EXISTS (
          SELECT 1 FROM validation_findings f
          WHERE f.validation_id = (SELECT l.id FROM term_validations l WHERE l.term_id = t.id
                                   ORDER BY l.created_at DESC, l.id DESC LIMIT 1)
            AND f.related_term_ids @> ARRAY[${termId}::uuid])`);
    return rowsOf<{ id: string }>(result).map((row) => row.id);
  },

  /** A page of terms in id order, each with the content hash of its latest validation (null: none). */
  async termsWithLatestHash(
    db: Db,
    afterId: string | null,
    limit: number,
  ): Promise<(SubjectTerm & { latest_hash: string | null })[]> {
    const result = await db.execute(sql`
      SELECT t.id::text AS id, t.term, t.definition, t.domain, t.version,
             (SELECT v.content_hash FROM term_validations v WHERE v.term_id = t.id
              ORDER BY v.created_at DESC, v.id DESC LIMIT 1) AS latest_hash
      FROM terms t
      WHERE ${afterId === null ? sql`true` : sql`t.id > ${afterId}::uuid`}
      ORDER BY t.id
      LIMIT ${limit}`);
    return rowsOf<SubjectTerm & { latest_hash: string | null }>(result);
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
   * Candidates for duplicate detection, each query served by an index whatever the table's size:
   * - the same definition (folded), through the index on its hash;
   * - near-duplicates, through the full-text index, with a query every one of them matches
   *   (nearDuplicateQuery); at most MAX_SIMILAR are read. The rules then measure the similarity itself.
   */
  async similarDefinitions(db: Db, term: SubjectTerm): Promise<OtherTerm[]> {
    const exact = rowsOf<OtherTerm>(
      await db.execute(sql`
      SELECT id, term, definition, domain FROM terms
      WHERE md5(lexikon_fold(definition)) = md5(lexikon_fold(${term.definition}))
        AND lexikon_fold(definition) = lexikon_fold(${term.definition}) AND id <> ${term.id}::uuid
      ORDER BY id
      LIMIT ${MAX_SIMILAR}`),
    );
    const probes = nearDuplicateQuery(term.definition);
    if (probes === null) return exact;
    const query = sql`to_tsquery('simple'::regconfig, ${probes})`;
    const near = rowsOf<OtherTerm>(
      await db.execute(sql`
      SELECT id, term, definition, domain FROM terms
      WHERE search_vector @@ ${query} AND id <> ${term.id}::uuid
        AND md5(lexikon_fold(definition)) <> md5(lexikon_fold(${term.definition}))
      LIMIT ${MAX_SIMILAR}`),
    );
    return [...exact, ...near];
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
          translations: finding.translations,
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

/** What a service gets by constructor: stateless queries over the database or transaction it is given. */
export type ValidationRepository = typeof validationRepository;
