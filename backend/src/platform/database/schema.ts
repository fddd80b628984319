import { sql, type SQL } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  customType,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  real,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  findingSeverities,
  semanticErrorTypes,
  type FindingTranslations,
} from '@lexikon/contracts/validation';
import { relationTypes, termLevels, termStatuses, userRoles } from '@lexikon/contracts/vocabulary';
import { altLabelKinds, hiddenLabelKinds, mappingTypes, noteKinds } from '@lexikon/contracts/concepts';
import { revisionActions } from '@lexikon/contracts/history';
import { auditActions } from '@lexikon/contracts/audit';
import {
  vocabularyContributions,
  vocabularyRoles,
  vocabularyVisibilities,
} from '@lexikon/contracts/vocabularies';

/**
 * The one schema of Lexikon, for PGlite and PostgreSQL alike. Every statement must be accepted by both
 * PostgreSQL 15 (Debian's server) and PGlite (PostgreSQL 18): no extensions, only built-in functions.
 * `lexikon_fold(text)` (lower-case, accents removed) comes from the first, hand-written migration.
 */

export { relationTypes, termLevels, termStatuses, userRoles };

export const userRole = pgEnum('user_role', userRoles);
export const termLevel = pgEnum('term_level', termLevels);
export const termStatus = pgEnum('term_status', termStatuses);
export const relationType = pgEnum('relation_type', relationTypes);
export const semanticErrorType = pgEnum('semantic_error_type', semanticErrorTypes);
export const findingSeverity = pgEnum('finding_severity', findingSeverities);
export const vocabularyVisibility = pgEnum('vocabulary_visibility', vocabularyVisibilities);
export const vocabularyRole = pgEnum('vocabulary_role', vocabularyRoles);
export const vocabularyContribution = pgEnum('vocabulary_contribution', vocabularyContributions);
export const labelKind = pgEnum('label_kind', ['pref', 'alt', 'hidden']);
export const labelVariant = pgEnum('label_variant', [...altLabelKinds, ...hiddenLabelKinds]);
export const noteKind = pgEnum('note_kind', noteKinds);
export const mappingType = pgEnum('mapping_type', mappingTypes);

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();
const fold = (column: SQL) => sql`lexikon_fold(${column})`;

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    username: text('username'),
    fullName: text('full_name'),
    // Null for accounts that only sign in through OAuth: no placeholder hash.
    passwordHash: text('password_hash'),
    role: userRole('role').notNull().default('user'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    uniqueIndex('users_email_key').on(sql`lower(${table.email})`),
    uniqueIndex('users_username_key').on(sql`lower(${table.username})`),
  ],
);

export const oauthAccounts = pgTable(
  'oauth_accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    provider: text('provider').notNull(),
    providerUserId: text('provider_user_id').notNull(),
    email: text('email'),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('oauth_accounts_provider_user_key').on(table.provider, table.providerUserId),
    index('oauth_accounts_user_idx').on(table.userId),
  ],
);

export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    // Every token descending from one login shares a family: reuse of a rotated token revokes it whole.
    familyId: uuid('family_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('refresh_tokens_hash_key').on(table.tokenHash),
    index('refresh_tokens_family_idx').on(table.familyId),
    index('refresh_tokens_user_idx').on(table.userId),
  ],
);

export const oauthStates = pgTable(
  'oauth_states',
  {
    // SHA-256 of the `state` sent to the provider: a leaked table cannot be replayed.
    stateHash: text('state_hash').primaryKey(),
    provider: text('provider').notNull(),
    // 'login' signs someone in; 'link' adds the provider to the signed-in user in user_id.
    mode: text('mode').notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    codeVerifier: text('code_verifier').notNull(),
    nonce: text('nonce'),
    next: text('next'),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    consumedAt: timestamp('consumed_at', { withTimezone: true }),
  },
  (table) => [index('oauth_states_expires_idx').on(table.expiresAt)],
);

export const rateLimitBuckets = pgTable('rate_limit_buckets', {
  key: text('key').primaryKey(),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull(),
  windowSeconds: integer('window_seconds').notNull(),
  hits: integer('hits').notNull(),
});

/** The vocabulary migration 0007 moved every existing term into (slug "default"). */
export const DEFAULT_VOCABULARY_ID = '00000000-0000-4000-8000-000000000001';

