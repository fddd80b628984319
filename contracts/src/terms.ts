import { z } from 'zod';
import { idSchema, labelSchema, proseSchema } from './text.ts';
import { overrideFindingsBodySchema } from './validation.ts';
import { statusTransitions, termLevels, termStatuses } from './vocabulary.ts';
import { vocabularySlugSchema } from './vocabularies.ts';
import { languageTagSchema } from './languages.ts';
import { conceptPartsBodySchema, conceptPartsSchema } from './concepts.ts';

/** Why a change was made: kept with its revision in the history. */
export const COMMENT_MAX_LENGTH = 1000;
export const changeCommentSchema = proseSchema(COMMENT_MAX_LENGTH).meta({
  description: 'Why the change was made; shown in the history.',
});

export { statusTransitions };

import { DEFINITION_MAX_LENGTH, DOMAIN_MAX_LENGTH, TERM_MAX_LENGTH } from './limits.ts';

export { DEFINITION_MAX_LENGTH, DOMAIN_MAX_LENGTH, TERM_MAX_LENGTH };

export const termLevelSchema = z.enum(termLevels).meta({ id: 'TermLevel' });
export const termStatusSchema = z.enum(termStatuses).meta({ id: 'TermStatus' });

export const termIdParamsSchema = z.object({ id: idSchema });

/** A concept's name within its vocabulary, the last part of its IRI: letters, digits and `._~-`. */
export const notationSchema = z
  .string()
  .regex(/^[A-Za-z0-9._~-]{1,64}$/, 'Use 1 to 64 letters, digits, ".", "_", "~" or "-", such as "c1042".')
  .meta({ id: 'Notation', example: 'c1042' });

export const createTermBodySchema = z
  .object({
    vocabulary: vocabularySlugSchema.optional().meta({
      description: 'The slug of the vocabulary it belongs to; the default vocabulary when left out.',
    }),
    notation: notationSchema.optional().meta({
      description: "Its name in the vocabulary, the end of its IRI; the term's id when left out.",
    }),
    term: labelSchema(TERM_MAX_LENGTH),
    definition: proseSchema(DEFINITION_MAX_LENGTH),
    domain: labelSchema(DOMAIN_MAX_LENGTH).nullable().optional(),
    level: termLevelSchema.default('beginner'),
    status: z
      .enum(['draft', 'proposed'])
      .default('draft')
      .meta({ description: 'New terms start as draft or proposed.' }),
    ...conceptPartsBodySchema.shape,
    comment: changeCommentSchema.optional(),
  })
  .strict()
  .meta({ id: 'CreateTerm' });

export const updateTermBodySchema = z
  .object({
    term: labelSchema(TERM_MAX_LENGTH).optional(),
    definition: proseSchema(DEFINITION_MAX_LENGTH).optional(),
    domain: labelSchema(DOMAIN_MAX_LENGTH).nullable().optional(),
    level: termLevelSchema.optional(),
    status: termStatusSchema.optional(),
    version: z
      .number()
      .int()
      .positive()
      .optional()
      .meta({ description: 'The version being edited; alternatively send it as an If-Match header.' }),
    override_findings: overrideFindingsBodySchema.optional().meta({
      description:
        'With `status: "validated"`: a reviewer accepts the open findings of the latest validation, saying why (recorded).',
    }),
    ...conceptPartsBodySchema.shape,
    comment: changeCommentSchema.optional(),
  })
  .strict()
  .refine(
    (body) =>
      Object.keys(body).some((key) => key !== 'version' && key !== 'override_findings' && key !== 'comment'),
    'Send at least one field to change.',
  )
  .refine((body) => body.override_findings === undefined || body.status === 'validated', {
    path: ['override_findings'],
    message: 'Only a change to `status: "validated"` can override findings.',
  })
  .meta({ id: 'UpdateTerm' });

export const termSchema = z
  .object({
    id: z.uuid(),
    vocabulary_id: z.uuid(),
    notation: z.string(),
    iri: z.string().meta({ description: "Minted once from the vocabulary's base IRI; never changes." }),
    term: z.string(),
    definition: z.string(),
    domain: z.string().nullable(),
    level: termLevelSchema,
    status: termStatusSchema,
    version: z.number().int(),
    created_by: z.uuid().nullable(),
    created_at: z.iso.datetime({ offset: true }),
    updated_at: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'Term' });

/** What the caller may do with this term, decided by the server's policy: the web app shows what it allows. */
export const termPermissionsSchema = z
  .object({
    edit: z.boolean().meta({ description: 'Change, delete, relate from, validate now.' }),
    review: z.boolean().meta({ description: 'Mark it validated, override findings.' }),
  })
  .meta({ id: 'TermPermissions' });

/** Which of a concept's revisions is served, and which one this answer shows. */
export const conceptPublicationSchema = z
  .object({
    published_revision: z
      .number()
      .int()
      .positive()
      .nullable()
      .meta({ description: 'The revision readers and LLM consumers get; null when never published.' }),
    pending: z.boolean().meta({
      description:
        'The concept changed since it was published and awaits review (told to those who may edit or review it).',
    }),
    showing: z.enum(['current', 'published']).meta({
      description:
        '`published`: a reader without review rights gets the published revision, not the pending change.',
    }),
  })
  .meta({ id: 'ConceptPublication' });

