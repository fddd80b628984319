import { Counter, Histogram, Registry } from 'prom-client';
import type { LlmFailureReason, SemanticErrorType } from '@lexikon/contracts/validation';

/**
 * The app's Prometheus metrics, in one registry per app (never prom-client's global one, so tests can
 * build several apps side by side). The LLM series keep the names the seed's Python client would have
 * exposed (`llm_requests_total`, `llm_semantic_errors_total`, `llm_response_time_seconds`), so its
 * dashboard queries work unchanged. The rule validator has its own series: mixing deterministic checks
 * into `llm_*` would blur the very ratio the seed wants to watch (semantic errors per LLM request).
 * Serving `/metrics` is the observability feature's job: it reads `registry`.
 */
export interface Metrics {
  registry: Registry;
  llm: {
    /** Every HTTP request sent to the LLM server (each retry counts). */
    requests: Counter<'model' | 'endpoint'>;
    /** Blocking findings (error, warning) in the LLM's verdicts. */
    semanticErrors: Counter<'type'>;
    /** Duration of each request that reached the server, failed or not. */
    responseTime: Histogram<'model'>;
    tokens: Counter<'model' | 'kind'>;
    failures: Counter<'reason'>;
  };
  rules: {
    validations: Counter;
    findings: Counter<'type'>;
  };
  jobs: {
    outcomes: Counter<'outcome'>;
  };
}

/** Endpoint label values: which use case called the LLM. */
export type LlmEndpoint = 'validate_term' | 'validate_term_job';

// Chat completions take from a few hundred milliseconds (small local model) to a minute (long answer).
const LLM_LATENCY_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120];

export function createMetrics(): Metrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    llm: {
      requests: new Counter({
        name: 'llm_requests_total',
        help: 'Requests sent to the LLM, by model and calling endpoint (retries included).',
        labelNames: ['model', 'endpoint'],
        registers,
      }),
      semanticErrors: new Counter({
        name: 'llm_semantic_errors_total',
        help: 'Semantic errors (findings of severity error or warning) reported by the LLM, by type.',
        labelNames: ['type'],
        registers,
      }),
      responseTime: new Histogram({
        name: 'llm_response_time_seconds',
        help: 'Time for the LLM server to answer one request (including error answers).',
        labelNames: ['model'],
        buckets: LLM_LATENCY_BUCKETS,
        registers,
      }),
      tokens: new Counter({
        name: 'llm_tokens_total',
        help: 'Tokens used by LLM requests, as reported by the server (kind = prompt | completion).',
        labelNames: ['model', 'kind'],
        registers,
      }),
      failures: new Counter({
        name: 'llm_failures_total',
        help: 'LLM calls or answers that produced no usable verdict, by reason.',
        labelNames: ['reason'],
        registers,
      }),
    },
    rules: {
      validations: new Counter({
        name: 'rule_validations_total',
        help: 'Runs of the deterministic rule validator.',
        registers,
      }),
      findings: new Counter({
        name: 'rule_findings_total',
        help: 'Findings of the rule validator, by semantic error type.',
        labelNames: ['type'],
        registers,
      }),
    },
    jobs: {
      outcomes: new Counter({
        name: 'validation_jobs_total',
        help: 'Background validation job runs, by outcome (done, retried, failed, skipped).',
        labelNames: ['outcome'],
        registers,
      }),
    },
  };
}

/** Typed label helpers: a typo in a label value would otherwise create a silent new series. */
export function countLlmFailure(metrics: Metrics, reason: LlmFailureReason): void {
  metrics.llm.failures.inc({ reason });
}

export function countRuleFinding(metrics: Metrics, type: SemanticErrorType): void {
  metrics.rules.findings.inc({ type });
}
