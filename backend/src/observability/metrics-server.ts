import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { MetricsConfig } from '../platform/config.ts';
import { AppError, errors, PROBLEM_CONTENT_TYPE } from '../platform/errors.ts';
import { bearerMatches } from './metrics-auth.ts';
import type { MetricsSource } from '../platform/metrics-source.ts';

/**
 * A second, tiny server for `/metrics` on an internal port (METRICS_PORT), so the public port never
 * exposes it. It serves the same source as `/metrics` would (the app's registry, or the cluster's sum) and
 * is started and closed with the app. In a cluster every worker listens on it: node:cluster shares the port.
 */
export function attachMetricsServer(
  app: FastifyInstance,
  {
    source,
    config,
    logger,
  }: { source: MetricsSource; config: MetricsConfig & { port: number }; logger: Logger },
): void {
  let server: FastifyInstance | null = null;
  app.addHook('onReady', async () => {
    server = Fastify({ logger: false });
    // This bare server has no error handler plugin: problems are answered here, in the same format.
    const sendProblem = (reply: FastifyReply, problem: AppError) =>
      reply
        .code(problem.status)
        .headers(problem.headers)
        .type(PROBLEM_CONTENT_TYPE)
        .send(problem.toProblem());
    server.get('/metrics', async (request, reply) => {
      if (config.token !== null && !bearerMatches(request.headers.authorization, config.token))
        return sendProblem(reply, errors.unauthenticated('The metrics token is required.'));
      let text: string;
      try {
        text = await source.metrics();
      } catch (error) {
        if (error instanceof AppError) return sendProblem(reply, error);
        throw error;
      }
      return reply.type(source.contentType).send(text);
    });
    const address = await server.listen({ host: config.host, port: config.port });
    logger.info(`metrics on ${address}/metrics (internal port)`);
  });
  app.addHook('onClose', async () => {
    await server?.close();
  });
}
