import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { currentUser, optionalUser } from '../auth/guard.ts';
import { problemResponses } from '../platform/http/problem-responses.ts';
import { termIdParamsSchema } from '../terms/schemas.ts';
import { vocabularySlugParamsSchema } from '../vocabularies/schemas.ts';
import {
  changesPageSchema,
  changesQuerySchema,
  diffQuerySchema,
  historyPageSchema,
  historyQuerySchema,
  revisionDiffSchema,
  revisionParamsSchema,
  revisionSchema,
} from './schemas.ts';
import type { HistoryService } from './service.ts';

/** Mounted at /api/terms: a concept's history, deleted concepts' too. */
export const termHistoryRoutes: FastifyPluginAsyncZod<{ service: HistoryService }> = async (
  app,
  { service },
) => {
  const tags = ['history'];
  app.get(
    '/:id/history',
    {
      schema: {
        tags,
        operationId: 'getTermHistory',
        summary:
          "A concept's revisions, newest first (keyset-paged with `before`), each with what it changed",
        params: termIdParamsSchema,
        querystring: historyQuerySchema,
        response: { 200: historyPageSchema, ...problemResponses(400, 401, 404, 431, 503) },
      },
    },
    async (request) => service.history(request.params.id, request.query, currentUser(request)),
  );

  app.get(
    '/:id/revisions/:revision',
    {
      schema: {
        tags,
        operationId: 'getTermRevision',
        summary: 'One revision of a concept: the whole concept as it was, and what the revision changed',
        params: revisionParamsSchema,
        response: { 200: revisionSchema, ...problemResponses(400, 401, 404, 503) },
      },
    },
    async (request) => service.revision(request.params.id, request.params.revision, currentUser(request)),
  );

  app.get(
    '/:id/diff',
    {
      schema: {
        tags,
        operationId: 'diffTermRevisions',
        summary: 'What changed between two revisions of a concept, field by field',
        params: termIdParamsSchema,
        querystring: diffQuerySchema,
        response: { 200: revisionDiffSchema, ...problemResponses(400, 401, 404, 431, 503) },
      },
    },
    async (request) =>
      service.diff(request.params.id, request.query.from, request.query.to, currentUser(request)),
  );
};

/** Mounted at /api/vocabularies: the change feed, anonymous for public vocabularies. */
export const vocabularyChangesRoutes: FastifyPluginAsyncZod<{ service: HistoryService }> = async (
  app,
  { service },
) => {
  app.get(
    '/:slug/changes',
    {
      config: { anonymous: true },
      schema: {
        tags: ['history', 'vocabularies'],
        operationId: 'listVocabularyChanges',
        summary:
          "A vocabulary's changes after a cursor, oldest first: sync incrementally by passing `next_after` back",
        params: vocabularySlugParamsSchema,
        querystring: changesQuerySchema,
        response: { 200: changesPageSchema, ...problemResponses(400, 401, 404, 431, 503) },
      },
    },
    async (request) => service.changes(request.params.slug, request.query, optionalUser(request)),
  );
};
