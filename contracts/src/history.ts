import { z } from 'zod';
import { conceptPartsSchema } from './concepts.ts';
import { relationTypeSchema } from './relations.ts';
import { idSchema } from './text.ts';
import { changeCommentSchema, conceptSchema, termLevelSchema, termStatusSchema } from './terms.ts';

/**
 * The history of concepts: a revision per change, the diff between two, restore, and a vocabulary's
 * change feed. A revision holds the whole concept as it was after the change (a snapshot), so any two
 * can be compared and any one restored without replaying the others.
 */

/**
 * `baseline`: the state a concept had when history began (migration 0011), its earlier changes unknown.
 * `approved`: one reviewer's approval; the one that completes the approvals publishes the concept.
 */
export const revisionActions = [
  'baseline',
  'created',
  'updated',
  'deleted',
  'restored',
  // The review of a change (see ./review.ts): each is a history entry of its own.
  'submitted',
  'approved',
  'changes_requested',
  'withdrawn',
] as const;
export type RevisionAction = (typeof revisionActions)[number];

export const HISTORY_PAGE_MAX = 100;
export const CHANGES_PAGE_MAX = 1000;

/** A relation from the concept, as a snapshot keeps it. */
export const snapshotRelationSchema = z.object({
  type: relationTypeSchema,
  target_id: z.uuid(),
  strength: z.number().nullable(),
});

/** The whole concept after a revision: what restoring it brings back. */
export const conceptSnapshotSchema = z
  .object({
    term: z.string(),
    definition: z.string(),
    domain: z.string().nullable(),
    level: termLevelSchema,
    status: termStatusSchema,
    notation: z.string(),
    iri: z.string(),
    created_by: z.uuid().nullable(),
    ...conceptPartsSchema.omit({ language: true }).shape,
    relations: z.array(snapshotRelationSchema),
  })
  .meta({ id: 'ConceptSnapshot' });
export type ConceptSnapshot = z.infer<typeof conceptSnapshotSchema>;
export type SnapshotField = keyof ConceptSnapshot;

/** One changed field between two snapshots: a per-language field is one change per language. */
export const fieldChangeSchema = z
  .object({
    field: z.string().meta({
      description:
        'A snapshot field (`definition`, `alt_labels`, `relations`, …), or `pref_labels.<language>` / `definitions.<language>`.',
    }),
    before: z.unknown().optional().meta({ description: 'Absent when the field was added.' }),
    after: z.unknown().optional().meta({ description: 'Absent when the field was removed.' }),
  })
  .meta({ id: 'FieldChange' });
export type FieldChange = z.infer<typeof fieldChangeSchema>;

const authorSchema = z
  .object({ id: z.uuid(), name: z.string().nullable().meta({ description: 'Full name, or user name.' }) })
  .nullable()
  .meta({ description: 'Who made the change; null once their account is gone, or for the baseline.' });

export const revisionSummarySchema = z
  .object({
    revision: z.number().int().positive(),
    action: z.enum(revisionActions),
    seq: z.number().int().positive().meta({ description: "Its position in the vocabulary's change feed." }),
    term_version: z.number().int().positive(),
    changed: z.array(z.string()).meta({ description: 'The snapshot fields this revision changed.' }),
    author: authorSchema,
    comment: z.string().nullable(),
    change_set_id: z.uuid(),
    restored_from: z.number().int().positive().nullable(),
    created_at: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'RevisionSummary' });
export type RevisionSummary = z.infer<typeof revisionSummarySchema>;

export const revisionSchema = revisionSummarySchema
  .extend({
    term_id: z.uuid(),
    snapshot: conceptSnapshotSchema,
    changes: z.array(fieldChangeSchema).meta({ description: 'What changed since the revision before.' }),
  })
  .meta({ id: 'Revision' });
export type Revision = z.infer<typeof revisionSchema>;

export const historyQuerySchema = z
  .object({
    before: z.coerce
      .number()
      .int()
      .positive()
      .optional()
      .meta({ description: 'Revisions older than this one (the `next_before` of the previous page).' }),
    limit: z.coerce.number().int().min(1).max(HISTORY_PAGE_MAX).default(20),
  })
  .strict();

export const historyPageSchema = z
  .object({
    term_id: z.uuid(),
    deleted: z.boolean().meta({ description: 'The concept is deleted: its last revision is the tombstone.' }),
    items: z.array(
      revisionSummarySchema.extend({
        changes: z.array(fieldChangeSchema).meta({ description: 'What changed since the revision before.' }),
      }),
    ),
    next_before: z.number().int().positive().nullable(),
  })
  .meta({ id: 'HistoryPage' });
export type HistoryPage = z.infer<typeof historyPageSchema>;

export const revisionParamsSchema = z.object({ id: idSchema, revision: z.coerce.number().int().positive() });

export const diffQuerySchema = z
  .object({
    from: z.coerce.number().int().positive(),
    to: z.coerce.number().int().positive(),
  })
  .strict();

export const revisionDiffSchema = z
  .object({
    term_id: z.uuid(),
    from: revisionSummarySchema,
    to: revisionSummarySchema,
    changes: z.array(fieldChangeSchema),
  })
  .meta({ id: 'RevisionDiff' });
export type RevisionDiff = z.infer<typeof revisionDiffSchema>;

export const restoreBodySchema = z
  .object({
    revision: z.number().int().positive().meta({ description: 'The revision whose content comes back.' }),
    version: z.number().int().positive().optional().meta({
      description:
        "The concept's current version (or an If-Match header): a restore never overwrites an edit it has not seen. A deleted concept: the version it was deleted at.",
    }),
    comment: changeCommentSchema.optional(),
  })
  .strict()
  .meta({ id: 'RestoreRevision' });
export type RestoreBody = z.infer<typeof restoreBodySchema>;

/** A relation a restore could not bring back, and why. */
export const skippedRelationSchema = z.object({
  type: relationTypeSchema,
  source_id: z.uuid(),
  target_id: z.uuid(),
  reason: z.enum(['target-missing', 'source-missing', 'exists', 'cycle', 'not-allowed', 'other-vocabulary']),
});

export const restoreResultSchema = z
  .object({
    concept: conceptSchema,
    revision: z.number().int().positive().meta({ description: 'The new revision the restore made.' }),
    skipped_relations: z.array(skippedRelationSchema),
  })
  .meta({ id: 'RestoreResult' });
export type RestoreResult = z.infer<typeof restoreResultSchema>;
export type SkippedRelation = z.infer<typeof skippedRelationSchema>;

export const changesQuerySchema = z
  .object({
    after: z
      .string()
      .regex(/^\d{1,15}$/, 'Use the `next_after` of the previous page (or 0 for the beginning).')
      .optional()
      .meta({ description: 'Changes after this cursor; from the beginning when left out.' }),
    limit: z.coerce.number().int().min(1).max(CHANGES_PAGE_MAX).default(100),
  })
  .strict();

export const changeSchema = z
  .object({
    seq: z.number().int().positive(),
    term_id: z.uuid(),
    iri: z.string(),
    notation: z.string(),
    revision: z.number().int().positive(),
    action: z.enum(revisionActions),
    changed: z.array(z.string()),
    author_id: z.uuid().nullable(),
    change_set_id: z.uuid(),
    created_at: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'Change' });

export const changesPageSchema = z
  .object({
    items: z.array(changeSchema),
    next_after: z.string().meta({
      description:
        'Pass it as `after` to continue; the same value when nothing is new yet (poll again later).',
    }),
    has_more: z.boolean(),
  })
  .meta({ id: 'ChangesPage' });
export type ChangesPage = z.infer<typeof changesPageSchema>;
