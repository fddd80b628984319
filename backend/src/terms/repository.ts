import { and, asc, desc, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db } from '../platform/database/client.ts';
import { terms } from '../platform/database/schema.ts';
import type { TermSort } from './schemas.ts';

const { searchVector: _searchVector, ...termColumns } = getTableColumns(terms);
export type TermRow = Omit<typeof terms.$inferSelect, 'searchVector'>;
export type SearchMatchRow = {
  text: string;
  language: string;
  kind: 'pref' | 'alt' | 'hidden' | 'definition';
};
export type NewTermRow = typeof terms.$inferInsert;

export interface TermFilters {
  /**
   * Whose reading: the vocabularies they may read (public ones, internal ones when signed in, private
   * ones they are a member of), or every one. The same rule as policy.vocabulary's `read`.
   */
  readableBy: { userId: string | null; everything: boolean };
  vocabularyId?: string | undefined;
  q?: string | undefined;
  /** Search labels and definitions in this language only. */
  language?: string | undefined;
  /** The languages whose stemming a search uses: the filter's, or every content language. */
  searchLanguages?: readonly string[] | undefined;
  domain?: string | undefined;
  level?: TermRow['level'] | undefined;
  status?: TermRow['status'] | undefined;
  createdBy?: string | undefined;
}

/** The WHERE of a list (without its cursor), and the search queries it uses. */
function filterConditions(filters: TermFilters) {
  const conditions: (SQL | undefined)[] = [];
  if (filters.vocabularyId !== undefined) conditions.push(eq(terms.vocabularyId, filters.vocabularyId));
  if (!filters.readableBy.everything) conditions.push(readableVocabularies(filters.readableBy.userId));
  if (filters.domain !== undefined)
    conditions.push(sql`lexikon_fold(coalesce(${terms.domain}, '')) = lexikon_fold(${filters.domain})`);
  if (filters.level !== undefined) conditions.push(eq(terms.level, filters.level));
  if (filters.status !== undefined) conditions.push(eq(terms.status, filters.status));
  if (filters.createdBy !== undefined) conditions.push(eq(terms.createdBy, filters.createdBy));

  const tsquery = filters.q === undefined ? null : searchQuery(filters.q);
  const labels = filters.q === undefined ? null : labelQuery(filters.q, filters.searchLanguages ?? []);
  const inLanguage = (column: SQL) =>
    filters.language === undefined ? sql`true` : sql`${column} = ${filters.language}`;
  if (filters.q !== undefined)
    conditions.push(
      tsquery && labels
        ? sql`((${terms.searchVector} @@ ${tsquery} AND ${inLanguage(defaultLanguage)})
              OR ${terms.id} IN (SELECT l.term_id FROM term_labels l WHERE l.search_vector @@ ${labels} AND ${inLanguage(sql`l.language`)})
              OR ${terms.id} IN (SELECT d.term_id FROM term_definitions d WHERE d.search_vector @@ ${labels} AND ${inLanguage(sql`d.language`)}))`
        : sql`false`,
    );
  return { conditions, tsquery, labels, inLanguage };
}

/** Where a page starts: the sort key and id of the last row of the previous page. */
export interface Keyset {
  key: string | number;
  id: string;
}

