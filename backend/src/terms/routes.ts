import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentUser } from '../auth/guard.ts';
import { errors } from '../platform/errors.ts';
import { BODY_PROBLEMS, problemResponses } from '../platform/http/problem-responses.ts';
import {
  createTermBodySchema,
  domainListSchema,
  listTermsQuerySchema,
  termIdParamsSchema,
  termPageSchema,
  termSchema,
  updateTermBodySchema,
  type Term,
} from './schemas.ts';
import type { TermsService } from './service.ts';

const ifMatchHeaders = z.object({
  'if-match': z
    .string()
    .max(100)
    .optional()
    .meta({ description: 'ETag of the version being changed, e.g. "3".' }),
});

export const termRoutes: FastifyPluginAsyncZod<{ service: TermsService }> = async (app, { service }) => {
  const tags = ['terms'];

  app.post(
    '',
    {
      schema: {
        tags,
        operationId: 'createTerm',
        summary: 'Create a term',
        body: createTermBodySchema,
        response: { 201: termSchema, ...problemResponses(...BODY_PROBLEMS, 401, 409, 503) },
      },
    },
    async (request, reply) => {
      const term = await service.create(request.body, currentUser(request));
      return withEtag(reply, term).code(201).header('location', `/api/terms/${term.id}`).send(term);
    },
  );

  app.get(
    '',
    {
      schema: {
        tags,
        operationId: 'listTerms',
        summary: 'List and search terms (keyset pagination)',
        querystring: listTermsQuerySchema,
        response: { 200: termPageSchema, ...problemResponses(400, 401, 431, 503) },
      },
    },
    async (request) => service.list(request.query),
  );

  app.get(
    '/:id',
    {
      schema: {
        tags,
        operationId: 'getTerm',
        summary: 'Read a term',
        params: termIdParamsSchema,
        response: { 200: termSchema, ...problemResponses(400, 401, 404, 503) },
      },
    },
    async (request, reply) => {
      const term = await service.get(request.params.id);
      return withEtag(reply, term).send(term);
    },
  );

  app.patch(
    '/:id',
    {
      schema: {
        tags,
        operationId: 'updateTerm',
        summary: 'Edit a term (creator or admin); needs the edited version as If-Match or `version`',
        params: termIdParamsSchema,
        headers: ifMatchHeaders,
        body: updateTermBodySchema,
        response: {
          200: termSchema,
          ...problemResponses(...BODY_PROBLEMS, 401, 403, 404, 409, 412, 422, 428, 503),
        },
      },
    },
    async (request, reply) => {
      const expected = expectedVersion(request, request.body.version);
      if (!expected)
        throw errors.preconditionRequired(
          'Say which version you edited: send an If-Match header with the ETag you read, or a `version` field.',
        );
      const term = await service.update(request.params.id, request.body, expected, currentUser(request));
      return withEtag(reply, term).send(term);
    },
  );

  app.delete(
    '/:id',
    {
      schema: {
        tags,
        operationId: 'deleteTerm',
        summary: 'Delete a term and its relations (creator or admin)',
        params: termIdParamsSchema,
        headers: ifMatchHeaders,
        response: {
          204: z.null().meta({ description: 'Deleted.' }),
          ...problemResponses(...BODY_PROBLEMS, 401, 403, 404, 412, 503),
        },
      },
    },
    async (request, reply) => {
      const expected = expectedVersion(request, undefined);
      await service.delete(request.params.id, currentUser(request), expected?.version);
      return reply.code(204).send(null);
    },
  );
};

/** Mounted at /api/domains: the domains in use, for suggestions while typing and the list filter. */
export const domainRoutes: FastifyPluginAsyncZod<{ service: TermsService }> = async (app, { service }) => {
  app.get(
    '',
    {
      schema: {
        tags: ['terms'],
        operationId: 'listDomains',
        summary: 'Domains in use (spelled as first entered), with their number of terms',
        response: { 200: domainListSchema, ...problemResponses(401, 503) },
      },
    },
    async () => ({ items: await service.domains() }),
  );
};

function withEtag(reply: FastifyReply, term: Term): FastifyReply {
  return reply.header('etag', `"${term.version}"`);
}

function expectedVersion(
  request: FastifyRequest,
  bodyVersion: number | undefined,
): { version: number; source: 'if-match' | 'body' } | undefined {
  const header = request.headers['if-match'];
  if (typeof header === 'string') {
    const match = /^(?:W\/)?"(\d{1,9})"$/.exec(header.trim());
    if (!match?.[1])
      throw errors.validation([
        { path: 'headers.if-match', message: 'Expected an ETag such as "3", as returned by GET.' },
      ]);
    return { version: Number(match[1]), source: 'if-match' };
  }
  return bodyVersion === undefined ? undefined : { version: bodyVersion, source: 'body' };
}
