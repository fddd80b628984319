import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentUser, optionalUser } from '../auth/guard.ts';
import { vocabularySlugParamsSchema } from '../vocabularies/schemas.ts';
import { BODY_PROBLEMS, problemResponses } from '../platform/http/problem-responses.ts';
import { termIdParamsSchema } from '../terms/schemas.ts';
import {
  createRelationBodySchema,
  relationListSchema,
  relationParamsSchema,
  relationSchema,
} from './schemas.ts';
import type { RelationsService } from './service.ts';

/** Mounted under /api/terms: relations are addressed from the term they start at. */
export const relationRoutes: FastifyPluginAsyncZod<{ service: RelationsService }> = async (
  app,
  { service },
) => {
  const tags = ['relations'];

  app.post(
    '/:id/relations',
    {
      schema: {
        tags,
        operationId: 'createRelation',
        summary: 'Relate this term to another (is_a and part_of must stay acyclic)',
        params: termIdParamsSchema,
        body: createRelationBodySchema,
        response: {
          201: relationSchema,
          ...problemResponses(...BODY_PROBLEMS, 401, 403, 404, 409, 422, 503),
        },
      },
    },
    async (request, reply) => {
      const relation = await service.create(request.params.id, request.body, currentUser(request));
      return reply.code(201).send(relation);
    },
  );

  app.get(
    '/:id/relations',
    {
      schema: {
        tags,
        operationId: 'listRelations',
        summary: 'Relations of this term, outgoing and incoming',
        params: termIdParamsSchema,
        response: { 200: relationListSchema, ...problemResponses(400, 401, 404, 503) },
      },
    },
    async (request) => ({ items: await service.list(request.params.id, currentUser(request)) }),
  );

  app.delete(
    '/:id/relations/:relationId',
    {
      schema: {
        tags,
        operationId: 'deleteRelation',
        summary: 'Remove a relation',
        params: relationParamsSchema,
        response: {
          204: z.null().meta({ description: 'Removed.' }),
          ...problemResponses(...BODY_PROBLEMS, 401, 403, 404, 503),
        },
      },
    },
    async (request, reply) => {
      await service.delete(request.params.id, request.params.relationId, currentUser(request));
      return reply.code(204).send(null);
    },
  );
};

/** Mounted at /api/vocabularies: a concept's relations, readable without signing in in a public vocabulary. */
export const vocabularyRelationRoutes: FastifyPluginAsyncZod<{ service: RelationsService }> = async (
  app,
  { service },
) => {
  app.get(
    '/:slug/terms/:id/relations',
    {
      config: { anonymous: true },
      schema: {
        tags: ['relations', 'vocabularies'],
        operationId: 'listVocabularyTermRelations',
        summary:
          "Relations of a vocabulary's term, outgoing and incoming (public vocabularies without signing in)",
        params: vocabularySlugParamsSchema.extend(termIdParamsSchema.shape),
        response: { 200: relationListSchema, ...problemResponses(400, 401, 404, 503) },
      },
    },
    async (request) => ({
      items: await service.list(request.params.id, optionalUser(request), request.params.slug),
    }),
  );
};
