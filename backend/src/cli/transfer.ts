import { randomUUID } from 'node:crypto';
import { asc, gt, sql } from 'drizzle-orm';
import { idSchema } from '@lexikon/contracts/text';
import { z } from 'zod';
import type { GraphChangeRecorder } from '../graph/outbox/recorder.ts';
import { rowsOf, type Database, type Db } from '../platform/database/client.ts';
import { relationships, terms } from '../platform/database/schema.ts';
import { revisionRecorder } from '../history/recorder.ts';
import { relationsRepository } from '../relations/repository.ts';
import {
  hierarchicalRelationTypes,
  relationTypeSchema,
  strengthSchema,
  symmetricRelationTypes,
  type RelationType,
} from '../relations/schemas.ts';
import { planConceptParts, splitConceptParts } from '../terms/concept-parts.ts';
import { conceptPartsRepository, type PartsChange, type StoredParts } from '../terms/parts-repository.ts';
import type { conceptPartsBodySchema } from '../terms/schemas.ts';
import { termsRepository } from '../terms/repository.ts';
import { AppError } from '../platform/errors.ts';
import { createTermBodySchema, termStatusSchema } from '../terms/schemas.ts';
import { createVocabularyBodySchema, DEFAULT_VOCABULARY_SLUG } from '../vocabularies/schemas.ts';
import { vocabulariesRepository } from '../vocabularies/repository.ts';
import { vocabularySettings } from '../vocabularies/settings.ts';
import { writeChunk } from './command.ts';
import { Progress, type ProgressStream } from './progress.ts';

/**
 * The Lexikon export format and the machinery behind `export`, `import` and `seed-demo`. Import is
 * validate-everything-then-write inside the caller's transaction: a file is applied whole or not at all.
 */

export const EXPORT_FORMAT = 'lexikon-export';
export const EXPORT_VERSION = 1;

const EXPORT_PAGE_SIZE = 1000;
// Rows per INSERT: well under PostgreSQL's 65 535 bind parameters, big enough to amortise round trips.
const TERM_INSERT_BATCH = 500;
const RELATION_INSERT_BATCH = 1000;
// Rows per lookup query; each travels as one jsonb parameter.
const LOOKUP_BATCH = 2000;
const MAX_CYCLES_REPORTED = 10;

// ---- document -------------------------------------------------------------------------------------

const uuid = idSchema;

/**
 * ISO 8601's year 0000 is 1 BC, which PostgreSQL's timestamps spell differently and refuse; no term was
 * created before year 1, so such a date is a mistake in the file, reported as one.
 */
const createdAtSchema = z.iso
  .datetime({ offset: true, message: 'Must be an ISO 8601 date-time, e.g. 2025-01-31T12:00:00Z.' })
  .refine((value) => new Date(value).getUTCFullYear() >= 1, 'Must be a date in year 1 or later.');

/** A term as the API would accept it, plus what only an export carries: its id, any status, its age. */
export const exportedTermSchema = createTermBodySchema.extend({
  id: uuid,
  status: termStatusSchema.default('draft'),
  created_at: createdAtSchema.optional(),
});

export const exportedRelationSchema = z
  .object({
    source_id: uuid,
    target_id: uuid,
    type: relationTypeSchema,
    strength: strengthSchema.nullable().optional(),
  })
  .strict()
  .refine((relation) => relation.source_id !== relation.target_id, {
    path: ['target_id'],
    message: 'A term cannot be related to itself.',
  });

/** A vocabulary's settings, as creating it takes them: an import makes the ones the database lacks. */
export const exportedVocabularySchema = createVocabularyBodySchema;

export const exportDocumentSchema = z
  .object({
    format: z.literal(EXPORT_FORMAT),
    version: z.literal(EXPORT_VERSION),
    exported_at: z.iso.datetime({ offset: true }).optional(),
    vocabularies: z.array(exportedVocabularySchema).default([]).meta({
      description: 'The vocabularies its terms name (`vocabulary`); a term without one is in the default.',
    }),
    terms: z.array(exportedTermSchema),
    relations: z.array(exportedRelationSchema).default([]),
  })
  .strict();

export type ExportDocument = z.infer<typeof exportDocumentSchema>;
export type ExportedTerm = ExportDocument['terms'][number];
export type ExportedRelation = ExportDocument['relations'][number];

/** One thing wrong with an import, located by its JSON path, e.g. `terms[12].level`. */
export interface ImportProblem {
  path: string;
  message: string;
}

export class ImportRejected extends Error {
  override name = 'ImportRejected';
  readonly problems: readonly ImportProblem[];

  constructor(problems: readonly ImportProblem[]) {
    super(`${problems.length} problem(s) found`);
    this.problems = problems;
  }
}

export const DEFAULT_MAX_ERRORS = 100;