// A rough shape of a BCP 47 tag, the database's own guard: the API checks tags fully (Intl) and
// canonicalises them before they get here.
const LANGUAGE_TAG_SQL = `'^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$'`;

/** SKOS concept schemes. Titles and descriptions are JSON objects keyed by language tag. */
export const vocabularies = pgTable(
  'vocabularies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull(),
    title: jsonb('title').$type<Record<string, string>>().notNull(),
    description: jsonb('description').$type<Record<string, string>>().notNull().default({}),
    defaultLanguage: text('default_language').notNull(),
    languages: text('languages').array().notNull(),
    baseIri: text('base_iri').notNull(),
    license: text('license'),
    visibility: vocabularyVisibility('visibility').notNull().default('private'),
    contribution: vocabularyContribution('contribution').notNull().default('members'),
    // true: two concepts of one domain may not share a preferred label. Copied onto each term (see there).
    uniquePrefLabels: boolean('unique_pref_labels').notNull().default(true),
    // Review: how many reviewers must approve a change before it is served, and whether its author may be
    // one of them (owners and administrators always may).
    approvalsRequired: smallint('approvals_required').notNull().default(1),
    selfApproval: boolean('self_approval').notNull().default(false),
    version: integer('version').notNull().default(1),
    // The last sequence number of its change feed (term_revisions.seq). Taken by the last statement of
    // every write, whose row lock then orders commits: revision n+1 cannot commit before revision n.
    lastChangeSeq: bigint('last_change_seq', { mode: 'number' }).notNull().default(0),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    uniqueIndex('vocabularies_slug_key').on(table.slug),
    // The target of terms' (vocabulary_id, pref_label_unique) foreign key.
    uniqueIndex('vocabularies_id_unique_labels_key').on(table.id, table.uniquePrefLabels),
    check('vocabularies_slug_format', sql.raw(`slug ~ '^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$'`)),
    check('vocabularies_default_language_listed', sql`${table.defaultLanguage} = ANY (${table.languages})`),
    check(
      'vocabularies_language_tags',
      sql.raw(
        `default_language ~ ${LANGUAGE_TAG_SQL} AND array_to_string(languages, ' ') ~ '^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*( [A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*)*$'`,
      ),
    ),
    check('vocabularies_title_object', sql`jsonb_typeof(${table.title}) = 'object'`),
    check('vocabularies_description_object', sql`jsonb_typeof(${table.description}) = 'object'`),
    check('vocabularies_version_positive', sql`${table.version} > 0`),
    check('vocabularies_approvals_required', sql`${table.approvalsRequired} BETWEEN 1 AND 5`),
  ],
);

