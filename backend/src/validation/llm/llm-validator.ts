import { blockingSeverities } from '@lexikon/contracts/validation';
import type { Metrics } from '../../observability/metrics.ts';
import {
  LlmCallError,
  type DraftFinding,
  type LlmClient,
  type LlmCompletion,
  type ValidationSubject,
  type Validator,
  type ValidatorFailure,
  type ValidatorOutcome,
  type ValidatorRun,
} from '../ports.ts';
import { backoffDelayMs, sleep as defaultSleep } from '../../platform/resilience/backoff.ts';
import type { CircuitBreaker } from '../../platform/resilience/circuit-breaker.ts';
import { buildPrompt, PROMPT_VERSION } from './prompt.ts';
import { parseVerdict, verdictJsonSchema } from './verdict.ts';

export interface RetryPolicy {
  /** Per attempt. */
  timeoutMs: number;
  maxAttempts: number;
  baseDelayMs: number;
  /** Longest wait between attempts; a server asking for more (Retry-After) is not retried now. */
  maxDelayMs: number;
}

const RETRYABLE = new Set(['timeout', 'rate_limited', 'server_error', 'network']);
const RAW_OUTPUT_LIMIT = 4000;

/**
 * The LLM validator: prompt → bounded retries with backoff, behind the circuit breaker → strict parse of
 * the verdict. It never throws for the LLM's sake: every way the call can go wrong becomes an outcome
 * with a reason (and a metric); only a shutdown abort propagates.
 */
