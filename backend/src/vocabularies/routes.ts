import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentUser, optionalUser } from '../auth/guard.ts';
import { errors } from '../platform/errors.ts';
import { expectedVersion, ifMatchHeaders } from '../platform/http/if-match.ts';
import { BODY_PROBLEMS, problemResponses } from '../platform/http/problem-responses.ts';
import {
  changeRoleBodySchema,
  createVocabularyBodySchema,
  grantRoleBodySchema,
  memberListSchema,
  memberParamsSchema,
  memberSchema,
  updateVocabularyBodySchema,
  vocabularyListSchema,
  vocabularySchema,
  vocabularySlugParamsSchema,
  type Vocabulary,
} from './schemas.ts';
import type { VocabulariesService } from './service.ts';

/** Mounted at /api/vocabularies. */
export const vocabularyRoutes: FastifyPluginAsyncZod<{ service: VocabulariesService }> = async (
  app,
  { service },
) => {
  const tags = ['vocabularies'];

  app.get(
    '',
    {
      config: { anonymous: true },
      schema: {
        tags,
        operationId: 'listVocabularies',
        summary: 'The vocabularies the caller may read (public ones without signing in)',
        response: { 200: vocabularyListSchema, ...problemResponses(401, 503) },
      },
    },
    async (request) => ({ items: await service.list(optionalUser(request)) }),
  );

  app.post(
    '',
    {
      schema: {
        tags,
        operationId: 'createVocabulary',
        summary: 'Create a vocabulary (the caller becomes its owner)',
        body: createVocabularyBodySchema,
        response: { 201: vocabularySchema, ...problemResponses(...BODY_PROBLEMS, 401, 409, 503) },
      },
    },
    async (request, reply) => {
      const vocabulary = await service.create(request.body, currentUser(request));
      return withEtag(reply, vocabulary)
        .code(201)
        .header('location', `/api/vocabularies/${vocabulary.slug}`)
        .send(vocabulary);
    },
  );

  app.get(
    '/:slug',
    {
      config: { anonymous: true },
      schema: {
        tags,
        operationId: 'getVocabulary',
        summary: "Read a vocabulary, with the caller's role and permissions in it",
        params: vocabularySlugParamsSchema,
        response: { 200: vocabularySchema, ...problemResponses(400, 401, 404, 503) },
      },
    },
    async (request, reply) => {
      const vocabulary = await service.get(request.params.slug, optionalUser(request));
      return withEtag(reply, vocabulary).send(vocabulary);
    },
  );

  app.patch(
    '/:slug',
    {
      schema: {
        tags,
        operationId: 'updateVocabulary',
        summary: "Change a vocabulary's settings (owners); needs the edited version as If-Match or `version`",
        params: vocabularySlugParamsSchema,
        headers: ifMatchHeaders,
        body: updateVocabularyBodySchema,
        response: {
          200: vocabularySchema,
          ...problemResponses(...BODY_PROBLEMS, 401, 403, 404, 409, 412, 428, 503),
        },
      },
    },
    async (request, reply) => {
      const expected = expectedVersion(request, request.body.version);
      if (!expected)
        throw errors.preconditionRequired(
          'Say which version you edited: send an If-Match header with the ETag you read, or a `version` field.',
        );
      const vocabulary = await service.update(
        request.params.slug,
        request.body,
        expected.version,
        currentUser(request),
      );
      return withEtag(reply, vocabulary).send(vocabulary);
    },
  );

  app.delete(
    '/:slug',
    {
      schema: {
        tags,
        operationId: 'deleteVocabulary',
        summary: 'Delete an empty vocabulary (owners)',
        params: vocabularySlugParamsSchema,
        headers: ifMatchHeaders,
        response: {
          204: z.null().meta({ description: 'Deleted.' }),
          ...problemResponses(400, 401, 403, 404, 409, 412, 503),
        },
      },
    },
    async (request, reply) => {
      const expected = expectedVersion(request, undefined);
      await service.delete(request.params.slug, currentUser(request), expected?.version);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/:slug/members',
    {
      schema: {
        tags,
        operationId: 'listVocabularyMembers',
        summary: 'Members and their roles, with who granted them',
        params: vocabularySlugParamsSchema,
        response: { 200: memberListSchema, ...problemResponses(400, 401, 404, 503) },
      },
    },
    async (request) => ({ items: await service.members(request.params.slug, currentUser(request)) }),
  );

  app.post(
    '/:slug/members',
    {
      schema: {
        tags,
        operationId: 'grantVocabularyRole',
        summary: 'Grant a role to a user, named by e-mail or id (owners); changes it if they have one',
        params: vocabularySlugParamsSchema,
        body: grantRoleBodySchema,
        response: { 200: memberSchema, ...problemResponses(...BODY_PROBLEMS, 401, 403, 404, 409, 503) },
      },
    },
    async (request) => service.grant(request.params.slug, request.body, currentUser(request)),
  );

  app.put(
    '/:slug/members/:userId',
    {
      schema: {
        tags,
        operationId: 'changeVocabularyRole',
        summary: "Change a member's role (owners)",
        params: memberParamsSchema,
        body: changeRoleBodySchema,
        response: { 200: memberSchema, ...problemResponses(...BODY_PROBLEMS, 401, 403, 404, 409, 503) },
      },
    },
    async (request) =>
      service.changeRole(request.params.slug, request.params.userId, request.body.role, currentUser(request)),
  );

  app.delete(
    '/:slug/members/:userId',
    {
      schema: {
        tags,
        operationId: 'revokeVocabularyRole',
        summary: 'Revoke a role (owners), or leave a vocabulary (oneself)',
        params: memberParamsSchema,
        response: {
          204: z.null().meta({ description: 'Revoked.' }),
          ...problemResponses(400, 401, 403, 404, 409, 503),
        },
      },
    },
    async (request, reply) => {
      await service.revoke(request.params.slug, request.params.userId, currentUser(request));
      return reply.code(204).send(null);
    },
  );
};

function withEtag(reply: FastifyReply, vocabulary: Vocabulary): FastifyReply {
  return reply.header('etag', `"${vocabulary.version}"`);
}
