import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authGuard, requireAdmin } from '../auth/guard.ts';
import type { AccessTokens } from '../auth/tokens.ts';
import { errors } from '../platform/errors.ts';
import { bearerMatches } from './metrics-auth.ts';

/**
 * Where `/metrics` text comes from: the app's own registry in a single process (a prom-client `Registry`
 * is one), or, in a cluster worker, the sum over every worker that the primary computes.
 */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

/**
 * `GET /metrics` in Prometheus' text format. Hidden from the OpenAPI document: it is for the scraper,
 * not for API clients. With a token configured, only `Authorization: Bearer <token>` gets through.
 */
export async function metricsRoutes(
  app: FastifyInstance,
  { source, token }: { source: MetricsSource; token: string | null },
): Promise<void> {
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (token !== null && !bearerMatches(request.headers.authorization, token))
      throw errors.unauthenticated('The metrics token is required: "Authorization: Bearer <METRICS_TOKEN>".');
    const text = await source.metrics();
    return reply.header('cache-control', 'no-store').type(source.contentType).send(text);
  });
}

/**
 * `GET /debug/error` raises a real unhandled error, to check end to end that a server fault becomes a
 * 500 problem, a log line and an error-tracking event. Outside production it is open; in production it
 * exists only when DEBUG_ROUTES is set, and then only for administrators.
 */
export async function debugRoutes(
  app: FastifyInstance,
  { accessTokens, adminOnly }: { accessTokens: AccessTokens; adminOnly: boolean },
): Promise<void> {
  // The guard runs in both cases: outside production the route is public but still learns who calls
  // (so an error report can carry the user id); in production it demands an administrator.
  await app.register(authGuard, { accessTokens });
  app.get(
    '/debug/error',
    {
      schema: { hide: true },
      config: { public: !adminOnly },
      ...(adminOnly ? { preHandler: async (request: FastifyRequest) => void requireAdmin(request) } : {}),
    },
    async () => {
      throw new Error('Debug error: raised on purpose by GET /debug/error');
    },
  );
}
