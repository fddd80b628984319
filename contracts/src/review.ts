import { z } from 'zod';
import { proseSchema } from './text.ts';
import { COMMENT_MAX_LENGTH, changeCommentSchema, conceptSchema, termStatusSchema } from './terms.ts';
import { overrideFindingsBodySchema } from './validation.ts';

/**
 * Review before serving: a validated concept has a published revision, which is what readers without
 * review rights and every LLM consumer get. An edit makes a pending change; its author submits it, reviewers
 * approve it (as many as the vocabulary asks) or request changes, and the approval that completes the count
 * publishes it. Each action is a revision in the concept's history.
 */

export const APPROVALS_MAX = 5;

const versionSchema = z
  .number()
  .int()
  .positive()
  .meta({ description: 'The version of the concept acted on; alternatively send it as an If-Match header.' });

export const reviewActionBodySchema = z
  .object({ version: versionSchema.optional(), comment: changeCommentSchema.optional() })
  .strict()
  .meta({ id: 'ReviewAction' });
export type ReviewActionBody = z.infer<typeof reviewActionBodySchema>;

export const approveBodySchema = reviewActionBodySchema
  .extend({
    override_findings: overrideFindingsBodySchema.optional().meta({
      description:
        'When this approval publishes the concept: accepts the open findings, saying why (recorded).',
    }),
  })
  .strict()
  .meta({ id: 'Approve' });
export type ApproveBody = z.infer<typeof approveBodySchema>;

export const requestChangesBodySchema = z
  .object({
    version: versionSchema.optional(),
    comment: proseSchema(COMMENT_MAX_LENGTH)
      .pipe(z.string().min(1, 'Say what should change.'))
      .meta({ description: 'What should change: shown to the author and kept in the history.' }),
  })
  .strict()
  .meta({ id: 'RequestChanges' });
export type RequestChangesBody = z.infer<typeof requestChangesBodySchema>;

const personSchema = z.object({ id: z.uuid().nullable(), name: z.string().nullable() });

export const reviewDecisionSchema = z
  .object({
    decision: z.enum(['approved', 'changes_requested']),
    reviewer: personSchema,
    comment: z.string().nullable(),
    term_version: z.number().int().positive(),
    at: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'ReviewDecision' });
export type ReviewDecision = z.infer<typeof reviewDecisionSchema>;

/** Where a concept stands in review, and what the caller may do about it. */
export const reviewStateSchema = z
  .object({
    status: termStatusSchema,
    version: z.number().int().positive(),
    published_revision: z
      .number()
      .int()
      .positive()
      .nullable()
      .meta({ description: 'What readers get; null when it was never published.' }),
    latest_revision: z.number().int().positive(),
    pending: z.boolean().meta({ description: 'Changed since its published revision, not yet approved.' }),
    approvals_required: z.number().int().positive(),
    self_approval: z.boolean(),
    approvals: z.array(reviewDecisionSchema).meta({ description: 'Approvals of the current version.' }),
    decisions: z
      .array(reviewDecisionSchema)
      .meta({ description: 'Every decision, newest first (up to 20).' }),
    authors: z
      .array(personSchema)
      .meta({ description: 'Who made the pending change (since the published revision).' }),
    may: z.object({
      submit: z.boolean(),
      withdraw: z.boolean(),
      approve: z.boolean(),
      request_changes: z.boolean(),
    }),
    refusal: z.string().nullable().meta({
      description: 'Why the caller, a reviewer, may not approve (their own change, already approved).',
    }),
  })
  .meta({ id: 'ReviewState' });
export type ReviewState = z.infer<typeof reviewStateSchema>;

export const reviewResultSchema = z
  .object({
    concept: conceptSchema,
    review: reviewStateSchema,
    published: z.boolean().meta({ description: 'This action published the concept.' }),
  })
  .meta({ id: 'ReviewResult' });
export type ReviewResult = z.infer<typeof reviewResultSchema>;

export const reviewQueueItemSchema = z
  .object({
    id: z.uuid(),
    vocabulary_slug: z.string(),
    term: z.string(),
    status: termStatusSchema,
    version: z.number().int().positive(),
    published_revision: z.number().int().positive().nullable(),
    latest_revision: z.number().int().positive(),
    approvals: z.number().int().nonnegative(),
    approvals_required: z.number().int().positive(),
    submitted_by: personSchema.nullable(),
    submitted_at: z.iso.datetime({ offset: true }),
    comment: z.string().nullable().meta({ description: "The submission's or the request's comment." }),
  })
  .meta({ id: 'ReviewQueueItem' });
export type ReviewQueueItem = z.infer<typeof reviewQueueItemSchema>;

export const reviewQueueSchema = z
  .object({
    to_review: z
      .array(reviewQueueItemSchema)
      .meta({ description: 'Changes in review the caller may approve, oldest first.' }),
    returned: z
      .array(reviewQueueItemSchema)
      .meta({ description: "The caller's own changes sent back with a request for changes." }),
  })
  .meta({ id: 'ReviewQueue' });
export type ReviewQueue = z.infer<typeof reviewQueueSchema>;

export const REVIEW_QUEUE_MAX = 200;