const recentKey = sql<string>`to_char(${terms.createdAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const foldedTerm = sql`lexikon_fold(${terms.term})`;

/**
 * Search in both languages at once: French and English stems of whole words, plus prefixes of the raw
 * words so "neur" finds "neurones" while the user is typing. Only letters and digits reach to_tsquery.
 */
export function searchQuery(q: string): SQL | null {
  const words = q
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 16);
  if (words.length === 0) return null;
  const prefixes = words.map((word) => `${word}:*`).join(' & ');
  return sql`(websearch_to_tsquery('french'::regconfig, lexikon_fold(${q})) || websearch_to_tsquery('english'::regconfig, lexikon_fold(${q})) || to_tsquery('simple'::regconfig, ${prefixes}))`;
}

/** Terms of the vocabularies a reader may read (see TermFilters.readableBy). */
function readableVocabularies(userId: string | null): SQL {
  if (userId === null)
    return sql`${terms.vocabularyId} IN (SELECT id FROM vocabularies WHERE visibility = 'public')`;
  return sql`${terms.vocabularyId} IN (SELECT id FROM vocabularies WHERE visibility <> 'private' UNION ALL SELECT vocabulary_id FROM vocabulary_members WHERE user_id = ${userId}::uuid)`;
}

/**
 * The search of labels and definitions in other languages: the words stemmed in each content language,
 * plus the same prefixes as searchQuery. Built from constants, so the GIN indexes serve it.
 */
export function labelQuery(q: string, languages: readonly string[]): SQL | null {
  const prefixes = searchQuery(q);
  if (!prefixes) return null;
  const stemmed = languages.map(
    (language) => sql`websearch_to_tsquery(lexikon_regconfig(${language}), lexikon_fold(${q}))`,
  );
  return sql`(${sql.join([...stemmed, prefixes], sql` || `)})`;
}

const defaultLanguage = sql<string>`(SELECT v.default_language FROM vocabularies v WHERE v.id = ${terms.vocabularyId})`;

export const termsRepository = {
  /** Every content language of every vocabulary. */
  async contentLanguages(db: Db): Promise<string[]> {
    const result = await db.execute(
      sql`SELECT DISTINCT unnest(languages) AS language FROM vocabularies ORDER BY 1`,
    );
    return rowsOf<{ language: string }>(result).map((row) => row.language);
  },

  async insert(db: Db, values: NewTermRow): Promise<TermRow> {
    const [row] = await db.insert(terms).values(values).returning(termColumns);
    return row!;
  },

  async findById(db: Db, id: string, options: { lock?: boolean } = {}): Promise<TermRow | undefined> {
    const query = db.select(termColumns).from(terms).where(eq(terms.id, id)).limit(1);
    const [row] = options.lock ? await query.for('update') : await query;
    return row;
  },

  async findByIri(db: Db, iri: string): Promise<TermRow | undefined> {
    const [row] = await db.select(termColumns).from(terms).where(eq(terms.iri, iri)).limit(1);
    return row;
  },

  async findByIds(db: Db, ids: readonly string[]): Promise<TermRow[]> {
    if (ids.length === 0) return [];
    return db
      .select(termColumns)
      .from(terms)
      .where(sql`${terms.id} = ANY(${sql.raw(`'{${ids.join(',')}}'`)}::uuid[])`);
  },

  async findByName(db: Db, name: string, domain?: string): Promise<TermRow[]> {
    return db
      .select(termColumns)
      .from(terms)
      .where(
        and(
          sql`${foldedTerm} = lexikon_fold(${name})`,
          domain === undefined
            ? undefined
            : sql`lexikon_fold(coalesce(${terms.domain}, '')) = lexikon_fold(${domain})`,
        ),
      )
      .orderBy(asc(terms.createdAt))
      .limit(20);
  },

  /**
   * How the domain is already spelled, if any term has it (compared without case or accents): the
   * earliest spelling wins, so "intelligence ARTIFICIELLE" joins "Intelligence artificielle".
   */
  async existingDomainSpelling(db: Db, domain: string, exceptTermId?: string): Promise<string | undefined> {
    const [row] = await db
      .select({ domain: terms.domain })
      .from(terms)
      .where(
        and(
          sql`lexikon_fold(coalesce(${terms.domain}, '')) = lexikon_fold(${domain})`,
          exceptTermId === undefined ? undefined : sql`${terms.id} <> ${exceptTermId}::uuid`,
        ),
      )
      .orderBy(asc(terms.createdAt), asc(terms.id))
      .limit(1);
    return row?.domain ?? undefined;
  },

  /** Every domain in use, with its number of terms, in alphabetical order (folded). */
  async domains(db: Db): Promise<{ domain: string; terms: number }[]> {
    const result = await db.execute(sql`
      SELECT min(domain) AS domain, count(*)::int AS terms FROM terms
      WHERE domain IS NOT NULL
      GROUP BY lexikon_fold(coalesce(domain, ''))
      ORDER BY lexikon_fold(coalesce(min(domain), ''))`);
    return rowsOf<{ domain: string; terms: number }>(result);
  },

  async update(db: Db, id: string, values: Partial<NewTermRow>): Promise<TermRow> {
    const [row] = await db
      .update(terms)
      .set({ ...values, version: sql`${terms.version} + 1`, updatedAt: sql`now()` })
      .where(eq(terms.id, id))
      .returning(termColumns);
    return row!;
  },

  /** A validated concept whose relations someone changed goes to review (a new version); true if it did. */
  async sendValidatedToReview(db: Db, id: string): Promise<boolean> {
    const rows = await db
      .update(terms)
      .set({ status: 'in_review', version: sql`${terms.version} + 1`, updatedAt: sql`now()` })
      .where(sql`${terms.id} = ${id} AND ${terms.status} = 'validated'`)
      .returning({ id: terms.id });
    return rows.length > 0;
  },

  async delete(db: Db, id: string): Promise<void> {
    await db.delete(terms).where(eq(terms.id, id));
  },

  /** One page in keyset order; fetches one extra row to know whether another page follows. */
  async list(
    db: Db,
    filters: TermFilters,
    sort: TermSort,
    limit: number,
    after: Keyset | undefined,
  ): Promise<{ rows: (TermRow & { match: SearchMatchRow | null })[]; keys: Keyset[] }> {
    const { conditions, tsquery, labels, inLanguage } = filterConditions(filters);

    let key: SQL;
    let order: SQL[];
    let afterCondition: SQL | undefined;
    if (sort === 'relevance' && tsquery && labels) {
      key = sql`greatest(ts_rank(${terms.searchVector}, ${tsquery}), coalesce((SELECT max(ts_rank(l.search_vector, ${labels})) FROM term_labels l WHERE l.term_id = ${terms.id}), 0))`;
      order = [sql`${key} DESC`, desc(terms.id)];
      if (after)
        afterCondition = sql`(${key}, ${terms.id}) < (${Number(after.key)}::real, ${after.id}::uuid)`;
    } else if (sort === 'term') {
      key = foldedTerm;
      order = [asc(foldedTerm), asc(terms.id)];
      if (after)
        afterCondition = sql`(${foldedTerm}, ${terms.id}) > (${String(after.key)}, ${after.id}::uuid)`;
    } else {
      key = recentKey;
      // NULLS LAST matches terms_created_idx exactly; plain DESC (nulls first) would make PostgreSQL sort
      // the whole table instead of reading the index.
      order = [sql`${terms.createdAt} DESC NULLS LAST`, sql`${terms.id} DESC NULLS LAST`];
      if (after)
        afterCondition = sql`(${terms.createdAt}, ${terms.id}) < (${String(after.key)}::timestamptz, ${after.id}::uuid)`;
    }
    conditions.push(afterCondition);

    const match =
      labels === null
        ? sql<SearchMatchRow | null>`NULL::json`
        : sql<SearchMatchRow | null>`CASE
            WHEN (to_tsvector(lexikon_regconfig(${defaultLanguage}), lexikon_fold(${terms.term})) || to_tsvector('simple'::regconfig, lexikon_fold(${terms.term}))) @@ ${labels} AND ${inLanguage(defaultLanguage)}
              THEN json_build_object('text', ${terms.term}, 'language', ${defaultLanguage}, 'kind', 'pref')
            ELSE coalesce(
              (SELECT json_build_object('text', l.text, 'language', l.language, 'kind', l.kind) FROM term_labels l
               WHERE l.term_id = ${terms.id} AND l.search_vector @@ ${labels} AND ${inLanguage(sql`l.language`)}
               ORDER BY array_position(ARRAY['pref', 'alt', 'hidden']::label_kind[], l.kind), l.language, l.position LIMIT 1),
              (SELECT json_build_object('text', d.text, 'language', d.language, 'kind', 'definition') FROM term_definitions d
               WHERE d.term_id = ${terms.id} AND d.search_vector @@ ${labels} AND ${inLanguage(sql`d.language`)} ORDER BY d.language LIMIT 1),
              json_build_object('text', ${terms.definition}, 'language', ${defaultLanguage}, 'kind', 'definition'))
          END`;
    const rows = await db
      .select({ ...termColumns, sortKey: sql<string | number>`${key}`, match })
      .from(terms)
      .where(and(...conditions))
      .orderBy(...order)
      .limit(limit + 1);
    return {
      rows: rows.map(({ sortKey: _key, ...row }) => row),
      keys: rows.map((row) => ({ key: row.sortKey, id: row.id })),
    };
  },

  /**
   * One level of a vocabulary's hierarchy by folded label: the narrower concepts of `parentId` (sources of
   * an `is_a` to it), or the top concepts (sources of none), each with its number of narrower concepts.
   */
  async hierarchyLevel(
    db: Db,
    vocabularyId: string,
    parentId: string | null,
    limit: number,
    after: Keyset | undefined,
  ): Promise<{ rows: HierarchyRow[]; keys: Keyset[] }> {
    const level =
      parentId === null
        ? sql`NOT EXISTS (SELECT 1 FROM relationships b WHERE b.source_id = t.id AND b.type = 'is_a')`
        : sql`t.id IN (SELECT r.source_id FROM relationships r WHERE r.target_id = ${parentId}::uuid AND r.type = 'is_a')`;
    const rows = rowsOf<HierarchyRow & { sort_key: string }>(
      await db.execute(sql`
        SELECT t.id, t.notation, t.term, t.status, lexikon_fold(t.term) AS sort_key,
          (SELECT count(*)::int FROM relationships n WHERE n.target_id = t.id AND n.type = 'is_a') AS narrower
        FROM terms t
        WHERE t.vocabulary_id = ${vocabularyId}::uuid AND ${level}
          ${after ? sql`AND (lexikon_fold(t.term), t.id) > (${String(after.key)}, ${after.id}::uuid)` : sql``}
        ORDER BY lexikon_fold(t.term), t.id
        LIMIT ${limit + 1}`),
    );
    return {
      rows: rows.map(({ sort_key: _key, ...row }) => row),
      keys: rows.map((row) => ({ key: row.sort_key, id: row.id })),
    };
  },

  /** How many terms the list's filters select, across every page. */
  async count(db: Db, filters: TermFilters): Promise<number> {
    const { conditions } = filterConditions(filters);
    const [row] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(terms)
      .where(and(...conditions));
    return row?.n ?? 0;
  },

  /**
   * What a list shows beside each term of a page: its preferred labels in the other languages and the
   * findings of its latest validation (null when never validated). One query for the page, after it.
   */
  async listExtras(db: Db, ids: readonly string[]): Promise<Map<string, ListExtras>> {
    if (ids.length === 0) return new Map();
    const rows = rowsOf<{
      id: string;
      pref_labels: Record<string, string>;
      quality: { checked_at: string; errors: number; warnings: number; infos: number } | null;
    }>(
      await db.execute(sql`
        SELECT t.id,
          (SELECT coalesce(json_object_agg(l.language, l.text), '{}'::json) FROM term_labels l
            WHERE l.term_id = t.id AND l.kind = 'pref') AS pref_labels,
          (SELECT json_build_object(
              'checked_at', v.created_at,
              'errors', count(f.id) FILTER (WHERE f.severity = 'error'),
              'warnings', count(f.id) FILTER (WHERE f.severity = 'warning'),
              'infos', count(f.id) FILTER (WHERE f.severity = 'info'))
            FROM (SELECT id, created_at FROM term_validations WHERE term_id = t.id
                  ORDER BY created_at DESC, id DESC LIMIT 1) v
            LEFT JOIN validation_findings f ON f.validation_id = v.id
            GROUP BY v.id, v.created_at) AS quality
        FROM terms t WHERE t.id = ANY(${`{${ids.join(',')}}`}::uuid[])`),
    );
    return new Map(
      rows.map((row) => [
        row.id,
        {
          prefLabels: row.pref_labels,
          quality: row.quality && { ...row.quality, checked_at: new Date(row.quality.checked_at) },
        },
      ]),
    );
  },
};

export interface HierarchyRow {
  id: string;
  notation: string;
  term: string;
  status: TermRow['status'];
  narrower: number;
}

export interface ListExtras {
  prefLabels: Record<string, string>;
  quality: { checked_at: Date; errors: number; warnings: number; infos: number } | null;
}

/** What a service gets by constructor: stateless queries over the database or transaction it is given. */
export type TermsRepository = typeof termsRepository;
