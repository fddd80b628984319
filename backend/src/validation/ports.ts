import type {
  FindingSeverity,
  FindingTranslations,
  LlmFailureReason,
  SemanticErrorType,
  ValidationStatus,
  ValidatorName,
} from '@lexikon/contracts/validation';
import type { RelationType } from '@lexikon/contracts/vocabulary';
import type { LlmEndpoint } from '../observability/metrics.ts';

/**
 * The two ports of the validation pipeline: a `Validator` judges a term in its context; an `LlmClient`
 * sends one chat completion to whatever OpenAI-compatible server is configured. The service only knows
 * these shapes, so tests and future validators (another model, a human panel) plug in beside the rules.
 */

export interface SubjectTerm {
  id: string;
  term: string;
  definition: string;
  domain: string | null;
  version: number;
}

export interface OtherTerm {
  id: string;
  term: string;
  definition: string;
  domain: string | null;
}

/** A relation of the subject, seen from the subject: `out` when the subject is its source. */
export interface Neighbour {
  relationId: string;
  type: RelationType;
  direction: 'out' | 'in';
  term: OtherTerm;
}

/** A label of another concept of the vocabulary that is the same (case and accents aside) as one of ours. */
export interface LabelClash {
  /** Our label, and whether it is our preferred or an alternative label. */
  label: string;
  kind: 'pref' | 'alt';
  language: string;
  /** The other concept, whose preferred label it is. */
  termId: string;
  term: string;
}

/** The concept's labels and definitions in every language of its vocabulary. */
export interface ConceptContext {
  defaultLanguage: string;
  languages: string[];
  /** Preferred labels and definitions by language, the default language's included. */
  prefLabels: Record<string, string>;
  definitions: Record<string, string>;
  altLabels: { language: string; text: string }[];
  clashes: LabelClash[];
}

/** What validators look at: the term, its relations, and terms whose definitions resemble its own. */
export interface ValidationSubject {
  term: SubjectTerm;
  neighbours: Neighbour[];
  similar: OtherTerm[];
  /** Its labels and definitions in other languages, when loaded (the rules about labels need them). */
  concept?: ConceptContext;
}

/** A finding before it is stored (and given an id). */
export interface DraftFinding {
  source: ValidatorName;
  rule: string | null;
  type: SemanticErrorType;
  severity: FindingSeverity;
  explanation: string;
  suggestion: string | null;
  /** The same explanation and suggestion in each language of the web app, when the validator has them. */
  translations: FindingTranslations | null;
  evidence: string | null;
  relatedTermIds: string[];
}

export interface ValidatorRun {
  /** Which use case runs the validator: the `endpoint` label of the LLM metrics. */
  endpoint: LlmEndpoint;
  /** Aborts in-flight work (server shutdown). */
  signal?: AbortSignal | undefined;
  /** Epoch milliseconds after which no new attempt starts and the current one is cut short. */
  deadline?: number | undefined;
}

export interface ValidatorFailure {
  reason: LlmFailureReason;
  message: string;
  /** Worth trying again later (a background job reschedules itself). */
  retryable: boolean;
  /** The server asked to wait at least this long (429 Retry-After), or the breaker's remaining cool-down. */
  retryAfterMs: number | null;
}

export interface ValidatorOutcome {
  validator: ValidatorName;
  status: ValidationStatus;
  findings: DraftFinding[];
  failure: ValidatorFailure | null;
  model: string | null;
  promptVersion: string | null;
  usage: { promptTokens: number; completionTokens: number } | null;
  /** HTTP attempts made (0 for the rules, or when the circuit was open). */
  attempts: number;
  latencyMs: number;
  /** The model's unusable answer, kept for diagnosis. */
  rawOutput: string | null;
}

export interface Validator {
  readonly name: ValidatorName;
  validate(subject: ValidationSubject, run: ValidatorRun): Promise<ValidatorOutcome>;
}

// ---- LLM -----------------------------------------------------------------------------------------

export interface LlmMessage {
  role: 'system' | 'user';
  content: string;
}

export interface LlmRequest {
  messages: LlmMessage[];
  /** The JSON Schema the answer must follow, sent as structured output when the server supports it. */
  responseSchema: { name: string; schema: Record<string, unknown> };
  temperature: number;
}

export interface LlmCompletion {
  content: string | null;
  /** Set when the model declined to answer (OpenAI structured outputs). */
  refusal: string | null;
  finishReason: string | null;
  usage: { promptTokens: number; completionTokens: number } | null;
}

/** Transport-level failures of one attempt, classified once by the adapter. */
export type LlmCallFailureReason =
  'timeout' | 'rate_limited' | 'server_error' | 'network' | 'rejected' | 'aborted';

export class LlmCallError extends Error {
  override name = 'LlmCallError';
  readonly reason: LlmCallFailureReason;
  readonly status: number | null;
  readonly retryAfterMs: number | null;

  constructor(
    reason: LlmCallFailureReason,
    message: string,
    details: { status?: number | null; retryAfterMs?: number | null; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
    this.reason = reason;
    this.status = details.status ?? null;
    this.retryAfterMs = details.retryAfterMs ?? null;
  }
}

export interface LlmClient {
  readonly model: string;
  /** One attempt, no retries: resilience is layered on top (retry, circuit breaker). */
  complete(
    request: LlmRequest,
    options: { timeoutMs: number; signal?: AbortSignal | undefined },
  ): Promise<LlmCompletion>;
}
