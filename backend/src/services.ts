import type { Logger } from 'pino';
import { configuredProviders } from './auth/oauth/providers.ts';
import { oauthRepository } from './auth/oauth/repository.ts';
import { OAuthService } from './auth/oauth/service.ts';
import { PostgresRateLimiter } from './auth/rate-limiter.ts';
import { authRepository } from './auth/repository.ts';
import { AuthService } from './auth/service.ts';
import { AccessTokens } from './auth/tokens.ts';
import { createGraphRuntime, type GraphRuntime } from './graph/runtime.ts';
import { revisionRecorder } from './history/recorder.ts';
import { auditRecorder } from './audit/recorder.ts';
import { auditRepository } from './audit/repository.ts';
import { AuditService } from './audit/service.ts';
import { approvalGate } from './review/approvals.ts';
import { publicationReader } from './review/publication.ts';
import { reviewRepository } from './review/repository.ts';
import { ReviewService } from './review/service.ts';
import { releasesRepository } from './releases/repository.ts';
import { ReleasesService } from './releases/service.ts';
import { webhooksRepository } from './webhooks/repository.ts';
import { WebhooksService } from './webhooks/service.ts';
import { WebhookWorker } from './webhooks/worker.ts';
import { historyRepository } from './history/repository.ts';
import { HistoryService } from './history/service.ts';
import { GraphService } from './graph/service.ts';
import { createMetrics, registerPoolMetrics, type Metrics } from './observability/metrics.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import type { Config } from './platform/config.ts';
import type { Database, Db } from './platform/database/client.ts';
import { relationsRepository } from './relations/repository.ts';
import { RelationsService } from './relations/service.ts';
import { systemRepository } from './system/repository.ts';
import { SystemService } from './system/service.ts';
import { termReader, termReviewStatus } from './terms/reader.ts';
import { conceptPartsRepository } from './terms/parts-repository.ts';
import { termsRepository } from './terms/repository.ts';
import { TermsService } from './terms/service.ts';
import { jobsRepository } from './validation/jobs/repository.ts';
import { ValidationWorker } from './validation/jobs/worker.ts';
import { CircuitBreaker } from './platform/resilience/circuit-breaker.ts';
import { LlmValidator } from './validation/llm/llm-validator.ts';
import { OpenAiLlmClient } from './validation/llm/openai-client.ts';
import { RuleValidator } from './validation/rules/rule-validator.ts';
import { validationRepository } from './validation/repository.ts';
import { ValidationService } from './validation/service.ts';
import { vocabularyReader } from './vocabularies/reader.ts';
import { vocabulariesRepository } from './vocabularies/repository.ts';
import { VocabulariesService } from './vocabularies/service.ts';

/**
 * The services of one process, built from configuration with no HTTP in sight: the app registers routes
 * over them, and the CLI uses the ones it needs. Each service gets its repositories' database and its
 * ports by constructor.
 */
export interface Services {
  metrics: Metrics;
  accessTokens: AccessTokens;
  auth: AuthService;
  oauth: OAuthService;
  validation: { service: ValidationService; worker: ValidationWorker };
  graph: GraphRuntime;
  graphTraversal: GraphService;
  terms: TermsService;
  review: ReviewService;
  releases: ReleasesService;
  webhooks: { service: WebhooksService; worker: WebhookWorker };
  relations: RelationsService;
  history: HistoryService;
  audit: AuditService;
  system: SystemService;
  vocabularies: VocabulariesService;
}

