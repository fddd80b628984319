/**
 * The validation vocabularies the browser needs, under the names the web app uses. They come from the
 * contracts' zod-free module, so the term page does not ship the validator.
 */
export {
  OVERRIDE_REASON_MAX_LENGTH,
  OVERRIDE_REASON_MIN_LENGTH,
  SHORT_DEFINITION_MAX_LENGTH,
  blockingSeverities,
  findingSeverities as severities,
  llmFailureReasons as failureReasons,
  semanticErrorTypes as findingTypes,
  validationStatuses as recordStatuses,
  type FindingSeverity,
  type LlmFailureReason,
  type SemanticErrorType,
  type ValidationStatus,
} from '@lexikon/contracts/validation-vocabulary';
