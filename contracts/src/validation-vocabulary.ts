/**
 * The vocabularies of definition validation, free of zod so the web app can show them without shipping
 * the validator. contracts/src/validation.ts builds the payload schemas on top of them.
 */

/** The term model's criterion: the short definition a model is given holds in 200 characters. */
export const SHORT_DEFINITION_MAX_LENGTH = 200;

export const semanticErrorTypes = [
  'missing_definition',
  'definition_too_short',
  'definition_too_long',
  'circular_definition',
  'too_vague',
  'ambiguous_definition',
  'duplicate_definition',
  'missing_domain',
  'wrong_domain',
  'inconsistent_relations',
  'incorrect_definition',
  'missing_translation',
  'ambiguous_label',
] as const;
export type SemanticErrorType = (typeof semanticErrorTypes)[number];

/** What the LLM may report: the mechanical checks (lengths, missing fields) belong to the rules. */
export const llmFindingTypes = [
  'circular_definition',
  'too_vague',
  'ambiguous_definition',
  'duplicate_definition',
  'wrong_domain',
  'inconsistent_relations',
  'incorrect_definition',
] as const satisfies readonly SemanticErrorType[];

export const findingSeverities = ['error', 'warning', 'info'] as const;
export type FindingSeverity = (typeof findingSeverities)[number];

/** Findings of these severities keep a term from becoming `validated` until a reviewer overrides them. */
export const blockingSeverities: readonly FindingSeverity[] = ['error', 'warning'];

/**
 * One line per error type, for people: the web app shows it next to a finding, the LLM prompt uses it to
 * say what each identifier means.
 */
export const semanticErrorDescriptions: Record<SemanticErrorType, string> = {
  missing_definition: 'The definition is empty or a placeholder (TODO, "to be defined", …).',
  definition_too_short: 'Too few words to say what the term is and how it differs from its neighbours.',
  definition_too_long: `Longer than the ${SHORT_DEFINITION_MAX_LENGTH} characters of a short definition.`,
  circular_definition: 'The definition uses the term itself (or its words) to define it.',
  too_vague: 'Vague, hedging or placeholder wording, or no broader class (genus) named.',
  ambiguous_definition: 'Several senses, or wording that can be read in more than one way.',
  duplicate_definition: 'Identical or nearly identical to the definition of another term.',
  missing_domain: 'No domain: the same word can mean different things in different fields.',
  wrong_domain: 'The domain does not match what the definition describes.',
  inconsistent_relations: 'The relations contradict each other or the definition.',
  incorrect_definition: 'The definition states something false about the term.',
  missing_translation: 'A content language of the vocabulary has no preferred label or no definition yet.',
  ambiguous_label: 'A label is also the preferred label of another concept of the vocabulary.',
};

export const validatorNames = ['rules', 'llm'] as const;
export type ValidatorName = (typeof validatorNames)[number];

/** The outcome of a validation run: `ok`, or why the LLM pass produced no verdict (rules always ran). */
export const validationStatuses = ['ok', 'failed', 'malformed', 'off_schema'] as const;
export type ValidationStatus = (typeof validationStatuses)[number];

/** Why an LLM call produced no verdict; also the `reason` label of `llm_failures_total`. */
export const llmFailureReasons = [
  'timeout',
  'rate_limited',
  'server_error',
  'network',
  'rejected',
  'circuit_open',
  'malformed',
  'off_schema',
] as const;
export type LlmFailureReason = (typeof llmFailureReasons)[number];

/** `manual`: "validate now"; `job`: the background queue; `import`: when terms were loaded (seed-demo). */
export const validationTriggers = ['manual', 'job', 'import'] as const;

/** A finding's text in each language of the web app (rules write both; the reader's is shown). */
export type FindingTranslations = Record<'en' | 'fr', { explanation: string; suggestion: string | null }>;
export const validationJobStatuses = ['queued', 'running', 'done', 'failed', 'skipped'] as const;

/** A reviewer's override must say why, in a sentence or more. */
export const OVERRIDE_REASON_MIN_LENGTH = 10;
export const OVERRIDE_REASON_MAX_LENGTH = 2000;
