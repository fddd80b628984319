import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { authGuard, requireAdmin } from './auth/guard.ts';
import { oauthRoutes } from './auth/oauth/routes.ts';
import { authRoutes } from './auth/routes.ts';
import type { GraphRuntime } from './graph/runtime.ts';
import { graphRoutes, termGraphRoutes } from './graph/routes.ts';
import { httpMetricsPlugin } from './observability/http-metrics.ts';
import { attachMetricsServer } from './observability/metrics-server.ts';
import type { Metrics } from './observability/metrics.ts';
import { debugRoutes, metricsRoutes } from './observability/routes.ts';
import { reportError } from './observability/sentry.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import type { MetricsSource } from './platform/metrics-source.ts';
import type { Config } from './platform/config.ts';
import type { Database } from './platform/database/client.ts';
import {
  clientErrorHandler,
  errorHandlerPlugin,
  frameworkErrorHandler,
} from './platform/http/error-handler.ts';
import { deadlinePlugin } from './platform/http/deadline.ts';
import { openApiPlugin } from './platform/http/openapi.ts';
import { securityPlugin } from './platform/http/security.ts';
import { relationRoutes, vocabularyRelationRoutes } from './relations/routes.ts';
import { statsRoutes, systemRoutes } from './system/routes.ts';
import { domainRoutes, resolveRoutes, termRoutes, vocabularyTermRoutes } from './terms/routes.ts';
import type { ValidationWorker } from './validation/jobs/worker.ts';
import { termValidationRoutes, validationStatusRoutes } from './validation/routes.ts';
import type { ValidationService } from './validation/service.ts';
import { termHistoryRoutes, vocabularyChangesRoutes } from './history/routes.ts';
import { auditRoutes } from './audit/routes.ts';
import { reviewQueueRoutes, termReviewRoutes } from './review/routes.ts';
import { releaseRoutes } from './releases/routes.ts';
import { webhookRoutes } from './webhooks/routes.ts';
import { runWithRequestContext } from './platform/request-context.ts';
import { buildServices } from './services.ts';
import { vocabularyRoutes } from './vocabularies/routes.ts';

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
    // Receiving the request within REQUEST_TIMEOUT_MS; answering it too, see platform/http/deadline.ts.
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

  // Where the request came from, for the audit log, without passing it through every service call.
  app.addHook('onRequest', (request, _reply, done) =>
    runWithRequestContext({ sourceAddress: request.ip }, done),
  );
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  });

  const services = buildServices({ config, database, logger, clock });
  const { metrics, accessTokens, graph } = services;
  app.decorate('metrics', metrics);
  app.decorate('validation', services.validation);
  app.decorate('graph', graph);
  // Background work starts once the app is ready and stops before the database closes. PostgreSQL is
  // the system of record: a mirror that is down never delays start-up or readiness.
  if (config.validation.worker) app.addHook('onReady', async () => services.validation.worker.start());
  app.addHook('onClose', async () => services.validation.worker.stop());
  if (config.webhooks.worker) app.addHook('onReady', async () => services.webhooks.worker.start());
  app.addHook('onClose', async () => services.webhooks.worker.stop());
  if (graph.outboxWorker && config.graph.outbox.worker) {
    const worker = graph.outboxWorker;
    app.addHook('onReady', async () => worker.start());
  }
  app.addHook('onClose', async () => graph.close());
  const {
    auth: authService,
    oauth: oauthService,
    terms: termsService,
    relations: relationsService,
    graphTraversal: graphService,
  } = services;

  await app.register(httpMetricsPlugin, { metrics });
  await app.register(errorHandlerPlugin, {
    report: reportError,
    countDatabaseError: (kind) => metrics.db.queryErrors.inc({ kind }),
  });
  await app.register(deadlinePlugin, { timeoutMs: config.requestTimeoutMs });
  await app.register(securityPlugin, { corsOrigins: config.corsOrigins, hsts: config.hsts });
  await app.register(openApiPlugin, { version });
  await app.register(systemRoutes, { service: services.system, version });
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
  // The guard runs in both cases: outside production the route is public but still learns who calls
  // (so an error report can carry the user id); in production it demands an administrator.
  if (config.debugRoutes)
    await app.register(async (debug) => {
      await debug.register(authGuard, { accessTokens });
      await debug.register(debugRoutes, { adminOnly: config.isProduction, requireAdmin });
    });

  // Everything under /api requires a bearer token unless a route declares itself public.
  await app.register(
    async (api) => {
      await api.register(authGuard, { accessTokens });
      await api.register(authRoutes, { prefix: '/auth', service: authService, oauth: oauthService });
      await api.register(oauthRoutes, { prefix: '/auth/oauth', service: oauthService });
      await api.register(vocabularyRoutes, { prefix: '/vocabularies', service: services.vocabularies });
      await api.register(vocabularyTermRoutes, { prefix: '/vocabularies', service: termsService });
      await api.register(vocabularyRelationRoutes, { prefix: '/vocabularies', service: relationsService });
      await api.register(termRoutes, { prefix: '/terms', service: termsService });
      await api.register(domainRoutes, { prefix: '/domains', service: termsService });
      await api.register(relationRoutes, { prefix: '/terms', service: relationsService });
      await api.register(termHistoryRoutes, { prefix: '/terms', service: services.history });
      await api.register(auditRoutes, { prefix: '/audit', service: services.audit });
      await api.register(termReviewRoutes, { prefix: '/terms', service: services.review });
      await api.register(reviewQueueRoutes, { prefix: '/review', service: services.review });
      await api.register(releaseRoutes, { prefix: '/vocabularies', service: services.releases });
      await api.register(resolveRoutes, { prefix: '/resolve', service: services.terms });
      await api.register(webhookRoutes, { prefix: '/vocabularies', service: services.webhooks.service });
      await api.register(vocabularyChangesRoutes, { prefix: '/vocabularies', service: services.history });
      await api.register(termGraphRoutes, { prefix: '/terms', service: graphService });
      await api.register(graphRoutes, { prefix: '/graph', service: graphService });
      await api.register(termValidationRoutes, { prefix: '/terms', service: services.validation.service });
      await api.register(validationStatusRoutes, {
        prefix: '/validation',
        service: services.validation.service,
      });
      await api.register(statsRoutes, { service: services.system });
    },
    { prefix: '/api' },
  );

  return app;
}