/** Roles per vocabulary; administrators need none. */
export const vocabularyMembers = pgTable(
  'vocabulary_members',
  {
    vocabularyId: uuid('vocabulary_id')
      .notNull()
      .references(() => vocabularies.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: vocabularyRole('role').notNull(),
    grantedBy: uuid('granted_by').references(() => users.id, { onDelete: 'set null' }),
    grantedAt: timestamp('granted_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.vocabularyId, table.userId] }),
    index('vocabulary_members_user_idx').on(table.userId),
  ],
);

export const terms = pgTable(
  'terms',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // Left out, the default vocabulary: what the seed's API, the CLI import and scripts write to.
    vocabularyId: uuid('vocabulary_id').notNull().default(DEFAULT_VOCABULARY_ID),
    // The concept's name within its vocabulary, and the IRI minted from it: neither changes on rename.
    // Left out, a trigger (migration 0007) mints them: the id as notation, the vocabulary's base IRI first.
    notation: text('notation')
      .notNull()
      .default(sql`NULL`),
    iri: text('iri')
      .notNull()
      .default(sql`NULL`),
    // The vocabulary's uniquePrefLabels, kept equal by the foreign key below (ON UPDATE CASCADE), so the
    // partial unique index on labels can follow the vocabulary's choice.
    prefLabelUnique: boolean('pref_label_unique').notNull().default(true),
    term: text('term').notNull(),
    definition: text('definition').notNull(),
    domain: text('domain'),
    level: termLevel('level').notNull().default('beginner'),
    status: termStatus('status').notNull().default('draft'),
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    // French and English stemming plus the raw words, all accent-folded: one index serves both languages.
    searchVector: tsvector('search_vector')
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('french'::regconfig, lexikon_fold(term)), 'A') || setweight(to_tsvector('english'::regconfig, lexikon_fold(term)), 'A') || setweight(to_tsvector('simple'::regconfig, lexikon_fold(term)), 'A') || setweight(to_tsvector('french'::regconfig, lexikon_fold(definition)), 'B') || setweight(to_tsvector('english'::regconfig, lexikon_fold(definition)), 'B') || setweight(to_tsvector('simple'::regconfig, lexikon_fold(definition)), 'B')`,
      ),
  },
  (table) => [
    foreignKey({
      name: 'terms_vocabulary_fk',
      columns: [table.vocabularyId, table.prefLabelUnique],
      foreignColumns: [vocabularies.id, vocabularies.uniquePrefLabels],
    })
      .onUpdate('cascade')
      .onDelete('restrict'),
    uniqueIndex('terms_domain_term_key')
      .on(table.vocabularyId, fold(sql`coalesce(${table.domain}, '')`), fold(sql`${table.term}`))
      .where(sql`${table.prefLabelUnique}`),
    uniqueIndex('terms_vocabulary_id_key').on(table.vocabularyId, table.id),
    uniqueIndex('terms_vocabulary_notation_key').on(table.vocabularyId, table.notation),
    uniqueIndex('terms_iri_key').on(table.iri),
    index('terms_vocabulary_created_idx').on(table.vocabularyId, table.createdAt.desc(), table.id.desc()),
    check('terms_notation_format', sql.raw(`notation ~ '^[A-Za-z0-9._~-]{1,64}$'`)),
    index('terms_term_idx').on(table.term),
    index('terms_created_idx').on(table.createdAt.desc(), table.id.desc()),
    index('terms_folded_term_idx').on(fold(sql`${table.term}`), table.id),
    index('terms_domain_idx').on(fold(sql`coalesce(${table.domain}, '')`)),
    index('terms_created_by_idx').on(table.createdBy),
    index('terms_search_idx').using('gin', table.searchVector),
    // Exact duplicates of a definition, found by the validation rules without reading every row.
    index('terms_definition_hash_idx').on(sql`md5(lexikon_fold(${table.definition}))`),
    check('terms_version_positive', sql`${table.version} > 0`),
  ],
);

const termReference = (name: string) =>
  uuid(name)
    .notNull()
    .references(() => terms.id, { onDelete: 'cascade' });
const languageColumn = () => text('language').notNull();
const languageVector = (column: string) =>
  sql.raw(
    `to_tsvector(lexikon_regconfig(language), lexikon_fold(${column})) || to_tsvector('simple'::regconfig, lexikon_fold(${column}))`,
  );
const languageCheck = (name: string) => check(name, sql.raw(`language ~ ${LANGUAGE_TAG_SQL}`));

/**
 * Labels other than the preferred label in the vocabulary's default language (that one is `terms.term`):
 * preferred labels in the other languages (one per language), alternative and hidden labels with their
 * kind. Compared accent- and case-folded: a concept does not list one label twice.
 */
export const termLabels = pgTable(
  'term_labels',
  {
    termId: termReference('term_id'),
    kind: labelKind('kind').notNull(),
    language: languageColumn(),
    position: smallint('position').notNull(),
    text: text('text').notNull(),
    variant: labelVariant('variant'),
    // Stemmed in the label's own language (lexikon_regconfig, migration 0009) and as raw words.
    searchVector: tsvector('search_vector').notNull().generatedAlwaysAs(languageVector('text')),
  },
  (table) => [
    index('term_labels_search_idx').using('gin', table.searchVector),
    primaryKey({ columns: [table.termId, table.kind, table.language, table.position] }),
    uniqueIndex('term_labels_one_pref_key')
      .on(table.termId, table.language)
      .where(sql`${table.kind} = 'pref'`),
    uniqueIndex('term_labels_text_key').on(
      table.termId,
      table.kind,
      table.language,
      fold(sql`${table.text}`),
    ),
    index('term_labels_folded_idx').on(fold(sql`${table.text}`)),
    languageCheck('term_labels_language'),
    check(
      'term_labels_variant',
      sql.raw(
        `(kind = 'pref' AND variant IS NULL) OR (kind = 'alt' AND variant IN (${altLabelKinds.map((kind) => `'${kind}'`).join(', ')})) OR (kind = 'hidden' AND variant IN (${hiddenLabelKinds.map((kind) => `'${kind}'`).join(', ')}))`,
      ),
    ),
  ],
);

/** Definitions in the languages other than the default (that one is `terms.definition`). */
export const termDefinitions = pgTable(
  'term_definitions',
  {
    termId: termReference('term_id'),
    language: languageColumn(),
    text: text('text').notNull(),
    searchVector: tsvector('search_vector').notNull().generatedAlwaysAs(languageVector('text')),
  },
  (table) => [
    primaryKey({ columns: [table.termId, table.language] }),
    languageCheck('term_definitions_language'),
    index('term_definitions_search_idx').using('gin', table.searchVector),
  ],
);

/** Where a definition comes from: a citation, a URL, or both, per language of the definition. */
export const termSources = pgTable(
  'term_sources',
  {
    termId: termReference('term_id'),
    language: languageColumn(),
    position: smallint('position').notNull(),
    citation: text('citation'),
    url: text('url'),
  },
  (table) => [
    primaryKey({ columns: [table.termId, table.language, table.position] }),
    languageCheck('term_sources_language'),
    check('term_sources_something', sql`${table.citation} IS NOT NULL OR ${table.url} IS NOT NULL`),
  ],
);

/** Scope notes, examples and editorial notes, per language. */
export const termNotes = pgTable(
  'term_notes',
  {
    termId: termReference('term_id'),
    kind: noteKind('kind').notNull(),
    language: languageColumn(),
    position: smallint('position').notNull(),
    text: text('text').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.termId, table.kind, table.language, table.position] }),
    languageCheck('term_notes_language'),
  ],
);

/** SKOS mapping properties to concepts of other vocabularies, in Lexikon (term_id) or not (IRI only). */
export const termMappings = pgTable(
  'term_mappings',
  {
    termId: termReference('term_id'),
    type: mappingType('type').notNull(),
    targetIri: text('target_iri').notNull(),
    // Kept when the target concept is deleted: the IRI still names it.
    targetTermId: uuid('target_term_id').references(() => terms.id, { onDelete: 'set null' }),
    label: text('label'),
  },
  (table) => [
    primaryKey({ columns: [table.termId, table.type, table.targetIri] }),
    index('term_mappings_target_idx').on(table.targetTermId),
  ],
);

/** What replaces a deprecated concept (dct:isReplacedBy). */
export const termReplacements = pgTable(
  'term_replacements',
  {
    termId: termReference('term_id'),
    replacedById: termReference('replaced_by_id'),
  },
  (table) => [
    primaryKey({ columns: [table.termId, table.replacedById] }),
    index('term_replacements_by_idx').on(table.replacedById),
    check('term_replacements_not_self', sql`${table.termId} <> ${table.replacedById}`),
  ],
);

export const relationships = pgTable(
  'relationships',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // Filled from the source term by a trigger (migration 0007); both ends must be in it (foreign keys).
    vocabularyId: uuid('vocabulary_id')
      .notNull()
      .default(sql`NULL`),
    sourceId: uuid('source_id').notNull(),
    targetId: uuid('target_id').notNull(),
    type: relationType('type').notNull(),
    strength: real('strength'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (table) => [
    foreignKey({
      name: 'relationships_source_fk',
      columns: [table.vocabularyId, table.sourceId],
      foreignColumns: [terms.vocabularyId, terms.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'relationships_target_fk',
      columns: [table.vocabularyId, table.targetId],
      foreignColumns: [terms.vocabularyId, terms.id],
    }).onDelete('cascade'),
    // A symmetric relation is one fact whichever end it was entered from.
    uniqueIndex('relationships_pair_key').on(
      sql`(CASE WHEN ${table.type} IN ('related_to', 'synonym', 'opposes') THEN least(${table.sourceId}, ${table.targetId}) ELSE ${table.sourceId} END)`,
      sql`(CASE WHEN ${table.type} IN ('related_to', 'synonym', 'opposes') THEN greatest(${table.sourceId}, ${table.targetId}) ELSE ${table.targetId} END)`,
      table.type,
    ),
    index('relationships_source_idx').on(table.sourceId, table.type),
    index('relationships_target_idx').on(table.targetId, table.type),
    check('relationships_not_self', sql`${table.sourceId} <> ${table.targetId}`),
    check(
      'relationships_strength_range',
      sql`${table.strength} IS NULL OR (${table.strength} >= 0 AND ${table.strength} <= 1)`,
    ),
  ],
);

/**
 * One run of the validators on one version of a term. `content_hash` identifies the text validated (term,
 * definition, domain): a status or level change makes a new version with the same text, and the findings
 * still apply to it.
 */
export const termValidations = pgTable(
  'term_validations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    termId: uuid('term_id')
      .notNull()
      .references(() => terms.id, { onDelete: 'cascade' }),
    termVersion: integer('term_version').notNull(),
    contentHash: text('content_hash').notNull(),
    trigger: text('trigger').notNull(),
    requestedBy: uuid('requested_by').references(() => users.id, { onDelete: 'set null' }),
    validators: text('validators').array().notNull(),
    model: text('model'),
    promptVersion: text('prompt_version'),
    status: text('status').notNull(),
    errorReason: text('error_reason'),
    error: text('error'),
    // What the model answered when it could not be used (malformed, off-schema), for diagnosis.
    rawOutput: text('raw_output'),
    latencyMs: integer('latency_ms').notNull(),
    llmLatencyMs: integer('llm_latency_ms'),
    llmAttempts: integer('llm_attempts').notNull().default(0),
    promptTokens: integer('prompt_tokens'),
    completionTokens: integer('completion_tokens'),
    createdAt: createdAt(),
  },
  (table) => [
    index('term_validations_term_idx').on(table.termId, table.createdAt.desc(), table.id.desc()),
    index('term_validations_content_idx').on(table.termId, table.contentHash, table.createdAt.desc()),
    index('term_validations_requested_by_idx').on(table.requestedBy),
    check('term_validations_trigger', sql`${table.trigger} IN ('manual', 'job', 'import')`),
    check('term_validations_status', sql`${table.status} IN ('ok', 'failed', 'malformed', 'off_schema')`),
  ],
);

export const validationFindings = pgTable(
  'validation_findings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    validationId: uuid('validation_id')
      .notNull()
      .references(() => termValidations.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    source: text('source').notNull(),
    rule: text('rule'),
    type: semanticErrorType('type').notNull(),
    severity: findingSeverity('severity').notNull(),
    explanation: text('explanation').notNull(),
    suggestion: text('suggestion'),
    evidence: text('evidence'),
    // Other terms involved; no foreign key: a finding stays readable after the other term is deleted.
    relatedTermIds: uuid('related_term_ids')
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    // The explanation and suggestion in every language the web app speaks (rules findings; the LLM's are
    // in one language only). Null for findings stored before translations were kept.
    translations: jsonb('translations').$type<FindingTranslations>(),
  },
  (table) => [
    index('validation_findings_validation_idx').on(table.validationId, table.position),
    // Which findings name a term (its duplicates, its contradictory neighbours): re-checked when it changes.
    index('validation_findings_related_idx').using('gin', table.relatedTermIds),
    check('validation_findings_source', sql`${table.source} IN ('rules', 'llm')`),
  ],
);

/** A reviewer validated a term despite open findings: who, when, why, and which findings. */
export const validationOverrides = pgTable(
  'validation_overrides',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    termId: uuid('term_id')
      .notNull()
      .references(() => terms.id, { onDelete: 'cascade' }),
    termVersion: integer('term_version').notNull(),
    reason: text('reason').notNull(),
    overriddenBy: uuid('overridden_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (table) => [
    index('validation_overrides_term_idx').on(table.termId),
    index('validation_overrides_by_idx').on(table.overriddenBy),
  ],
);

export const validationOverrideFindings = pgTable(
  'validation_override_findings',
  {
    overrideId: uuid('override_id')
      .notNull()
      .references(() => validationOverrides.id, { onDelete: 'cascade' }),
    findingId: uuid('finding_id')
      .notNull()
      .references(() => validationFindings.id, { onDelete: 'cascade' }),
  },
  (table) => [
    primaryKey({ columns: [table.overrideId, table.findingId] }),
    index('validation_override_findings_finding_idx').on(table.findingId),
  ],
);

/**
 * The background validation queue. Workers claim due rows with `FOR UPDATE SKIP LOCKED` and hold them
 * with a lease (`locked_until`): a worker that dies mid-job loses its lease and another one takes over.
 */
export const validationJobs = pgTable(
  'validation_jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    termId: uuid('term_id')
      .notNull()
      .references(() => terms.id, { onDelete: 'cascade' }),
    termVersion: integer('term_version').notNull(),
    contentHash: text('content_hash').notNull(),
    status: text('status').notNull().default('queued'),
    // 0: a person is waiting for this (an edit); 1: bulk work (a re-validation of everything, an import),
    // which must not hold up the former.
    priority: smallint('priority').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    runAfter: timestamp('run_after', { withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lockedBy: text('locked_by'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (table) => [
    index('validation_jobs_due_idx')
      .on(table.priority, table.runAfter)
      .where(sql`${table.status} = 'queued'`),
    index('validation_jobs_lease_idx')
      .on(table.lockedUntil)
      .where(sql`${table.status} = 'running'`),
    index('validation_jobs_term_idx').on(table.termId, table.createdAt.desc()),
    index('validation_jobs_finished_idx')
      .on(table.finishedAt)
      .where(sql`${table.finishedAt} IS NOT NULL`),
    check(
      'validation_jobs_status',
      sql`${table.status} IN ('queued', 'running', 'done', 'failed', 'skipped')`,
    ),
    check('validation_jobs_attempts', sql`${table.attempts} >= 0 AND ${table.maxAttempts} > 0`),
    check('validation_jobs_priority', sql`${table.priority} IN (0, 1)`),
  ],
);

export const revisionAction = pgEnum('revision_action', revisionActions);

/**
 * The history of every concept: one row per change, written in the change's transaction, never updated
 * (a trigger refuses it). `snapshot` is the whole concept after the change — fields, parts, outgoing
 * relations — as `lexikon_term_snapshot(id)` (migration 0011) builds it; for a deletion, as it was just
 * before. No foreign key to terms: a deleted concept's history outlives it. `seq` numbers the vocabulary's
 * change feed without gaps; `change_set_id` groups the revisions one action made (an import, a deletion
 * and the relations it removed from other concepts).
 */
export const termRevisions = pgTable(
  'term_revisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    vocabularyId: uuid('vocabulary_id')
      .notNull()
      .references(() => vocabularies.id, { onDelete: 'cascade' }),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    termId: uuid('term_id').notNull(),
    revision: integer('revision').notNull(),
    action: revisionAction('action').notNull(),
    /** The term's version after the change (before it, for a deletion). */
    termVersion: integer('term_version').notNull(),
    snapshot: jsonb('snapshot').$type<Record<string, unknown>>().notNull(),
    /** The snapshot's top-level fields that differ from the previous revision's. */
    changed: text('changed').array().notNull(),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    comment: text('comment'),
    changeSetId: uuid('change_set_id').notNull(),
    /** The revision this one restored. */
    restoredFrom: integer('restored_from'),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('term_revisions_feed_key').on(table.vocabularyId, table.seq),
    uniqueIndex('term_revisions_term_key').on(table.termId, table.revision),
    index('term_revisions_change_set_idx').on(table.changeSetId),
    // Resolving the IRI of a deleted concept (410 with its deletion).
    index('term_revisions_deleted_iri_idx')
      .on(sql`(${table.snapshot}->>'iri')`)
      .where(sql`${table.action} = 'deleted'`),
    check('term_revisions_positive', sql`${table.seq} > 0 AND ${table.revision} > 0`),
  ],
);

/**
 * What is served of each concept: its published revision — the latest one whose status is validated or
 * deprecated, kept by the revision recorder. A concept edited since has a pending change, which readers
 * without review rights (and LLM consumers) do not see until it is approved. Gone with the concept.
 */
export const termPublications = pgTable(
  'term_publications',
  {
    termId: uuid('term_id')
      .primaryKey()
      .references(() => terms.id, { onDelete: 'cascade' }),
    vocabularyId: uuid('vocabulary_id')
      .notNull()
      .references(() => vocabularies.id, { onDelete: 'cascade' }),
    revision: integer('revision').notNull(),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('term_publications_vocabulary_idx').on(table.vocabularyId, table.termId)],
);

/**
 * Reviewers' decisions on a concept's change: an approval or a request for changes of one version of it.
 * An edit makes a new version, so earlier approvals no longer count towards publishing it.
 */
export const termReviews = pgTable(
  'term_reviews',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    termId: uuid('term_id')
      .notNull()
      .references(() => terms.id, { onDelete: 'cascade' }),
    vocabularyId: uuid('vocabulary_id')
      .notNull()
      .references(() => vocabularies.id, { onDelete: 'cascade' }),
    termVersion: integer('term_version').notNull(),
    reviewerId: uuid('reviewer_id').references(() => users.id, { onDelete: 'set null' }),
    decision: text('decision').notNull(),
    comment: text('comment'),
    createdAt: createdAt(),
  },
  (table) => [
    index('term_reviews_term_idx').on(table.termId, table.termVersion),
    uniqueIndex('term_reviews_one_approval_key')
      .on(table.termId, table.termVersion, table.reviewerId)
      .where(sql`${table.decision} = 'approved'`),
    check('term_reviews_decision', sql`${table.decision} IN ('approved', 'changes_requested')`),
  ],
);

/**
 * Releases: an immutable, named set of a vocabulary's published revisions, with the vocabulary's settings
 * at that moment and the SHA-256 of its canonical export, so its content is reproducible byte for byte.
 * Triggers (migration 0014) refuse any change; the rows go only with their vocabulary.
 */
export const releases = pgTable(
  'releases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    vocabularyId: uuid('vocabulary_id')
      .notNull()
      .references(() => vocabularies.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    note: text('note'),
    vocabulary: jsonb('vocabulary').$type<Record<string, unknown>>().notNull(),
    conceptCount: integer('concept_count').notNull(),
    contentSha256: text('content_sha256').notNull(),
    publishedBy: uuid('published_by').references(() => users.id, { onDelete: 'set null' }),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    uniqueIndex('releases_vocabulary_name_key').on(table.vocabularyId, table.name),
    index('releases_vocabulary_published_idx').on(table.vocabularyId, table.publishedAt.desc()),
    check('releases_name_format', sql.raw(`name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'`)),
  ],
);