export class LlmValidator implements Validator {
  readonly name = 'llm' as const;
  readonly #client: LlmClient;
  readonly #breaker: CircuitBreaker;
  readonly #metrics: Metrics;
  readonly #policy: RetryPolicy;
  readonly #temperature: number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(deps: {
    client: LlmClient;
    breaker: CircuitBreaker;
    metrics: Metrics;
    policy: RetryPolicy;
    temperature: number;
    sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  }) {
    this.#client = deps.client;
    this.#breaker = deps.breaker;
    this.#metrics = deps.metrics;
    this.#policy = deps.policy;
    this.#temperature = deps.temperature;
    this.#sleep = deps.sleep ?? defaultSleep;
  }

  get model(): string {
    return this.#client.model;
  }

  get breaker(): CircuitBreaker {
    return this.#breaker;
  }

  async validate(subject: ValidationSubject, run: ValidatorRun): Promise<ValidatorOutcome> {
    const started = performance.now();
    const model = this.#client.model;
    const request = {
      messages: buildPrompt(subject),
      responseSchema: { name: 'term_validation', schema: verdictJsonSchema },
      temperature: this.#temperature,
    };
    let attempts = 0;
    let lastError: LlmCallError | null = null;
    const outcome = (partial: Partial<ValidatorOutcome>): ValidatorOutcome => ({
      validator: 'llm',
      status: 'ok',
      findings: [],
      failure: null,
      model,
      promptVersion: PROMPT_VERSION,
      usage: null,
      attempts,
      latencyMs: Math.round(performance.now() - started),
      rawOutput: null,
      ...partial,
    });

    for (let attempt = 1; attempt <= this.#policy.maxAttempts; attempt++) {
      run.signal?.throwIfAborted();
      if (!this.#breaker.tryAcquire()) {
        // A refused retry reports what made the calls fail; a refused first call is the breaker's doing.
        if (lastError) break;
        this.#metrics.llm.failures.inc({ reason: 'circuit_open' });
        return outcome({
          status: 'failed',
          failure: {
            reason: 'circuit_open',
            message: `The LLM is not called for ${Math.ceil(this.#breaker.remainingCooldownMs / 1000)} s after repeated failures (circuit breaker open).`,
            retryable: true,
            retryAfterMs: this.#breaker.remainingCooldownMs,
          },
        });
      }
      const remaining = run.deadline === undefined ? Infinity : run.deadline - Date.now();
      if (remaining <= 0) {
        this.#breaker.release();
        lastError ??= new LlmCallError('timeout', 'No time left to call the LLM.');
        break;
      }

      attempts++;
      this.#metrics.llm.requests.inc({ model, endpoint: run.endpoint });
      const attemptStarted = performance.now();
      let completion: LlmCompletion;
      try {
        completion = await this.#client.complete(request, {
          timeoutMs: Math.max(1, Math.min(this.#policy.timeoutMs, remaining)),
          signal: run.signal,
        });
      } catch (caught) {
        const error =
          caught instanceof LlmCallError
            ? caught
            : new LlmCallError('network', String(caught), { cause: caught });
        if (error.reason === 'aborted') {
          this.#breaker.release();
          run.signal?.throwIfAborted();
          throw error;
        }
        this.#metrics.llm.responseTime.observe({ model }, (performance.now() - attemptStarted) / 1000);
        this.#metrics.llm.failures.inc({ reason: error.reason });
        lastError = error;
        if (!RETRYABLE.has(error.reason)) {
          // The server is up and said no (bad key, unknown model): not a health signal, not worth retrying.
          this.#breaker.release();
          break;
        }
        this.#breaker.failure();
        if (attempt === this.#policy.maxAttempts) break;
        const delay = Math.max(
          backoffDelayMs(attempt, { baseMs: this.#policy.baseDelayMs, maxMs: this.#policy.maxDelayMs }),
          error.retryAfterMs ?? 0,
        );
        if (delay > this.#policy.maxDelayMs || Date.now() + delay >= (run.deadline ?? Infinity)) break;
        await this.#sleep(delay, run.signal);
        continue;
      }

      this.#metrics.llm.responseTime.observe({ model }, (performance.now() - attemptStarted) / 1000);
      this.#breaker.success();
      const usage = completion.usage;
      if (usage) {
        this.#metrics.llm.tokens.inc({ model, kind: 'prompt' }, usage.promptTokens);
        this.#metrics.llm.tokens.inc({ model, kind: 'completion' }, usage.completionTokens);
      }
      return this.#interpret(completion, outcome);
    }

    const error = lastError ?? new LlmCallError('network', 'The LLM call failed.');
    const failure: ValidatorFailure = {
      reason: error.reason === 'aborted' ? 'network' : error.reason,
      message: attempts > 1 ? `${error.message} (gave up after ${attempts} attempts)` : error.message,
      retryable: RETRYABLE.has(error.reason),
      retryAfterMs: error.retryAfterMs,
    };
    return outcome({ status: 'failed', failure });
  }

  #interpret(
    completion: LlmCompletion,
    outcome: (partial: Partial<ValidatorOutcome>) => ValidatorOutcome,
  ): ValidatorOutcome {
    const usage = completion.usage;
    const raw = completion.content === null ? null : completion.content.slice(0, RAW_OUTPUT_LIMIT);
    const parsed = completion.refusal
      ? ({ kind: 'malformed', message: `The model declined to answer: ${completion.refusal}` } as const)
      : parseVerdict(completion.content);
    if (parsed.kind !== 'ok') {
      this.#metrics.llm.failures.inc({ reason: parsed.kind });
      const truncated = completion.finishReason === 'length' ? ' The answer was cut off (token limit).' : '';
      return outcome({
        status: parsed.kind,
        usage,
        rawOutput: raw,
        failure: {
          reason: parsed.kind,
          message: parsed.message + truncated,
          retryable: false,
          retryAfterMs: null,
        },
      });
    }
    const findings: DraftFinding[] = parsed.verdict.findings.map((item) => ({
      source: 'llm',
      rule: null,
      type: item.type,
      severity: item.severity,
      explanation: item.explanation,
      suggestion: item.suggestion,
      // The model answers in one language, the definition's.
      translations: null,
      evidence: item.evidence,
      relatedTermIds: [],
    }));
    for (const finding of findings)
      if (blockingSeverities.includes(finding.severity))
        this.#metrics.llm.semanticErrors.inc({ type: finding.type });
    return outcome({ findings, usage });
  }
}
