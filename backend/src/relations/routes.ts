import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentUser } from '../auth/guard.ts';
import { commonProblemResponses, problemSchema } from '../platform/errors.ts';
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
        summary: 'Relate this term to another (is_a and part_of must stay acyclic)',
        params: termIdParamsSchema,
        body: createRelationBodySchema,
        response: {
          201: relationSchema,
          403: problemSchema,
          404: problemSchema,
          409: problemSchema,
          422: problemSchema,
          ...commonProblemResponses,
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
        summary: 'Relations of this term, outgoing and incoming',
        params: termIdParamsSchema,
        response: { 200: relationListSchema, 404: problemSchema, ...commonProblemResponses },
      },
    },
    async (request) => ({ items: await service.list(request.params.id) }),
  );

  app.delete(
    '/:id/relations/:relationId',
    {
      schema: {
        tags,
        summary: 'Remove a relation',
        params: relationParamsSchema,
        response: {
          204: z.null().meta({ description: 'Removed.' }),
          403: problemSchema,
          404: problemSchema,
          ...commonProblemResponses,
        },
      },
    },
    async (request, reply) => {
      await service.delete(request.params.id, request.params.relationId, currentUser(request));
      return reply.code(204).send(null);
    },
  );
};