/** The published revision of each concept a release holds (no foreign key: deleted concepts stay in it). */
export const releaseConcepts = pgTable(
  'release_concepts',
  {
    releaseId: uuid('release_id')
      .notNull()
      .references(() => releases.id, { onDelete: 'cascade' }),
    termId: uuid('term_id').notNull(),
    revision: integer('revision').notNull(),
    iri: text('iri').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.releaseId, table.termId] }),
    uniqueIndex('release_concepts_iri_key').on(table.releaseId, table.iri),
  ],
);

/**
 * Webhooks of a vocabulary. The secret signs deliveries (HMAC-SHA256): it must be readable to sign, so it is
 * stored as given and never returned after creation.
 */
export const webhooks = pgTable(
  'webhooks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    vocabularyId: uuid('vocabulary_id')
      .notNull()
      .references(() => vocabularies.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    events: text('events').array().notNull(),
    description: text('description'),
    secret: text('secret').notNull(),
    active: boolean('active').notNull().default(true),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    index('webhooks_vocabulary_idx').on(table.vocabularyId),
    check(
      'webhooks_events',
      sql`${table.events} <@ ARRAY['term.published', 'term.deprecated', 'release.published']::text[] AND cardinality(${table.events}) > 0`,
    ),
  ],
);

/**
 * One event to deliver to one webhook: written by triggers (migration 0015) in the transaction that
 * publishes, so an event exists exactly when its change does; delivered by the queue worker.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    webhookId: uuid('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    event: text('event').notNull(),
    eventId: uuid('event_id').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    availableAt: timestamp('available_at', { withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lockedBy: text('locked_by'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    failedAt: timestamp('failed_at', { withTimezone: true }),
    redeliveryOf: bigint('redelivery_of', { mode: 'number' }),
    createdAt: createdAt(),
  },
  (table) => [
    index('webhook_deliveries_due_idx')
      .on(table.availableAt, table.id)
      .where(sql`${table.status} = 'pending'`),
    index('webhook_deliveries_webhook_idx').on(table.webhookId, table.id.desc()),
    check('webhook_deliveries_status', sql`${table.status} IN ('pending', 'delivered', 'failed')`),
  ],
);

/** Each attempt at a delivery: what the receiver answered, or why it could not. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    deliveryId: bigint('delivery_id', { mode: 'number' })
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
  },
  (table) => [index('webhook_attempts_delivery_idx').on(table.deliveryId, table.attempt)],
);

/**
 * The audit log (security-relevant actions), append-only: a trigger (migration 0012) refuses UPDATE and
 * DELETE. The actor's e-mail is copied, so the record still says who once the account is gone.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    action: text('action').notNull(),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    actorEmail: text('actor_email'),
    sourceAddress: text('source_address').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (table) => [
    index('audit_events_actor_idx').on(table.actorId, table.id.desc()),
    index('audit_events_action_idx').on(table.action, table.id.desc()),
    check(
      'audit_events_action',
      sql.raw(`action IN (${auditActions.map((action) => `'${action}'`).join(', ')})`),
    ),
  ],
);

/**
 * The transactional outbox of the Neo4j graph mirror: a row is written in the same transaction as each
 * term or relation change (only while a mirror is configured), and drained into Neo4j by any number of
 * workers (backend/src/graph/outbox/). A row names what changed, not how: the worker reads the current
 * state from PostgreSQL when it applies it, so replaying a row is harmless. No foreign keys: the row must
 * outlive the term it names. Applied rows are deleted; rows Neo4j keeps rejecting stay, with `failed_at`.
 */
