import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { currentUser } from '../auth/guard.ts';
import { problemResponses } from '../platform/http/problem-responses.ts';
import { termIdParamsSchema } from '../terms/schemas.ts';
import { subgraphSchema, traversalByNameQuerySchema, traversalQuerySchema } from './schemas.ts';
import type { GraphService } from './service.ts';

export const termGraphRoutes: FastifyPluginAsyncZod<{ service: GraphService }> = async (app, { service }) => {
  app.get(
    '/:id/related',
    {
      schema: {
        tags: ['graph'],
        operationId: 'relatedTerms',
        summary: 'Terms related to this one within `depth` steps, with the relations between them',
        params: termIdParamsSchema,
        querystring: traversalQuerySchema,
        response: { 200: subgraphSchema, ...problemResponses(400, 401, 404, 431, 503) },
      },
    },
    async (request) => service.relatedById(request.params.id, request.query, currentUser(request)),
  );
};

export const graphRoutes: FastifyPluginAsyncZod<{ service: GraphService }> = async (app, { service }) => {
  app.get(
    '/related',
    {
      schema: {
        tags: ['graph'],
        operationId: 'relatedTermsByName',
        summary: 'Traversal from a term given by name (add `domain` when the name exists in several)',
        querystring: traversalByNameQuerySchema,
        response: { 200: subgraphSchema, ...problemResponses(400, 401, 404, 409, 431, 503) },
      },
    },
    async (request) => {
      const { term, domain, ...traversal } = request.query;
      return service.relatedByName(term, domain, traversal, currentUser(request));
    },
  );
};
