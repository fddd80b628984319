import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../platform/errors.ts';
import type { MetricsSource } from '../platform/metrics-source.ts';
import { bearerMatches } from './metrics-auth.ts';

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
  {
    adminOnly,
    requireAdmin,
  }: {
    adminOnly: boolean;
    /** Throws unless the caller (already authenticated by the scope's guard) is an administrator. */
    requireAdmin: (request: FastifyRequest) => unknown;
  },
): Promise<void> {
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