/** One line per problem; a file that is wrong everywhere gets a readable head and a count. */
export function problemLines(problems: readonly ImportProblem[], max = DEFAULT_MAX_ERRORS): string[] {
  const shown = max === 0 ? problems : problems.slice(0, max);
  const lines = shown.map((problem) => `  - ${problem.path}: ${problem.message}`);
  if (shown.length < problems.length)
    lines.push(`  … and ${problems.length - shown.length} more (--max-errors 0 shows them all)`);
  return lines;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text === '' ? '(document)' : text;
}

/** Parses and validates a whole document, collecting every problem instead of stopping at the first. */
export function parseExportDocument(text: string): ExportDocument {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ImportRejected([
      { path: '(file)', message: `Not valid JSON: ${error instanceof Error ? error.message : error}.` },
    ]);
  }
  // A different file type would produce hundreds of meaningless field errors: say what it is instead.
  const header = data !== null && typeof data === 'object' ? (data as Record<string, unknown>) : {};
  if (header.format !== EXPORT_FORMAT)
    throw new ImportRejected([
      { path: 'format', message: `Expected "${EXPORT_FORMAT}": this is not a Lexikon export file.` },
    ]);
  if (header.version !== EXPORT_VERSION)
    throw new ImportRejected([
      {
        path: 'version',
        message: `This lexikon reads format version ${EXPORT_VERSION}; the file has version ${JSON.stringify(header.version)}.`,
      },
    ]);
  const parsed = exportDocumentSchema.safeParse(data);
  if (!parsed.success)
    throw new ImportRejected(
      parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
    );
  return parsed.data;
}

// ---- export ---------------------------------------------------------------------------------------

export interface ExportResult {
  terms: number;
  relations: number;
}

