import { sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rowsOf, type Database } from '../platform/database/client.ts';
import { problemResponses } from '../platform/http/problem-responses.ts';

export const serviceInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  docs: z.string(),
  openapi: z.string(),
});

/** Liveness, readiness and identity: public, cheap, and outside the /api prefix. */
export const systemRoutes: FastifyPluginAsyncZod<{ database: Database; version: string }> = async (
  app,
  { database, version },
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
      await database.ping(2000).catch((error: unknown) => {
        throw Object.assign(new Error('database unreachable', { cause: error }), { code: 'ECONNREFUSED' });
      });
      return { status: 'ready' as const, database: database.kind };
    },
  );
};

export const statsSchema = z
  .object({ terms: z.number().int(), relations: z.number().int(), domains: z.number().int() })
  .meta({ id: 'Stats' });

/** Counts for the home page. */
export const statsRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
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
    async () => {
      const result = await database.db.execute(sql`
        SELECT (SELECT count(*) FROM terms)::int AS terms,
               (SELECT count(*) FROM relationships)::int AS relations,
               (SELECT count(DISTINCT lexikon_fold(domain)) FROM terms WHERE domain IS NOT NULL)::int AS domains`);
      return rowsOf<{ terms: number; relations: number; domains: number }>(result)[0]!;
    },
  );
};
