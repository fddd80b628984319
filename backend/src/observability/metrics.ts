import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
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
  http: {
    /** `route` is the route template (`/api/terms/:id`), never the raw URL: ids would explode cardinality. */
    duration: Histogram<'method' | 'route' | 'status_class'>;
    requests: Counter<'method' | 'route' | 'status_class'>;
  };
  db: {
    /** Database failures that reached the error handler, by `classifyDatabaseError` kind. */
    queryErrors: Counter<'kind'>;
  };
  auth: {
    attempts: Counter<'method' | 'outcome'>;
    rateLimitRejections: Counter<'limit'>;
  };
  graph: GraphMetrics;
}

/** The graph feature: which engine answers traversals, and how the Neo4j mirror keeps up. */
export interface GraphMetrics {
  traversals: Counter<'engine'>;
  /** Traversals meant for Neo4j that PostgreSQL answered, by reason. */
  fallbacks: Counter<'reason'>;
  outboxApplied: Counter;
  /** Row-level failures: `retried` (will be tried again) or `failed` (set aside after its last attempt). */
  outboxFailed: Counter<'outcome'>;
  /** 1 when the last call to the mirror succeeded, 0 when it could not reach it. */
  neo4jUp: Gauge<'mirror'>;
}

export type TraversalFallbackReason = 'unavailable' | 'rebuilding' | 'not_mirrored' | 'error';

export type AuthMethod = 'password' | 'refresh' | 'github' | 'google';
export type RateLimitName = 'login_ip' | 'login_account' | 'register_ip';

/** Endpoint label values: which use case called the LLM. */
export type LlmEndpoint = 'validate_term' | 'validate_term_job';

// Chat completions take from a few hundred milliseconds (small local model) to a minute (long answer).
const LLM_LATENCY_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120];

// API requests: most answer in milliseconds; argon2 logins take ~100 ms; validation with an LLM takes seconds.
const HTTP_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createMetrics(): Metrics {
  const registry = new Registry();
  const registers = [registry];
  // Process and runtime series (CPU, memory, event-loop lag, GC), bound to this registry: the registry is
  // new, so this runs exactly once for it.
  collectDefaultMetrics({ register: registry });
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
    http: {
      duration: new Histogram({
        name: 'http_request_duration_seconds',
        help: 'Time to answer an HTTP request, by method, route template and status class.',
        labelNames: ['method', 'route', 'status_class'],
        buckets: HTTP_LATENCY_BUCKETS,
        registers,
      }),
      requests: new Counter({
        name: 'http_requests_total',
        help: 'HTTP requests answered, by method, route template and status class (2xx…5xx).',
        labelNames: ['method', 'route', 'status_class'],
        registers,
      }),
    },
    db: {
      queryErrors: new Counter({
        name: 'db_query_errors_total',
        help: 'Database failures that failed a request, by kind (unavailable, serialization-failure…).',
        labelNames: ['kind'],
        registers,
      }),
    },
    auth: {
      attempts: new Counter({
        name: 'auth_attempts_total',
        help: 'Sign-in and token refresh attempts, by method and outcome (rate-limited attempts fail).',
        labelNames: ['method', 'outcome'],
        registers,
      }),
      rateLimitRejections: new Counter({
        name: 'rate_limit_rejections_total',
        help: 'Requests refused by a rate limit, by limit.',
        labelNames: ['limit'],
        registers,
      }),
    },
    graph: {
      traversals: new Counter({
        name: 'graph_traversals_total',
        help: 'Graph traversals answered, by the engine that answered (postgres, neo4j).',
        labelNames: ['engine'],
        registers,
      }),
      fallbacks: new Counter({
        name: 'graph_traversal_fallbacks_total',
        help: 'Traversals meant for Neo4j answered by PostgreSQL, by reason (unavailable, rebuilding, not_mirrored, error).',
        labelNames: ['reason'],
        registers,
      }),
      outboxApplied: new Counter({
        name: 'graph_outbox_applied_total',
        help: 'Graph outbox rows applied to the Neo4j mirror.',
        registers,
      }),
      outboxFailed: new Counter({
        name: 'graph_outbox_failed_total',
        help: 'Graph outbox rows the mirror rejected, by outcome (retried, failed: set aside).',
        labelNames: ['outcome'],
        registers,
      }),
      neo4jUp: new Gauge({
        name: 'graph_neo4j_up',
        help: 'Whether the last call to the graph mirror reached it (1) or not (0). Absent without a mirror.',
        labelNames: ['mirror'],
        // Several API processes: any one that cannot reach Neo4j makes the sum say so.
        aggregator: 'min',
        registers,
      }),
    },
  };
}

/**
 * The outbox's backlog, read from PostgreSQL at scrape time (only when a mirror is configured). Every
 * process sees the same table, so a cluster reports the value once, not summed.
 */
export function registerGraphOutboxMetrics(
  metrics: Metrics,
  stats: () => Promise<{ pending: number; failed: number; lagSeconds: number }>,
): void {
  const registers = [metrics.registry];
  // One read per scrape, shared by the three gauges (collect() runs for each of them).
  let reading: Promise<{ pending: number; failed: number; lagSeconds: number } | null> | null = null;
  const read = () => {
    reading ??= stats()
      .catch(() => null)
      .finally(() => setTimeout(() => (reading = null), 100).unref());
    return reading;
  };
  const gauge = (
    name: string,
    help: string,
    pick: (s: { pending: number; failed: number; lagSeconds: number }) => number,
  ) =>
    new Gauge({
      name,
      help,
      aggregator: 'max',
      registers,
      async collect() {
        // The database being down must not break the scrape: the gauge keeps its last value.
        const value = await read();
        if (value) this.set(pick(value));
      },
    });
  gauge('graph_outbox_pending_rows', 'Graph outbox rows waiting to be applied to Neo4j.', (s) => s.pending);
  gauge(
    'graph_outbox_lag_seconds',
    'Age of the oldest graph outbox row still waiting to be applied (0 when none).',
    (s) => s.lagSeconds,
  );
  gauge(
    'graph_outbox_failed_rows',
    'Graph outbox rows set aside after their last attempt (kept; `lexikon graph resync` supersedes them).',
    (s) => s.failed,
  );
}

/** Pool gauges read at scrape time, so they never go stale between requests. */
export function registerPoolMetrics(
  metrics: Metrics,
  poolStats: () => { total: number; idle: number; waiting: number },
): void {
  new Gauge({
    name: 'db_pool_connections',
    help: 'Database pool connections by state (total, idle, waiting clients); PGlite reports one.',
    labelNames: ['state'],
    registers: [metrics.registry],
    collect() {
      const stats = poolStats();
      this.set({ state: 'total' }, stats.total);
      this.set({ state: 'idle' }, stats.idle);
      this.set({ state: 'waiting' }, stats.waiting);
    },
  });
}

/** Counts one attempt whatever way `work` ends, and passes its result or error through. */
export async function countAuthAttempt<T>(
  metrics: Metrics | undefined,
  method: AuthMethod,
  work: () => Promise<T>,
): Promise<T> {
  try {
    const result = await work();
    metrics?.auth.attempts.inc({ method, outcome: 'success' });
    return result;
  } catch (error) {
    metrics?.auth.attempts.inc({ method, outcome: 'failure' });
    throw error;
  }
}

/** Typed label helpers: a typo in a label value would otherwise create a silent new series. */
export function countLlmFailure(metrics: Metrics, reason: LlmFailureReason): void {
  metrics.llm.failures.inc({ reason });
}

export function countRuleFinding(metrics: Metrics, type: SemanticErrorType): void {
  metrics.rules.findings.inc({ type });
}
