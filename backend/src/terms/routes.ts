import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentUser, optionalUser } from '../auth/guard.ts';
import { vocabularySlugParamsSchema } from '../vocabularies/schemas.ts';
import { errors } from '../platform/errors.ts';
import { expectedVersion, ifMatchHeaders } from '../platform/http/if-match.ts';
import { BODY_PROBLEMS, problemResponses } from '../platform/http/problem-responses.ts';
import {
  createTermBodySchema,
  domainListSchema,
  hierarchyPageSchema,
  hierarchyQuerySchema,
  listTermsQuerySchema,
  termIdParamsSchema,
  termPageSchema,
  conceptSchema,
  deleteTermQuerySchema,
  updateTermBodySchema,
  resolveQuerySchema,
  resolvedConceptSchema,
  type Term,
} from './schemas.ts';
import { restoreBodySchema, restoreResultSchema } from '../history/schemas.ts';
import type { TermsService } from './service.ts';

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
        response: { 201: conceptSchema, ...problemResponses(...BODY_PROBLEMS, 401, 403, 404, 409, 503) },
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
        response: { 200: termPageSchema, ...problemResponses(400, 401, 404, 431, 503) },
      },
    },
    async (request) => service.list(request.query, currentUser(request)),
  );

  app.get(
    '/:id',
    {
      schema: {
        tags,
        operationId: 'getTerm',
        summary: 'Read a term (once deleted: 404 `term-deleted`, with its deletion)',
        params: termIdParamsSchema,
        response: { 200: conceptSchema, ...problemResponses(400, 401, 404, 503) },
      },
    },
    async (request, reply) => {
      const term = await service.get(request.params.id, currentUser(request));
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
          200: conceptSchema,
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
        querystring: deleteTermQuerySchema,
        headers: ifMatchHeaders,
        response: {
          204: z.null().meta({ description: 'Deleted: a tombstone revision keeps it, to restore.' }),
          ...problemResponses(...BODY_PROBLEMS, 401, 403, 404, 412, 431, 503),
        },
      },
    },
    async (request, reply) => {
      const expected = expectedVersion(request, undefined);
      await service.delete(request.params.id, currentUser(request), expected?.version, request.query.comment);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/:id/restore',
    {
      schema: {
        tags: ['terms', 'history'],
        operationId: 'restoreTerm',
        summary:
          'Restore the content of an old revision as a new one (a deleted concept too); needs the current version as If-Match or `version`',
        params: termIdParamsSchema,
        headers: ifMatchHeaders,
        body: restoreBodySchema,
        response: {
          200: restoreResultSchema,
          ...problemResponses(...BODY_PROBLEMS, 401, 403, 404, 409, 412, 422, 428, 503),
        },
      },
    },
    async (request, reply) => {
      const expected = expectedVersion(request, request.body.version);
      if (!expected)
        throw errors.preconditionRequired(
          'Say which version you are restoring over: an If-Match header with the ETag you read, or a `version` field (for a deleted concept, the version it was deleted at).',
        );
      const result = await service.restore(request.params.id, request.body, expected, currentUser(request));
      return withEtag(reply, result.concept).send(result);
    },
  );
};

/**
 * Mounted at /api/vocabularies: a vocabulary's concepts, readable without signing in when the vocabulary
 * is public (the /api/terms routes keep the seed's rule: a bearer token for every read).
 */
export const vocabularyTermRoutes: FastifyPluginAsyncZod<{ service: TermsService }> = async (
  app,
  { service },
) => {
  const tags = ['terms', 'vocabularies'];
  app.get(
    '/:slug/terms',
    {
      config: { anonymous: true },
      schema: {
        tags,
        operationId: 'listVocabularyTerms',
        summary: "List and search a vocabulary's terms (public vocabularies without signing in)",
        params: vocabularySlugParamsSchema,
        querystring: listTermsQuerySchema.omit({ vocabulary: true }),
        response: { 200: termPageSchema, ...problemResponses(400, 401, 404, 431, 503) },
      },
    },
    async (request) =>
      service.list({ ...request.query, vocabulary: request.params.slug }, optionalUser(request)),
  );

  app.get(
    '/:slug/hierarchy',
    {
      config: { anonymous: true },
      schema: {
        tags,
        operationId: 'getVocabularyHierarchy',
        summary:
          "One level of a vocabulary's broader/narrower tree: its top concepts, or the narrower concepts of `parent`",
        params: vocabularySlugParamsSchema,
        querystring: hierarchyQuerySchema,
        response: { 200: hierarchyPageSchema, ...problemResponses(400, 401, 404, 431, 503) },
      },
    },
    async (request) => service.hierarchy(request.params.slug, request.query, optionalUser(request)),
  );

  app.get(
    '/:slug/terms/:id',
    {
      config: { anonymous: true },
      schema: {
        tags,
        operationId: 'getVocabularyTerm',
        summary:
          'Read a term of a vocabulary (public vocabularies without signing in); 410 `term-deleted` once deleted',
        params: vocabularySlugParamsSchema.extend(termIdParamsSchema.shape),
        response: { 200: conceptSchema, ...problemResponses(400, 401, 404, 410, 503) },
      },
    },
    async (request, reply) => {
      const term = await service.get(request.params.id, optionalUser(request), request.params.slug);
      return withEtag(reply, term).send(term);
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

/** Mounted at /api/resolve: what a concept IRI names (anonymous for public vocabularies). */
export const resolveRoutes: FastifyPluginAsyncZod<{ service: TermsService }> = async (app, { service }) => {
  app.get(
    '',
    {
      config: { anonymous: true },
      schema: {
        tags: ['terms'],
        operationId: 'resolveIri',
        summary:
          'Resolve a concept IRI: the concept it names, or 410 `term-deleted` with the deletion’s revision',
        querystring: resolveQuerySchema,
        response: { 200: resolvedConceptSchema, ...problemResponses(400, 401, 404, 410, 431, 503) },
      },
    },
    async (request) => service.resolve(request.query.iri, optionalUser(request)),
  );
};
