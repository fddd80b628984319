import type {
  FindingSeverity,
  LlmFailureReason,
  SemanticErrorType,
  ValidationStatus,
} from '@lexikon/contracts/validation';

/**
 * The validation vocabularies the browser needs. Kept here rather than imported: the contracts' module
 * builds its zod schemas when loaded, and the term page must not ship zod. A unit test checks that these
 * lists stay equal to the contracts' (`semanticErrorTypes`, `findingSeverities`…).
 */
export const findingTypes = [
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
] as const satisfies readonly SemanticErrorType[];

/** Most serious first. */
export const severities = ['error', 'warning', 'info'] as const satisfies readonly FindingSeverity[];

/** Errors and warnings keep a term from becoming `validated` until a reviewer overrides them. */
export const blockingSeverities: readonly FindingSeverity[] = ['error', 'warning'];

export const recordStatuses = [
  'ok',
  'failed',
  'malformed',
  'off_schema',
] as const satisfies readonly ValidationStatus[];

export const failureReasons = [
  'timeout',
  'rate_limited',
  'server_error',
  'network',
  'rejected',
  'circuit_open',
  'malformed',
  'off_schema',
] as const satisfies readonly LlmFailureReason[];

/** As in the contracts: the short definition a model is given holds in 200 characters. */
export const SHORT_DEFINITION_MAX_LENGTH = 200;
export const OVERRIDE_REASON_MIN_LENGTH = 10;
export const OVERRIDE_REASON_MAX_LENGTH = 2000;

export type { FindingSeverity, LlmFailureReason, SemanticErrorType, ValidationStatus };