const exportTermColumns = {
  id: terms.id,
  vocabulary: sql<string>`(SELECT v.slug FROM vocabularies v WHERE v.id = ${terms.vocabularyId})`,
  notation: terms.notation,
  term: terms.term,
  definition: terms.definition,
  domain: terms.domain,
  level: terms.level,
  status: terms.status,
  // Microseconds, as stored: a Date would round to milliseconds and a round trip would not be exact.
  created_at: sql<string>`to_char(${terms.createdAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
};

/**
 * Streams the whole database as one JSON document, one term or relation per line. Pages are read by
 * keyset on the primary key (constant cost per page, unlike OFFSET) inside one read-only snapshot, so
 * every exported relation points at an exported term even while the API keeps writing.
 */
export async function writeExport(
  database: Database,
  out: NodeJS.WritableStream,
  options: { progress?: ProgressStream | undefined; now?: () => Date } = {},
): Promise<ExportResult> {
  return database.db.transaction(
    async (tx) => {
      const counts = rowsOf<{ terms: number; relations: number }>(
        await tx.execute(sql`
          SELECT (SELECT count(*) FROM terms)::int AS terms, (SELECT count(*) FROM relationships)::int AS relations`),
      )[0]!;
      const exportedAt = (options.now?.() ?? new Date()).toISOString();
      const vocabularyRows = await vocabulariesRepository.all(tx);
      await writeChunk(
        out,
        `{\n  "format": ${JSON.stringify(EXPORT_FORMAT)},\n  "version": ${EXPORT_VERSION},\n` +
          `  "exported_at": ${JSON.stringify(exportedAt)},\n  "vocabularies": [` +
          vocabularyRows
            .map((row, index) => `${index === 0 ? '' : ','}\n    ${JSON.stringify(vocabularySettings(row))}`)
            .join('') +
          `${vocabularyRows.length > 0 ? '\n  ' : ''}],\n  "terms": [`,
      );
      const termCount = await writeArray(
        out,
        'export terms',
        counts.terms,
        options.progress,
        async (after) => {
          const rows = await tx
            .select(exportTermColumns)
            .from(terms)
            .where(after === undefined ? undefined : gt(terms.id, after))
            .orderBy(asc(terms.id))
            .limit(EXPORT_PAGE_SIZE);
          const parts = await conceptPartsRepository.read(
            tx,
            rows.map((row) => row.id),
          );
          return rows.map((row) => ({ ...row, ...exportedParts(parts.get(row.id)!) }));
        },
      );
      await writeChunk(out, '],\n  "relations": [');
      const relationCount = await writeArray(
        out,
        'export relations',
        counts.relations,
        options.progress,
        (after) =>
          tx
            .select({
              id: relationships.id,
              source_id: relationships.sourceId,
              target_id: relationships.targetId,
              type: relationships.type,
              strength: relationships.strength,
            })
            .from(relationships)
            .where(after === undefined ? undefined : gt(relationships.id, after))
            .orderBy(asc(relationships.id))
            .limit(EXPORT_PAGE_SIZE),
        // The relation's own id only serves paging: a relation is identified by its ends and type.
        ({ id: _id, ...relation }) => relation,
      );
      await writeChunk(out, ']\n}\n');
      return { terms: termCount, relations: relationCount };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/** A concept's parts as a create body takes them; empty parts are left out of the file. */
function exportedParts(parts: StoredParts): z.input<typeof conceptPartsBodySchema> {
  const body: z.input<typeof conceptPartsBodySchema> = {
    pref_labels: parts.pref_labels,
    alt_labels: parts.alt_labels,
    hidden_labels: parts.hidden_labels,
    definitions: parts.definitions,
    sources: parts.sources.map((source) => ({
      language: source.language,
      ...(source.citation === null ? {} : { citation: source.citation }),
      ...(source.url === null ? {} : { url: source.url }),
    })),
    notes: parts.notes,
    mappings: parts.mappings.map((mapping) => ({
      type: mapping.type,
      ...(mapping.term_id ? { term_id: mapping.term_id } : { iri: mapping.iri }),
      label: mapping.label,
    })),
    replaced_by: parts.replaced_by,
  };
  return Object.fromEntries(
    Object.entries(body).filter(([, value]) =>
      Array.isArray(value) ? value.length > 0 : Object.keys(value as object).length > 0,
    ),
  );
}

async function writeArray<Row extends { id: string }>(
  out: NodeJS.WritableStream,
  label: string,
  total: number,
  progressStream: ProgressStream | undefined,
  page: (after: string | undefined) => Promise<Row[]>,
  shape: (row: Row) => unknown = (row) => row,
): Promise<number> {
  const progress = progressStream ? new Progress({ label, total, stream: progressStream }) : undefined;
  let written = 0;
  let after: string | undefined;
  for (;;) {
    const rows = await page(after);
    if (rows.length === 0) break;
    // One write per page: far fewer syscalls than one per row, still bounded memory.
    const lines = rows.map(
      (row, index) => `${written + index === 0 ? '' : ','}\n    ${JSON.stringify(shape(row))}`,
    );
    await writeChunk(out, lines.join(''));
    written += rows.length;
    after = rows[rows.length - 1]!.id;
    progress?.update(written);
    if (rows.length < EXPORT_PAGE_SIZE) break;
  }
  if (written > 0) await writeChunk(out, '\n  ');
  progress?.finish();
  return written;
}

// ---- import ---------------------------------------------------------------------------------------

export interface ImportOptions {
  /** `error`: a term or relation that already exists rejects the file. `skip`: keep what exists. */
  onConflict: 'error' | 'skip';
  /** Recorded as the creator of imported terms and relations (null: unknown). */
  createdBy: string | null;
  progress?: ProgressStream | undefined;
  /** Tells the graph mirror about what was written, in the same transaction (see graph/outbox). */
  graphChanges?: GraphChangeRecorder | undefined;
  /** Where to find the base IRI of vocabularies the import creates without one. */
  publicWebUrl?: string | undefined;
  /** Kept with the import's revisions in the history. */
  comment?: string | undefined;
}

/** What an import needs to know of the vocabulary it writes to. */
export interface ImportVocabulary {
  id: string;
  slug: string;
  defaultLanguage: string;
  languages: readonly string[];
  /** Two concepts may not share a preferred label within a domain: the natural key of an import. */
  uniquePrefLabels: boolean;
  /** Made by this import, from the file's settings. */
  create?: z.infer<typeof exportedVocabularySchema>;
}

export interface ImportSummary {
  vocabularies: { created: number };
  terms: { created: number; skipped: number; createdIds: string[] };
  relations: { created: number; skipped: number };
}

interface TermPlan {
  toInsert: { index: number; term: ExportedTerm; vocabulary: ImportVocabulary; parts?: PartsChange }[];
  /** The vocabulary of every term seen (file id and resolved id): a relation stays within one. */
  vocabularyOf: Map<string, string>;
  skipped: number;
  /** File id → id after the import: the term itself, or the existing term it was matched to. */
  resolve: Map<string, string>;
  /** Ids this import creates. */
  created: Set<string>;
  /** Display name of every term seen so far, for messages. */
  names: Map<string, string>;
  /** File ids of terms that have a problem of their own. */
  rejected: Set<string>;
}

interface PlannedRelation {
  index: number;
  sourceId: string;
  targetId: string;
  type: RelationType;
  strength: number | null;
}

interface RelationPlan {
  toInsert: PlannedRelation[];
  skipped: number;
}

/**
 * Checks the document against the database, then writes it. Must run inside a transaction (the caller's,
 * so seeding can create its owner account in the same one); throws ImportRejected, writing nothing, if
 * anything is wrong.
 */
export async function importDocument(
  tx: Db,
  document: ExportDocument,
  options: ImportOptions,
): Promise<ImportSummary> {
  // The locks the relations service takes: no API request can close a cycle between our check and commit.
  for (const type of hierarchicalRelationTypes) await relationsRepository.lockHierarchy(tx, type);

  const problems: ImportProblem[] = [];
  const vocabularies = await planVocabularies(tx, document, problems);
  const termPlan = await planTerms(tx, document.terms, options.onConflict, problems, vocabularies);
  await planParts(tx, termPlan, problems);
  const relationPlan = await planRelations(tx, document.relations, termPlan, options.onConflict, problems);
  problems.push(...(await findHierarchyCycles(tx, relationPlan.toInsert, termPlan.names)));
  if (problems.length > 0) throw new ImportRejected(problems);

  const vocabulariesCreated = await createVocabularies(tx, vocabularies, options);
  await insertTerms(tx, termPlan.toInsert, options);
  const { created: relationsCreated, sources } = await insertRelations(tx, relationPlan.toInsert, options);
  // One change set for the whole file: a revision per concept created, and per concept it added relations to.
  const createdIds = new Set(termPlan.toInsert.map((entry) => entry.term.id));
  await revisionRecorder.record(
    tx,
    [
      ...[...createdIds].map((termId) => ({ termId, action: 'created' as const })),
      ...[...sources]
        .filter((termId) => !createdIds.has(termId))
        .map((termId) => ({ termId, action: 'updated' as const })),
    ],
    { authorId: options.createdBy, comment: options.comment ?? null },
  );
  return {
    vocabularies: { created: vocabulariesCreated },
    terms: {
      created: termPlan.toInsert.length,
      skipped: termPlan.skipped,
      createdIds: termPlan.toInsert.map((entry) => entry.term.id),
    },
    relations: {
      created: relationsCreated,
      // A relation written concurrently since planning is skipped by ON CONFLICT: count it as such.
      skipped: relationPlan.skipped + (relationPlan.toInsert.length - relationsCreated),
    },
  };
}

/**
 * The vocabularies the file's terms name, by slug: those the database has, and those the file describes
 * (made before its terms are written). A term naming neither is a problem of its own.
 */
async function planVocabularies(
  tx: Db,
  document: ExportDocument,
  problems: ImportProblem[],
): Promise<Map<string, ImportVocabulary>> {
  const described = new Map<string, ExportDocument['vocabularies'][number]>();
  document.vocabularies.forEach((vocabulary, index) => {
    if (described.has(vocabulary.slug))
      problems.push({
        path: `vocabularies[${index}].slug`,
        message: `Describes "${vocabulary.slug}" twice.`,
      });
    described.set(vocabulary.slug, vocabulary);
  });
  const slugs = new Set([DEFAULT_VOCABULARY_SLUG, ...described.keys()]);
  for (const term of document.terms) slugs.add(term.vocabulary ?? DEFAULT_VOCABULARY_SLUG);
  const plan = new Map<string, ImportVocabulary>();
  for (const slug of slugs) {
    const row = await vocabulariesRepository.findBySlug(tx, slug, null);
    const file = described.get(slug);
    if (row)
      plan.set(slug, {
        id: row.id,
        slug,
        defaultLanguage: row.defaultLanguage,
        languages: row.languages,
        uniquePrefLabels: row.uniquePrefLabels,
      });
    else if (file)
      plan.set(slug, {
        id: randomUUID(),
        slug,
        defaultLanguage: file.default_language,
        languages: file.languages ?? [file.default_language],
        uniquePrefLabels: file.pref_label_uniqueness === 'domain',
        create: file,
      });
  }
  document.terms.forEach((term, index) => {
    if (term.vocabulary !== undefined && !plan.has(term.vocabulary))
      problems.push({
        path: `terms[${index}].vocabulary`,
        message: `No vocabulary "${term.vocabulary}" in the database or in the file's \`vocabularies\`.`,
      });
  });
  return plan;
}