export function buildServices(deps: {
  config: Config;
  database: Database;
  logger: Logger;
  clock?: Clock;
}): Services {
  const { config, database, logger, clock = systemClock } = deps;
  const db = database.db;
  const metrics = createMetrics();
  registerPoolMetrics(metrics, () => database.poolStats());
  const accessTokens = new AccessTokens(config.jwt);
  const auth = new AuthService({
    db,
    repository: authRepository,
    accessTokens,
    rateLimiter: new PostgresRateLimiter(db),
    rateLimits: config.rateLimits,
    refreshTokenTtlDays: config.refreshTokenTtlDays,
    metrics,
    audit: auditRecorder,
  });
  const oauth = new OAuthService({
    db,
    repository: oauthRepository,
    users: authRepository,
    providers: configuredProviders(config.oauth),
    auth,
    audit: auditRecorder,
    publicWebUrl: config.publicWebUrl,
    metrics,
  });
  const validation = buildValidation({
    config,
    db,
    logger,
    clock,
    metrics,
    // Background validation gives way to requests waiting for the database.
    databaseBusy: () => database.poolStats().waiting > 0,
  });
  const graph = createGraphRuntime({ config: config.graph, db, logger, metrics, clock });
  const relations = new RelationsService({
    db,
    repository: relationsRepository,
    terms: termReader,
    vocabularies: vocabularyReader,
    validation: validation.service,
    graphChanges: graph.changes,
    revisions: revisionRecorder,
    approvals: approvalGate,
    reviewStatus: termReviewStatus,
    publications: publicationReader,
  });
  const terms = new TermsService({
    db,
    repository: termsRepository,
    parts: conceptPartsRepository,
    vocabularies: vocabularyReader,
    validation: validation.service,
    graphChanges: graph.changes,
    revisions: revisionRecorder,
    relations,
    approvals: approvalGate,
    publications: publicationReader,
  });
  return {
    metrics,
    accessTokens,
    auth,
    oauth,
    validation,
    graph,
    graphTraversal: new GraphService({
      db,
      terms: termReader,
      vocabularies: vocabularyReader,
      store: graph.store,
      metrics: metrics.graph,
      maxNodes: config.graphMaxNodes,
      maxEdges: config.graphMaxEdges,
      publications: publicationReader,
    }),
    terms,
    review: new ReviewService({
      db,
      repository: reviewRepository,
      terms,
      approvals: approvalGate,
      revisions: revisionRecorder,
      vocabularies: vocabularyReader,
    }),
    releases: new ReleasesService({
      db,
      repository: releasesRepository,
      vocabularies: vocabularyReader,
      audit: auditRecorder,
    }),
    webhooks: {
      service: new WebhooksService({
        db,
        repository: webhooksRepository,
        vocabularies: vocabularyReader,
        audit: auditRecorder,
        allowPrivateTargets: config.webhooks.allowPrivateTargets,
      }),
      worker: new WebhookWorker({ db, clock, logger, options: config.webhooks }),
    },
    relations,
    history: new HistoryService({ db, repository: historyRepository, vocabularies: vocabularyReader }),
    audit: new AuditService({ db, repository: auditRepository }),
    system: new SystemService({ database, repository: systemRepository }),
    vocabularies: new VocabulariesService({
      db,
      repository: vocabulariesRepository,
      publicWebUrl: config.publicWebUrl,
      audit: auditRecorder,
    }),
  };
}

/** Definition quality: the rules, the LLM when configured, and the queue worker that runs them later. */
export function buildValidation(deps: {
  config: Config;
  db: Db;
  logger: Logger;
  clock?: Clock;
  metrics?: Metrics;
  databaseBusy?: () => boolean;
}): { service: ValidationService; worker: ValidationWorker } {
  const { config, db, logger, clock = systemClock, metrics = createMetrics() } = deps;
  const llm = config.llm
    ? new LlmValidator({
        client: new OpenAiLlmClient(config.llm),
        breaker: new CircuitBreaker({
          clock,
          failureThreshold: config.llm.circuitFailures,
          cooldownMs: config.llm.circuitCooldownMs,
        }),
        metrics,
        policy: {
          timeoutMs: config.llm.timeoutMs,
          maxAttempts: config.llm.maxAttempts,
          baseDelayMs: config.llm.retryBaseMs,
          maxDelayMs: config.llm.retryMaxMs,
        },
        temperature: config.llm.temperature,
      })
    : null;
  const service = new ValidationService({
    db,
    repository: validationRepository,
    jobs: jobsRepository,
    terms: termReader,
    vocabularies: vocabularyReader,
    rules: new RuleValidator({ metrics }),
    llm,
    clock,
    logger,
    options: {
      syncTimeoutMs: config.validation.syncTimeoutMs,
      jobMaxAttempts: config.validation.jobMaxAttempts,
    },
    audit: auditRecorder,
  });
  const worker = new ValidationWorker({
    db,
    handler: service.runJob,
    clock,
    logger,
    metrics,
    options: {
      pollMs: config.validation.workerPollMs,
      concurrency: config.validation.workerConcurrency,
      backoffMs: config.validation.jobBackoffMs,
      // Long enough for every attempt of the LLM call and the waits between them, with room to spare.
      leaseMs: config.llm
        ? (config.llm.timeoutMs + config.llm.retryMaxMs) * config.llm.maxAttempts + 60_000
        : 60_000,
      retentionDays: config.validation.jobRetentionDays,
    },
    ...(deps.databaseBusy ? { databaseBusy: deps.databaseBusy } : {}),
  });
  return { service, worker };
}
