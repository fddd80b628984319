import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { MetricsConfig } from '../platform/config.ts';
import type { Registry } from 'prom-client';
import { errors, PROBLEM_CONTENT_TYPE } from '../platform/errors.ts';
import { bearerMatches } from './metrics-auth.ts';

/**
 * A second, tiny server for `/metrics` on an internal port (METRICS_PORT), so the public port never
 * exposes it. It shares the app's registry and is started and closed with the app.
 */
export function attachMetricsServer(
  app: FastifyInstance,
  {
    registry,
    config,
    logger,
  }: { registry: Registry; config: MetricsConfig & { port: number }; logger: Logger },
): void {
  let server: FastifyInstance | null = null;
  app.addHook('onReady', async () => {
    server = Fastify({ logger: false });
    server.get('/metrics', async (request, reply) => {
      if (config.token !== null && !bearerMatches(request.headers.authorization, config.token)) {
        const problem = errors.unauthenticated('The metrics token is required.');
        return reply.code(401).headers(problem.headers).type(PROBLEM_CONTENT_TYPE).send(problem.toProblem());
      }
      return reply.type(registry.contentType).send(await registry.metrics());
    });
    const address = await server.listen({ host: config.host, port: config.port });
    logger.info(`metrics on ${address}/metrics (internal port)`);
  });
  app.addHook('onClose', async () => {
    await server?.close();
  });
}