/** Makes the vocabularies the file describes and the database lacks; the importer owns them. */
async function createVocabularies(
  tx: Db,
  vocabularies: Map<string, ImportVocabulary>,
  options: ImportOptions,
): Promise<number> {
  let created = 0;
  for (const vocabulary of vocabularies.values()) {
    const file = vocabulary.create;
    if (!file) continue;
    await vocabulariesRepository.insert(tx, {
      id: vocabulary.id,
      slug: file.slug,
      title: file.title,
      description: file.description,
      defaultLanguage: file.default_language,
      languages: [...vocabulary.languages],
      baseIri:
        file.base_iri ??
        (options.publicWebUrl
          ? `${options.publicWebUrl}/vocabularies/${file.slug}/`
          : `urn:lexikon:vocabulary:${file.slug}:`),
      license: file.license ?? null,
      visibility: file.visibility,
      contribution: file.contribution,
      uniquePrefLabels: vocabulary.uniquePrefLabels,
      approvalsRequired: file.approvals_required,
      selfApproval: file.self_approval,
      createdBy: options.createdBy,
    });
    if (options.createdBy)
      await vocabulariesRepository.upsertMember(tx, {
        vocabularyId: vocabulary.id,
        userId: options.createdBy,
        role: 'owner',
        grantedBy: options.createdBy,
      });
    created++;
  }
  return created;
}

/**
 * The labels, definitions, sources, notes and mappings of the terms to create, checked as the API checks
 * them (the same planner): every problem is reported under the term's path, and nothing is written.
 */
