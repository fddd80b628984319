import { z } from 'zod';
import { problemSchema } from './problem.ts';
import { proseSchema } from './text.ts';
import {
  semanticErrorTypes,
  findingSeverities,
  validatorNames,
  validationStatuses,
  llmFailureReasons,
  validationTriggers,
  validationJobStatuses,
  OVERRIDE_REASON_MIN_LENGTH,
  OVERRIDE_REASON_MAX_LENGTH,
} from './validation-vocabulary.ts';

/**
 * Definition quality: the taxonomy of semantic errors, and the payloads of validation records, findings
 * and overrides. Shared by the API (rules and LLM validators, metrics labels) and the web app (labels,
 * badges), so a new error type is added here once.
 */

export * from './validation-vocabulary.ts';

export const semanticErrorTypeSchema = z.enum(semanticErrorTypes).meta({ id: 'SemanticErrorType' });
export const findingSeveritySchema = z.enum(findingSeverities).meta({ id: 'FindingSeverity' });
export const validatorNameSchema = z.enum(validatorNames).meta({ id: 'ValidatorName' });
export const validationStatusSchema = z.enum(validationStatuses).meta({ id: 'ValidationStatus' });
export const llmFailureReasonSchema = z.enum(llmFailureReasons).meta({ id: 'LlmFailureReason' });

/** Sent with `status: "validated"` by a reviewer who accepts the open findings, saying why. */
export const overrideFindingsBodySchema = z
  .object({
    reason: proseSchema(OVERRIDE_REASON_MAX_LENGTH).pipe(
      z
        .string()
        .min(
          OVERRIDE_REASON_MIN_LENGTH,
          `Explain the override in at least ${OVERRIDE_REASON_MIN_LENGTH} characters.`,
        ),
    ),
  })
  .strict()
  .meta({ id: 'OverrideFindings' });

export const findingOverrideSchema = z
  .object({
    id: z.uuid(),
    reason: z.string(),
    overridden_by: z.uuid().nullable(),
    term_version: z.number().int(),
    created_at: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'FindingOverride' });

export const findingSchema = z
  .object({
    id: z.uuid(),
    source: validatorNameSchema,
    rule: z.string().nullable().meta({ description: 'Which rule fired (rules validator only).' }),
    type: semanticErrorTypeSchema,
    severity: findingSeveritySchema,
    explanation: z.string().meta({ description: 'What is wrong and how to fix it, for a person.' }),
    suggestion: z.string().nullable(),
    translations: z
      .record(z.enum(['en', 'fr']), z.object({ explanation: z.string(), suggestion: z.string().nullable() }))
      .nullable()
      .meta({
        description:
          'The explanation and suggestion in each language of the web app (rules findings); `explanation` is in the language of the definition.',
      }),
    evidence: z.string().nullable().meta({ description: 'The offending words, quoted from the entry.' }),
    related_term_ids: z
      .array(z.uuid())
      .meta({ description: 'Other terms involved (duplicates, relations).' }),
    override: findingOverrideSchema
      .nullable()
      .meta({ description: 'Set when a reviewer accepted this finding to validate the term.' }),
  })
  .meta({ id: 'ValidationFinding' });

export const tokenUsageSchema = z
  .object({
    prompt_tokens: z.number().int(),
    completion_tokens: z.number().int(),
    total_tokens: z.number().int(),
  })
  .meta({ id: 'TokenUsage' });

export const validationRecordSchema = z
  .object({
    id: z.uuid(),
    term_id: z.uuid(),
    term_version: z.number().int().meta({ description: 'The term version whose text was validated.' }),
    current: z.boolean().meta({
      description: 'True when the term still has the text (term, definition, domain) validated here.',
    }),
    trigger: z.enum(validationTriggers).meta({
      description:
        '`manual`: "validate now"; `job`: the background queue (after a change); `import`: when loaded.',
    }),
    requested_by: z.uuid().nullable(),
    validators: z.array(validatorNameSchema),
    model: z.string().nullable(),
    prompt_version: z.string().nullable(),
    status: validationStatusSchema,
    error_reason: llmFailureReasonSchema.nullable(),
    error: z.string().nullable(),
    findings: z.array(findingSchema),
    latency_ms: z.number().int(),
    llm_latency_ms: z.number().int().nullable(),
    llm_attempts: z.number().int(),
    usage: tokenUsageSchema.nullable(),
    created_at: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'ValidationRecord' });

export const validationJobSchema = z
  .object({
    id: z.uuid(),
    term_version: z.number().int(),
    status: z.enum(validationJobStatuses),
    attempts: z.number().int(),
    max_attempts: z.number().int(),
    run_after: z.iso.datetime({ offset: true }),
    last_error: z.string().nullable(),
  })
  .meta({ id: 'ValidationJob' });

export const listValidationsQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(512).optional().meta({ description: 'Opaque cursor from a previous page.' }),
  })
  .strict();

export const validationPageSchema = z
  .object({
    items: z.array(validationRecordSchema),
    next_cursor: z.string().nullable(),
    limit: z.number().int(),
    pending_job: validationJobSchema
      .nullable()
      .meta({ description: 'A queued or running background validation of this term, if any.' }),
  })
  .meta({ id: 'ValidationPage' });

export const validationServiceStatusSchema = z
  .object({
    rules: z.object({ enabled: z.literal(true) }),
    llm: z.object({
      enabled: z.boolean(),
      model: z.string().nullable(),
      prompt_version: z.string(),
      circuit: z.enum(['closed', 'open', 'half_open']),
    }),
    queue: z.object({ queued: z.number().int(), running: z.number().int() }),
  })
  .meta({ id: 'ValidationServiceStatus' });

/** The 422 a transition to `validated` gets while findings are open: they are listed for the reviewer. */
export const openFindingsProblemSchema = problemSchema.extend({
  code: z.literal('open-findings'),
  findings: z.array(findingSchema),
});

export type Finding = z.infer<typeof findingSchema>;
export type FindingOverride = z.infer<typeof findingOverrideSchema>;
export type OverrideFindingsBody = z.infer<typeof overrideFindingsBodySchema>;
export type TokenUsage = z.infer<typeof tokenUsageSchema>;
export type ValidationRecord = z.infer<typeof validationRecordSchema>;
export type ValidationJob = z.infer<typeof validationJobSchema>;
export type ValidationPage = z.infer<typeof validationPageSchema>;
export const revalidationScopes = ['all', 'changed'] as const;

export const revalidationBodySchema = z
  .object({
    scope: z.enum(revalidationScopes).meta({
      description:
        '`all`: every term; `changed`: terms never validated, or whose text changed since their latest validation.',
    }),
  })
  .strict()
  .meta({ id: 'RevalidationRequest' });

export const revalidationSchema = z
  .object({
    scope: z.enum(revalidationScopes),
    considered: z.number().int().meta({ description: 'Terms looked at.' }),
    queued: z
      .number()
      .int()
      .meta({ description: 'Validations queued (as background work, after anything people wait for).' }),
  })
  .meta({ id: 'Revalidation' });

export type RevalidationBody = z.infer<typeof revalidationBodySchema>;
export type Revalidation = z.infer<typeof revalidationSchema>;
export type ListValidationsQuery = z.infer<typeof listValidationsQuerySchema>;
export type ValidationServiceStatus = z.infer<typeof validationServiceStatusSchema>;
