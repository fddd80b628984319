import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { currentUser, optionalUser } from '../auth/guard.ts';
import { BODY_PROBLEMS, problemResponses } from '../platform/http/problem-responses.ts';
import { vocabularySlugParamsSchema } from '../vocabularies/schemas.ts';
import {
  compareReleasesParamsSchema,
  createReleaseBodySchema,
  releaseComparisonSchema,
  releaseExportSchema,
  releaseListSchema,
  releaseParamsSchema,
  releaseSchema,
} from './schemas.ts';
import type { ReleasesService } from './service.ts';

/** Mounted at /api/vocabularies: a vocabulary's releases, readable like the vocabulary. */
export const releaseRoutes: FastifyPluginAsyncZod<{ service: ReleasesService }> = async (
  app,
  { service },
) => {
  const tags = ['releases'];

  app.get(
    '/:slug/releases',
    {
      config: { anonymous: true },
      schema: {
        tags,
        operationId: 'listReleases',
        summary: "A vocabulary's releases, newest first",
        params: vocabularySlugParamsSchema,
        response: { 200: releaseListSchema, ...problemResponses(400, 401, 404, 503) },
      },
    },
    async (request) => service.list(request.params.slug, optionalUser(request)),
  );

  app.post(
    '/:slug/releases',
    {
      schema: {
        tags,
        operationId: 'publishRelease',
        summary:
          "Publish a release (owners): the vocabulary's published content frozen under a name, for ever",
        params: vocabularySlugParamsSchema,
        body: createReleaseBodySchema,
        response: { 201: releaseSchema, ...problemResponses(...BODY_PROBLEMS, 401, 403, 404, 409, 422, 503) },
      },
    },
    async (request, reply) => {
      const release = await service.publish(request.params.slug, request.body, currentUser(request));
      return reply
        .code(201)
        .header('location', `/api/vocabularies/${request.params.slug}/releases/${release.name}`)
        .send(release);
    },
  );

  app.get(
    '/:slug/releases/:name',
    {
      config: { anonymous: true },
      schema: {
        tags,
        operationId: 'getRelease',
        summary: 'One release: its name, note, size, digest, who published it and when',
        params: releaseParamsSchema,
        response: { 200: releaseSchema, ...problemResponses(400, 401, 404, 503) },
      },
    },
    async (request) => service.get(request.params.slug, request.params.name, optionalUser(request)),
  );

  app.get(
    '/:slug/releases/:name/export',
    {
      config: { anonymous: true },
      schema: {
        tags,
        operationId: 'exportRelease',
        summary:
          'The whole release as canonical JSON (concepts by IRI), the same bytes every time: their SHA-256 is `content_sha256`',
        params: releaseParamsSchema,
        response: {
          200: releaseExportSchema.describe('Canonical JSON; `ETag` is its SHA-256.'),
          ...problemResponses(400, 401, 404, 503),
        },
      },
    },
    async (request, reply) => {
      const { slug, name } = request.params;
      const exported = await service.export(slug, name, optionalUser(request));
      // Sent as built: re-serialising through the schema would not keep the canonical bytes.
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('etag', `"sha256-${exported.sha256}"`)
        .header('content-disposition', `attachment; filename="${slug}-${name}.json"`)
        .serializer((payload: unknown) => payload as string)
        .send(exported.body as never);
    },
  );

  app.get(
    '/:slug/releases/:name/compare/:other',
    {
      config: { anonymous: true },
      schema: {
        tags,
        operationId: 'compareReleases',
        summary:
          'What changed from release `name` to release `other`: concepts added, changed (field diffs), deprecated, deleted',
        params: compareReleasesParamsSchema,
        response: { 200: releaseComparisonSchema, ...problemResponses(400, 401, 404, 503) },
      },
    },
    async (request) =>
      service.compare(request.params.slug, request.params.name, request.params.other, optionalUser(request)),
  );
};
