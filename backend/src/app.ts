import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { authGuard } from './auth/guard.ts';
import { configuredProviders } from './auth/oauth/providers.ts';
import { oauthRoutes } from './auth/oauth/routes.ts';
import { OAuthService } from './auth/oauth/service.ts';
import { PostgresRateLimiter } from './auth/rate-limiter.ts';
import { authRoutes } from './auth/routes.ts';
import { AuthService } from './auth/service.ts';
import { AccessTokens } from './auth/tokens.ts';
import { createGraphRuntime, type GraphRuntime } from './graph/runtime.ts';
import { graphRoutes, termGraphRoutes } from './graph/routes.ts';
import { GraphService } from './graph/service.ts';
import { httpMetricsPlugin } from './observability/http-metrics.ts';
import { attachMetricsServer } from './observability/metrics-server.ts';
import { createMetrics, registerPoolMetrics, type Metrics } from './observability/metrics.ts';
import { debugRoutes, metricsRoutes, type MetricsSource } from './observability/routes.ts';
import { reportError } from './observability/sentry.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import type { Config } from './platform/config.ts';
import type { Database } from './platform/database/client.ts';
import {
  clientErrorHandler,
  errorHandlerPlugin,
  frameworkErrorHandler,
} from './platform/http/error-handler.ts';
import { openApiPlugin } from './platform/http/openapi.ts';
import { securityPlugin } from './platform/http/security.ts';
import { relationRoutes } from './relations/routes.ts';
import { RelationsService } from './relations/service.ts';
import { statsRoutes, systemRoutes } from './system/routes.ts';
import { termRoutes } from './terms/routes.ts';
import { TermsService } from './terms/service.ts';
import { ValidationWorker } from './validation/jobs/worker.ts';
import { CircuitBreaker } from './validation/llm/circuit-breaker.ts';
import { LlmValidator } from './validation/llm/llm-validator.ts';
import { OpenAiLlmClient } from './validation/llm/openai-client.ts';
import { RuleValidator } from './validation/rules/rule-validator.ts';
import { termValidationRoutes, validationStatusRoutes } from './validation/routes.ts';
import { ValidationService } from './validation/service.ts';

export const version: string = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
).version;

export interface AppDependencies {
  config: Config;
  database: Database;
  logger: Logger;
  /** Time as seen by the circuit breaker and the job queue; tests pass a clock they can move. */
  clock?: Clock;
  /** What `/metrics` serves: this app's registry, unless a cluster worker serves every worker's sum. */
  metricsSource?: MetricsSource;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's Prometheus registry and series (served at /metrics by the observability feature). */
    metrics: Metrics;
    validation: { service: ValidationService; worker: ValidationWorker };
    /** Traversal store, outbox recorder and, with a Neo4j mirror, the outbox worker. */
    graph: GraphRuntime;
  }
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** The composition root: builds adapters and services once and hands each route plugin what it uses. */
export async function buildApp({
  config,
  database,
  logger,
  clock = systemClock,
  metricsSource,
}: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    requestTimeout: config.requestTimeoutMs,
    // Accept a caller's request id for tracing across services, but only a well-formed one.
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
    },
    routerOptions: { maxParamLength: 200 },
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    // The error handler refuses requests that arrive while draining, as a problem (see there).
    return503OnClosing: false,
    // One line per request, once it is answered (below), instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  });

  const metrics = createMetrics();
  registerPoolMetrics(metrics, () => database.poolStats());
  const accessTokens = new AccessTokens(config.jwt);
  const authService = new AuthService({
    db: database.db,
    accessTokens,
    rateLimiter: new PostgresRateLimiter(database.db),
    rateLimits: config.rateLimits,
    refreshTokenTtlDays: config.refreshTokenTtlDays,
    metrics,
  });
  const oauthService = new OAuthService({
    db: database.db,
    providers: configuredProviders(config.oauth),
    auth: authService,
    publicWebUrl: config.publicWebUrl,
    metrics,
  });
  const llmValidator = config.llm
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
  const validationService = new ValidationService({
    db: database.db,
    rules: new RuleValidator({ metrics }),
    llm: llmValidator,
    clock,
    logger,
    options: {
      syncTimeoutMs: config.validation.syncTimeoutMs,
      jobMaxAttempts: config.validation.jobMaxAttempts,
    },
  });
  const validationWorker = new ValidationWorker({
    db: database.db,
    handler: validationService.runJob,
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
  });
  app.decorate('metrics', metrics);
  app.decorate('validation', { service: validationService, worker: validationWorker });
  if (config.validation.worker) app.addHook('onReady', async () => validationWorker.start());
  app.addHook('onClose', async () => validationWorker.stop());

  const graph = createGraphRuntime({ config: config.graph, db: database.db, logger, metrics, clock });
  app.decorate('graph', graph);
  // PostgreSQL is the system of record: a mirror that is down never delays start-up or readiness.
  if (graph.outboxWorker && config.graph.outbox.worker) {
    const worker = graph.outboxWorker;
    app.addHook('onReady', async () => worker.start());
  }
  app.addHook('onClose', async () => graph.close());

  const termsService = new TermsService({
    db: database.db,
    validation: validationService,
    graphChanges: graph.changes,
  });
  const relationsService = new RelationsService({ db: database.db, graphChanges: graph.changes });
  const graphService = new GraphService({
    db: database.db,
    store: graph.store,
    metrics: metrics.graph,
    maxNodes: config.graphMaxNodes,
  });

  await app.register(httpMetricsPlugin, { metrics });
  await app.register(errorHandlerPlugin, { report: reportError });
  await app.register(securityPlugin, { corsOrigins: config.corsOrigins, hsts: config.hsts });
  await app.register(openApiPlugin, { version });
  await app.register(systemRoutes, { database, version });
  if (config.metrics.port === null)
    await app.register(metricsRoutes, {
      source: metricsSource ?? metrics.registry,
      token: config.metrics.token,
    });
  else
    attachMetricsServer(app, {
      source: metricsSource ?? metrics.registry,
      config: { ...config.metrics, port: config.metrics.port },
      logger,
    });
  if (config.debugRoutes) await app.register(debugRoutes, { accessTokens, adminOnly: config.isProduction });

  // Everything under /api requires a bearer token unless a route declares itself public.
  await app.register(
    async (api) => {
      await api.register(authGuard, { accessTokens });
      await api.register(authRoutes, { prefix: '/auth', service: authService, oauth: oauthService });
      await api.register(oauthRoutes, { prefix: '/auth/oauth', service: oauthService });
      await api.register(termRoutes, { prefix: '/terms', service: termsService });
      await api.register(relationRoutes, { prefix: '/terms', service: relationsService });
      await api.register(termGraphRoutes, { prefix: '/terms', service: graphService });
      await api.register(graphRoutes, { prefix: '/graph', service: graphService });
      await api.register(termValidationRoutes, { prefix: '/terms', service: validationService });
      await api.register(validationStatusRoutes, { prefix: '/validation', service: validationService });
      await api.register(statsRoutes, { database });
    },
    { prefix: '/api' },
  );

  return app;
}