async function planParts(tx: Db, plan: TermPlan, problems: ImportProblem[]): Promise<void> {
  for (const entry of plan.toInsert) {
    const { parts, partsSent } = splitConceptParts(entry.term);
    if (!partsSent) continue;
    try {
      entry.parts = await planConceptParts(parts, {
        termId: null,
        vocabulary: entry.vocabulary,
        status: entry.term.status,
        // The command line is trusted with every vocabulary: what it names need only exist.
        targets: async (ids) =>
          new Map(
            (await termsRepository.findByIds(tx, [...new Set(ids)])).map((row) => [
              row.id,
              { id: row.id, vocabularyId: row.vocabularyId, iri: row.iri, readable: true },
            ]),
          ),
      });
    } catch (error) {
      const invalid =
        error instanceof AppError && error.code === 'validation-failed'
          ? (error.extensions.errors as { path: string; message: string }[])
          : undefined;
      if (!invalid) throw error;
      for (const item of invalid)
        problems.push({ path: item.path.replace(/^body/, `terms[${entry.index}]`), message: item.message });
      plan.rejected.add(entry.term.id);
    }
  }
}

async function planTerms(
  tx: Db,
  fileTerms: readonly ExportedTerm[],
  onConflict: ImportOptions['onConflict'],
  problems: ImportProblem[],
  vocabularies: Map<string, ImportVocabulary>,
): Promise<TermPlan> {
  const plan: TermPlan = {
    toInsert: [],
    skipped: 0,
    resolve: new Map(),
    created: new Set(),
    names: new Map(),
    rejected: new Set(),
    vocabularyOf: new Map(),
  };
  const vocabularyOfTerm = (term: ExportedTerm) =>
    vocabularies.get(term.vocabulary ?? DEFAULT_VOCABULARY_SLUG);
  const naturalKeys = await lookupNaturalKeys(
    tx,
    fileTerms,
    fileTerms.map((term) => vocabularyOfTerm(term)),
  );
  const existingById = new Map<string, { term: string; domain: string | null; vocabularyId: string }>();
  for (const batch of chunks(
    fileTerms.map((term) => term.id),
    LOOKUP_BATCH,
  ))
    for (const row of await termsRepository.findByIds(tx, batch)) existingById.set(row.id, row);

  const firstWithId = new Map<string, number>();
  const firstWithKey = new Map<string, number>();
  const hint = 'use --on-conflict skip to keep the existing term';
  const reject = (term: ExportedTerm, problem: ImportProblem) => {
    problems.push(problem);
    plan.rejected.add(term.id);
  };
  fileTerms.forEach((term, index) => {
    const path = `terms[${index}]`;
    const { key, existing } = naturalKeys[index]!;
    // Even a rejected term resolves, so relations to it are not also reported as dangling.
    if (!plan.resolve.has(term.id)) {
      plan.resolve.set(term.id, term.id);
      plan.names.set(term.id, term.term);
    }

    const vocabulary = vocabularyOfTerm(term);
    if (!vocabulary) {
      plan.rejected.add(term.id); // Reported by planVocabularies.
      return;
    }
    plan.vocabularyOf.set(term.id, vocabulary.id);
    const sameId = firstWithId.get(term.id);
    if (sameId !== undefined) {
      reject(term, { path: `${path}.id`, message: `The same id as terms[${sameId}].` });
      return;
    }
    firstWithId.set(term.id, index);
    // Where the vocabulary lets concepts share labels, the id alone says which term is which.
    const sameKey = key === null ? undefined : firstWithKey.get(key);
    if (sameKey !== undefined) {
      reject(term, {
        path: `${path}.term`,
        message: `${describeTerm(term)} is also terms[${sameKey}] (compared without case or accents).`,
      });
      return;
    }
    if (key !== null) firstWithKey.set(key, index);

    const byId = existingById.get(term.id);
    const match = byId ? { id: term.id, ...byId } : existing;
    if (byId && byId.vocabularyId !== vocabulary.id) {
      reject(term, {
        path: `${path}.id`,
        message: `A term with this id exists in another vocabulary: ${describeTerm(byId)}.`,
      });
      return;
    }
    if (!match) {
      plan.toInsert.push({ index, term, vocabulary });
      plan.created.add(term.id);
      return;
    }
    if (onConflict === 'skip') {
      plan.skipped++;
      plan.resolve.set(term.id, match.id);
      plan.names.set(match.id, match.term);
      plan.vocabularyOf.set(match.id, vocabulary.id);
      return;
    }
    reject(
      term,
      byId
        ? {
            path: `${path}.id`,
            message: `A term with this id already exists: ${describeTerm(byId)}; ${hint}.`,
          }
        : {
            path: `${path}.term`,
            message: `${describeTerm(term)} already exists (id ${match.id}, compared without case or accents); ${hint}.`,
          },
    );
  });
  return plan;
}

/**
 * The uniqueness key of each term, folded by the database's own lexikon_fold (so the file is judged
 * exactly as the unique index will judge it), and the existing term holding that key, if any.
 */
/**
 * The uniqueness key of each term in its vocabulary, folded by the database's own lexikon_fold (so the
 * file is judged exactly as the unique index will judge it), and the existing term holding that key, if
 * any. Null where the vocabulary lets concepts share labels, or is not known.
 */