/** A term with all its parts: what reading, creating or editing one term answers. */
export const conceptSchema = termSchema
  .extend(conceptPartsSchema.shape)
  .extend({
    vocabulary_slug: vocabularySlugSchema,
    content_languages: z.array(z.string()).meta({
      description: "The vocabulary's content languages, its default one first: where labels may be given.",
    }),
    permissions: termPermissionsSchema,
    publication: conceptPublicationSchema,
  })
  .meta({ id: 'Concept' });

export const deleteTermQuerySchema = z.object({ comment: changeCommentSchema.optional() }).strict();

export const termSorts = ['relevance', 'recent', 'term'] as const;

export const listTermsQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(512).optional().meta({ description: 'Opaque cursor from a previous page.' }),
    q: z.string().trim().min(1).max(200).optional().meta({
      description:
        'Full-text search over preferred, alternative and hidden labels and definitions, in every content language (stemmed per language, accents folded, prefixes of words).',
    }),
    vocabulary: vocabularySlugSchema.optional().meta({
      description: 'Only this vocabulary; every vocabulary the caller may read when left out.',
    }),
    language: languageTagSchema.optional().meta({
      description: 'Search only labels and definitions in this language.',
    }),
    domain: z.string().trim().min(1).max(DOMAIN_MAX_LENGTH).optional(),
    level: termLevelSchema.optional(),
    status: termStatusSchema.optional(),
    created_by: idSchema.optional(),
    sort: z
      .enum(termSorts)
      .optional()
      .meta({ description: 'Default: relevance when `q` is given, otherwise recent (newest first).' }),
    with_total: z.enum(['true', 'false']).optional().meta({
      description: 'With `true`, the page also says how many terms match across every page (`total`).',
    }),
  })
  .strict();

/** What the latest validation of a term found, for a badge beside it in lists. */
export const qualitySummarySchema = z
  .object({
    checked_at: z.iso.datetime({ offset: true }),
    errors: z.number().int(),
    warnings: z.number().int(),
    infos: z.number().int(),
  })
  .meta({ id: 'QualitySummary' });

/** Which label (or definition) a search matched, and in which language. */
export const searchMatchSchema = z
  .object({
    text: z.string(),
    language: z.string(),
    kind: z.enum(['pref', 'alt', 'hidden', 'definition']),
  })
  .meta({ id: 'SearchMatch' });

export const termPageSchema = z
  .object({
    items: z.array(
      termSchema.extend({
        match: searchMatchSchema.nullable().optional().meta({ description: 'With `q`: what matched.' }),
        pref_labels: z
          .record(z.string(), z.string())
          .meta({ description: 'Its preferred labels in the other content languages.' }),
        quality: qualitySummarySchema
          .nullable()
          .meta({ description: 'Findings of its latest validation; null when it was never validated.' }),
      }),
    ),
    next_cursor: z.string().nullable(),
    limit: z.number().int(),
    total: z
      .number()
      .int()
      .optional()
      .meta({ description: 'With `with_total=true`: terms across every page.' }),
  })
  .meta({ id: 'TermPage' });

/** One level of a vocabulary's broader/narrower tree (`is_a`: the source is narrower than the target). */
export const hierarchyQuerySchema = z
  .object({
    parent: idSchema.optional().meta({
      description:
        'The concept whose narrower concepts to list; the top concepts (no broader one) when left out.',
    }),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
    cursor: z.string().max(512).optional().meta({ description: 'Opaque cursor from a previous page.' }),
  })
  .strict();

export const hierarchyNodeSchema = z
  .object({
    id: z.uuid(),
    notation: z.string(),
    term: z.string(),
    pref_labels: z.record(z.string(), z.string()),
    status: termStatusSchema,
    narrower: z.number().int().meta({ description: 'How many narrower concepts it has.' }),
  })
  .meta({ id: 'HierarchyNode' });

export const hierarchyPageSchema = z
  .object({
    parent: z.uuid().nullable(),
    items: z.array(hierarchyNodeSchema),
    next_cursor: z.string().nullable(),
  })
  .meta({ id: 'HierarchyPage' });

export const domainListSchema = z
  .object({
    items: z.array(
      z.object({
        domain: z.string(),
        terms: z.number().int().meta({ description: 'Terms in this domain.' }),
      }),
    ),
  })
  .meta({ id: 'DomainList' });

export type Term = z.infer<typeof termSchema>;
export type Concept = z.infer<typeof conceptSchema>;
export type SearchMatch = z.infer<typeof searchMatchSchema>;
export type TermPage = z.infer<typeof termPageSchema>;
export type HierarchyQuery = z.infer<typeof hierarchyQuerySchema>;
export type HierarchyPage = z.infer<typeof hierarchyPageSchema>;
export type CreateTermBody = z.infer<typeof createTermBodySchema>;
export type UpdateTermBody = z.infer<typeof updateTermBodySchema>;
export type ListTermsQuery = z.infer<typeof listTermsQuerySchema>;
export type TermSort = (typeof termSorts)[number];
export type TermStatus = z.infer<typeof termStatusSchema>;

/** Dereferencing a concept's IRI: what it names now, for a resolver to redirect to. */
export const resolveQuerySchema = z
  .object({ iri: z.string().min(1).max(2000).meta({ description: 'The concept IRI to resolve.' }) })
  .strict();

export const resolvedConceptSchema = z
  .object({
    id: z.uuid(),
    iri: z.string(),
    notation: z.string(),
    vocabulary_slug: vocabularySlugSchema,
    term: z.string(),
    status: termStatusSchema,
  })
  .meta({ id: 'ResolvedConcept' });
export type ResolvedConcept = z.infer<typeof resolvedConceptSchema>;
