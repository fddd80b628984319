import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Metrics } from './metrics.ts';

/**
 * Times and counts every answered request at the root, so routes of every scope (and 404s) are seen.
 * Labels use the route template, never the raw URL: `/api/terms/:id` is one series, not one per term.
 */
export const httpMetricsPlugin = fp(
  async (app: FastifyInstance, { metrics }: { metrics: Metrics }) => {
    app.addHook('onResponse', async (request, reply) => {
      const labels = {
        method: request.method,
        route: request.routeOptions.url ?? 'not_found',
        status_class: `${Math.floor(reply.statusCode / 100)}xx`,
      };
      metrics.http.requests.inc(labels);
      metrics.http.duration.observe(labels, reply.elapsedTime / 1000);
    });
  },
  { name: 'http-metrics' },
);
