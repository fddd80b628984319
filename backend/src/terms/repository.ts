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
};

/** What a service gets by constructor: stateless queries over the database or transaction it is given. */
export type TermsRepository = typeof termsRepository;