async function lookupNaturalKeys(
  tx: Db,
  fileTerms: readonly ExportedTerm[],
  vocabularies: readonly (ImportVocabulary | undefined)[],
): Promise<{ key: string | null; existing: { id: string; term: string; domain: string | null } | null }[]> {
  const results: {
    key: string | null;
    existing: { id: string; term: string; domain: string | null } | null;
  }[] = fileTerms.map(() => ({ key: null, existing: null }));
  const keyed = fileTerms.flatMap((term, i) => {
    const vocabulary = vocabularies[i];
    return vocabulary?.uniquePrefLabels ? [{ i, term, vocabulary }] : [];
  });
  for (const batch of chunks(keyed, LOOKUP_BATCH)) {
    const payload = JSON.stringify(
      batch.map(({ i, term, vocabulary }) => ({
        i,
        v: vocabulary.id,
        term: term.term,
        domain: term.domain ?? null,
      })),
    );
    const rows = rowsOf<{
      i: number;
      domain_key: string;
      term_key: string;
      id: string | null;
      term: string | null;
      domain: string | null;
    }>(
      await tx.execute(sql`
        SELECT x.i, lexikon_fold(coalesce(x.domain, '')) AS domain_key, lexikon_fold(x.term) AS term_key,
               t.id::text AS id, t.term, t.domain
        FROM jsonb_to_recordset(${payload}::jsonb) AS x(i int, v uuid, term text, domain text)
        LEFT JOIN terms t
          ON t.vocabulary_id = x.v AND t.pref_label_unique
         AND lexikon_fold(coalesce(t.domain, '')) = lexikon_fold(coalesce(x.domain, ''))
         AND lexikon_fold(t.term) = lexikon_fold(x.term)`),
    );
    for (const row of rows)
      results[row.i] = {
        // NUL cannot occur in a label, so it cannot make two different keys equal.
        key: `${batch.find((entry) => entry.i === row.i)!.vocabulary.id}\u0000${row.domain_key}\u0000${row.term_key}`,
        existing: row.id === null ? null : { id: row.id, term: row.term!, domain: row.domain },
      };
  }
  return results;
}

async function planRelations(
  tx: Db,
  fileRelations: readonly ExportedRelation[],
  termPlan: TermPlan,
  onConflict: ImportOptions['onConflict'],
  problems: ImportProblem[],
): Promise<RelationPlan> {
  const plan: RelationPlan = { toInsert: [], skipped: 0 };
  // Ends that are not in the file must already be in the database.
  const outside = new Set<string>();
  for (const relation of fileRelations)
    for (const id of [relation.source_id, relation.target_id]) if (!termPlan.resolve.has(id)) outside.add(id);
  for (const batch of chunks([...outside], LOOKUP_BATCH))
    for (const row of await termsRepository.findByIds(tx, batch)) {
      termPlan.resolve.set(row.id, row.id);
      termPlan.vocabularyOf.set(row.id, row.vocabularyId);
      termPlan.names.set(row.id, row.term);
    }

  const firstWithKey = new Map<string, number>();
  const inDatabaseOnly: PlannedRelation[] = [];
  fileRelations.forEach((relation, index) => {
    const path = `relations[${index}]`;
    let missing = false;
    for (const end of ['source_id', 'target_id'] as const)
      if (!termPlan.resolve.has(relation[end])) {
        missing = true;
        problems.push({
          path: `${path}.${end}`,
          message: `No term with id ${relation[end]} in the file or the database.`,
        });
      }
    // Whatever is wrong with a relation to a rejected term, the term's own problem says it first.
    if (missing || termPlan.rejected.has(relation.source_id) || termPlan.rejected.has(relation.target_id))
      return;
    // A relation stays within one vocabulary (the database's foreign keys say so too).
    const [sourceVocabulary, targetVocabulary] = [relation.source_id, relation.target_id].map((id) =>
      termPlan.vocabularyOf.get(termPlan.resolve.get(id)!),
    );
    if (sourceVocabulary !== targetVocabulary) {
      problems.push({
        path: `${path}.target_id`,
        message: 'Relates terms of two vocabularies; a relation stays within one (map them instead).',
      });
      return;
    }
    const planned: PlannedRelation = {
      index,
      sourceId: termPlan.resolve.get(relation.source_id)!,
      targetId: termPlan.resolve.get(relation.target_id)!,
      type: relation.type,
      strength: relation.strength ?? null,
    };
    const label = describeRelation(planned, termPlan.names);
    if (planned.sourceId === planned.targetId) {
      problems.push({
        path,
        message: `Both ends are the same existing term "${termPlan.names.get(planned.sourceId)}" once matched terms are skipped.`,
      });
      return;
    }
    const key = relationKey(planned);
    const same = firstWithKey.get(key);
    if (same !== undefined) {
      if (onConflict === 'skip') plan.skipped++;
      else problems.push({ path, message: `The same relation (${label}) as relations[${same}].` });
      return;
    }
    firstWithKey.set(key, index);
    // Only a relation between two terms that already exist can already exist.
    if (termPlan.created.has(planned.sourceId) || termPlan.created.has(planned.targetId))
      plan.toInsert.push(planned);
    else inDatabaseOnly.push(planned);
  });

  const existing = await existingRelations(tx, inDatabaseOnly);
  for (const planned of inDatabaseOnly) {
    if (!existing.has(planned.index)) plan.toInsert.push(planned);
    else if (onConflict === 'skip') plan.skipped++;
    else
      problems.push({
        path: `relations[${planned.index}]`,
        message: `This relation (${describeRelation(planned, termPlan.names)}) already exists; use --on-conflict skip to keep it.`,
      });
  }
  plan.toInsert.sort((a, b) => a.index - b.index);
  return plan;
}