export const graphOutbox = pgTable(
  'graph_outbox',
  {
    // Identity, not a timestamp: the order of rows for one term is the order of its changes.
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    kind: text('kind').notNull(),
    change: text('change').notNull(),
    /** The term, or a relation's source. */
    termId: uuid('term_id').notNull(),
    /** A relation's target. */
    otherTermId: uuid('other_term_id'),
    relationId: uuid('relation_id'),
    // Kept because a deleted relation can no longer be read: Neo4j finds it by source, type and id.
    relationType: relationType('relation_type'),
    attempts: integer('attempts').notNull().default(0),
    availableAt: timestamp('available_at', { withTimezone: true }).notNull().defaultNow(),
    lockedBy: text('locked_by'),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastError: text('last_error'),
    failedAt: timestamp('failed_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [
    // The claim looks for earlier rows touching the same terms or relation: one index each.
    index('graph_outbox_term_idx')
      .on(table.termId, table.id)
      .where(sql`${table.failedAt} IS NULL`),
    // A relation row waits only for its ends' term rows: looked up here, not among a hub's many relations.
    index('graph_outbox_term_rows_idx')
      .on(table.termId, table.id)
      .where(sql`${table.kind} = 'term' AND ${table.failedAt} IS NULL`),
    // The rows in flight: a handful, read once per claim.
    index('graph_outbox_leased_idx')
      .on(table.lockedUntil)
      .where(sql`${table.lockedUntil} IS NOT NULL`),
    index('graph_outbox_other_term_idx')
      .on(table.otherTermId, table.id)
      .where(sql`${table.failedAt} IS NULL AND ${table.otherTermId} IS NOT NULL`),
    index('graph_outbox_relation_idx')
      .on(table.relationId, table.id)
      .where(sql`${table.failedAt} IS NULL AND ${table.relationId} IS NOT NULL`),
    index('graph_outbox_pending_idx')
      .on(table.id)
      .where(sql`${table.failedAt} IS NULL`),
    check('graph_outbox_kind', sql`${table.kind} IN ('term', 'relation')`),
    check('graph_outbox_change', sql`${table.change} IN ('created', 'updated', 'deleted')`),
    check(
      'graph_outbox_relation_fields',
      sql`${table.kind} = 'term' OR (${table.otherTermId} IS NOT NULL AND ${table.relationId} IS NOT NULL AND ${table.relationType} IS NOT NULL)`,
    ),
  ],
);

export const schema = {
  users,
  oauthAccounts,
  oauthStates,
  refreshTokens,
  rateLimitBuckets,
  terms,
  relationships,
  termValidations,
  validationFindings,
  validationOverrides,
  validationOverrideFindings,
  validationJobs,
  graphOutbox,
  termRevisions,
  termPublications,
  termReviews,
  releases,
  releaseConcepts,
  webhooks,
  webhookDeliveries,
  webhookAttempts,
  auditEvents,
};
