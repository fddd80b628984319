import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../platform/http/problem-responses.ts';
import type { SystemService } from './service.ts';

export const serviceInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  docs: z.string(),
  openapi: z.string(),
});

/** Liveness, readiness and identity: public, cheap, and outside the /api prefix. */
export const systemRoutes: FastifyPluginAsyncZod<{ service: SystemService; version: string }> = async (
  app,
  { service, version },
) => {
  const tags = ['system'];
  app.get(
    '/',
    {
      config: { public: true },
      schema: {
        tags,
        security: [],
        operationId: 'serviceInfo',
        summary: 'Service name and version',
        response: { 200: serviceInfoSchema, ...problemResponses() },
      },
    },
    async () => ({ name: 'lexikon', version, docs: '/docs', openapi: '/openapi.json' }),
  );

  app.get(
    '/health',
    {
      config: { public: true },
      schema: {
        tags,
        security: [],
        operationId: 'health',
        summary: 'Liveness: the process is up',
        response: { 200: z.object({ status: z.literal('ok') }), ...problemResponses() },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      config: { public: true },
      schema: {
        tags,
        security: [],
        operationId: 'ready',
        summary: 'Readiness: the database answers',
        response: {
          200: z.object({ status: z.literal('ready'), database: z.string() }),
          ...problemResponses(503),
        },
      },
    },
    async () => {
      await service.ready();
      return { status: 'ready' as const, database: service.databaseKind };
    },
  );
};

export const statsSchema = z
  .object({ terms: z.number().int(), relations: z.number().int(), domains: z.number().int() })
  .meta({ id: 'Stats' });

/** Counts for the home page. */
export const statsRoutes: FastifyPluginAsyncZod<{ service: SystemService }> = async (app, { service }) => {
  app.get(
    '/stats',
    {
      // Public: the home page shows how big the vocabulary is before anyone signs in.
      config: { public: true },
      schema: {
        tags: ['system'],
        security: [],
        operationId: 'stats',
        summary: 'How many terms, relations and domains there are',
        response: { 200: statsSchema, ...problemResponses(503) },
      },
    },
    async () => service.counts(),
  );
};