/**
 * Indexes of the planned relations that the database already holds (either direction if symmetric).
 * Two plain equality probes rather than one OR: each can use relationships_source_idx, where the OR
 * made PostgreSQL scan the table once per row (minutes at 100k relations).
 */
async function existingRelations(tx: Db, planned: readonly PlannedRelation[]): Promise<Set<number>> {
  const found = new Set<number>();
  const symmetric = sql.raw(symmetricRelationTypes.map((type) => `'${type}'`).join(', '));
  for (const batch of chunks(planned, LOOKUP_BATCH)) {
    const payload = JSON.stringify(
      batch.map((relation) => ({
        i: relation.index,
        s: relation.sourceId,
        t: relation.targetId,
        type: relation.type,
      })),
    );
    const rows = rowsOf<{ i: number }>(
      await tx.execute(sql`
        WITH x AS MATERIALIZED (
          SELECT * FROM jsonb_to_recordset(${payload}::jsonb) AS x(i int, s uuid, t uuid, type relation_type)
        )
        SELECT x.i FROM x JOIN relationships r ON r.source_id = x.s AND r.type = x.type AND r.target_id = x.t
        UNION
        SELECT x.i FROM x JOIN relationships r ON r.source_id = x.t AND r.type = x.type AND r.target_id = x.s
        WHERE x.type IN (${symmetric})`),
    );
    for (const row of rows) found.add(row.i);
  }
  return found;
}

/** The identity of a relation, as relationships_pair_key sees it: a symmetric one has no direction. */
function relationKey(relation: { sourceId: string; targetId: string; type: RelationType }): string {
  const [first, second] =
    symmetricRelationTypes.includes(relation.type) && relation.targetId < relation.sourceId
      ? [relation.targetId, relation.sourceId]
      : [relation.sourceId, relation.targetId];
  return `${relation.type}:${first}:${second}`;
}

// ---- cycles ---------------------------------------------------------------------------------------

export interface Edge {
  from: string;
  to: string;
  /** Index in the file's `relations`, or null for a relation already in the database. */
  index: number | null;
}

/**
 * Depth-first search for cycles in a directed graph, iterative so a 100k-deep hierarchy cannot overflow
 * the stack. Returns each cycle found (up to `limit`) as its edges in order; cycles made only of
 * existing edges are not the file's fault and are left out.
 */
export function findCycles(edges: readonly Edge[], limit = MAX_CYCLES_REPORTED): Edge[][] {
  const outgoing = new Map<string, Edge[]>();
  for (const edge of edges) outgoing.set(edge.from, [...(outgoing.get(edge.from) ?? []), edge]);
  const state = new Map<string, 'on-path' | 'done'>();
  const cycles: Edge[][] = [];
  for (const start of outgoing.keys()) {
    if (state.has(start)) continue;
    state.set(start, 'on-path');
    // Each frame's `via` is the edge that led to its node from the frame below.
    const path: { node: string; next: number; via: Edge | null }[] = [{ node: start, next: 0, via: null }];
    while (path.length > 0) {
      const frame = path[path.length - 1]!;
      const edge = outgoing.get(frame.node)?.[frame.next++];
      if (!edge) {
        state.set(frame.node, 'done');
        path.pop();
        continue;
      }
      const seen = state.get(edge.to);
      if (seen === undefined) {
        state.set(edge.to, 'on-path');
        path.push({ node: edge.to, next: 0, via: edge });
      } else if (seen === 'on-path') {
        const from = path.findIndex((step) => step.node === edge.to);
        const cycle = [...path.slice(from + 1).map((step) => step.via!), edge];
        if (cycle.some((step) => step.index !== null)) cycles.push(cycle);
        if (cycles.length >= limit) return cycles;
      }
    }
  }
  return cycles;
}

/**
 * `is_a` and `part_of` must stay acyclic. A cycle through a new edge s → t needs a path t → … → s, so
 * the existing edges that matter are those reachable from the new edges' targets.
 */
async function findHierarchyCycles(
  tx: Db,
  planned: readonly PlannedRelation[],
  names: Map<string, string>,
): Promise<ImportProblem[]> {
  const problems: ImportProblem[] = [];
  for (const type of hierarchicalRelationTypes) {
    const fresh = planned.filter((relation) => relation.type === type);
    if (fresh.length === 0) continue;
    const existing = await reachableEdges(tx, type, [...new Set(fresh.map((relation) => relation.targetId))]);
    const cycles = findCycles([
      ...fresh.map((relation) => ({ from: relation.sourceId, to: relation.targetId, index: relation.index })),
      ...existing.map((edge) => ({ from: edge.parent, to: edge.child, index: null })),
    ]);
    const unnamed = [...new Set(cycles.flat().map((edge) => edge.from))].filter((id) => !names.has(id));
    for (const row of await termsRepository.findByIds(tx, unnamed)) names.set(row.id, row.term);
    for (const cycle of cycles) {
      const nodes = [cycle[0]!.from, ...cycle.map((edge) => edge.to)];
      const fromFile = cycle.filter((edge) => edge.index !== null).map((edge) => `relations[${edge.index}]`);
      const fromDatabase = cycle.length - fromFile.length;
      problems.push({
        path: fromFile.join(', '),
        message:
          `These ${type} relations would form a cycle: ${nodes.map((id) => names.get(id) ?? id).join(' → ')}` +
          (fromDatabase > 0 ? ` (with ${fromDatabase} relation(s) already in the database).` : '.'),
      });
    }
  }
  return problems;
}

/** Existing edges of `type` reachable from any of `seeds`; UNION keeps the walk finite. */
async function reachableEdges(
  tx: Db,
  type: RelationType,
  seeds: readonly string[],
): Promise<{ parent: string; child: string }[]> {
  const result = await tx.execute(sql`
    WITH RECURSIVE walk(parent, child) AS (
      SELECT r.source_id, r.target_id FROM relationships r
      WHERE r.type = ${type} AND r.source_id IN (SELECT value::uuid FROM jsonb_array_elements_text(${JSON.stringify(seeds)}::jsonb))
      UNION
      SELECT r.source_id, r.target_id FROM relationships r JOIN walk w ON r.source_id = w.child WHERE r.type = ${type}
    )
    SELECT parent::text, child::text FROM walk`);
  return rowsOf<{ parent: string; child: string }>(result);
}

// ---- writing --------------------------------------------------------------------------------------

async function insertTerms(tx: Db, planned: TermPlan['toInsert'], options: ImportOptions): Promise<void> {
  const progress = options.progress
    ? new Progress({ label: 'terms', total: planned.length, stream: options.progress })
    : undefined;
  for (const batch of chunks(planned, TERM_INSERT_BATCH)) {
    await tx.insert(terms).values(
      batch.map(({ term, vocabulary }) => ({
        id: term.id,
        vocabularyId: vocabulary.id,
        ...(term.notation === undefined ? {} : { notation: term.notation }),
        term: term.term,
        definition: term.definition,
        domain: term.domain ?? null,
        level: term.level,
        status: term.status,
        createdBy: options.createdBy,
        // Through SQL, not a Date: keeps the exported microseconds.
        ...(term.created_at === undefined ? {} : { createdAt: sql`${term.created_at}::timestamptz` }),
      })),
    );
    for (const { term, parts } of batch) if (parts) await conceptPartsRepository.replace(tx, term.id, parts);
    await options.graphChanges?.termsChanged(
      tx,
      batch.map(({ term }) => ({ termId: term.id, change: 'created' })),
    );
    progress?.advance(batch.length);
  }
  progress?.finish();
}

async function insertRelations(
  tx: Db,
  planned: readonly PlannedRelation[],
  options: ImportOptions,
): Promise<{ created: number; sources: Set<string> }> {
  const progress = options.progress
    ? new Progress({ label: 'relations', total: planned.length, stream: options.progress })
    : undefined;
  let created = 0;
  const sources = new Set<string>();
  for (const batch of chunks(planned, RELATION_INSERT_BATCH)) {
    const rows = await tx
      .insert(relationships)
      .values(
        batch.map((relation) => ({
          sourceId: relation.sourceId,
          targetId: relation.targetId,
          type: relation.type,
          strength: relation.strength,
          createdBy: options.createdBy,
        })),
      )
      .onConflictDoNothing()
      .returning({
        relationId: relationships.id,
        sourceId: relationships.sourceId,
        targetId: relationships.targetId,
        type: relationships.type,
      });
    await options.graphChanges?.relationsChanged(
      tx,
      rows.map((row) => ({ ...row, change: 'created' })),
    );
    created += rows.length;
    for (const row of rows) sources.add(row.sourceId);
    progress?.advance(batch.length);
  }
  progress?.finish();
  return { created, sources };
}

// ---- helpers --------------------------------------------------------------------------------------

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

function describeTerm(term: { term: string; domain?: string | null | undefined }): string {
  return `"${term.term}" ${term.domain ? `in domain "${term.domain}"` : 'without a domain'}`;
}

function describeRelation(relation: PlannedRelation, names: Map<string, string>): string {
  const name = (id: string) => `"${names.get(id) ?? id}"`;
  return `${name(relation.sourceId)} ${relation.type} ${name(relation.targetId)}`;
}
