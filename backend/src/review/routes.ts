import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { currentUser } from '../auth/guard.ts';
import { errors } from '../platform/errors.ts';
import { expectedVersion, ifMatchHeaders } from '../platform/http/if-match.ts';
import { BODY_PROBLEMS, problemResponses } from '../platform/http/problem-responses.ts';
import { termIdParamsSchema } from '../terms/schemas.ts';
import {
  approveBodySchema,
  requestChangesBodySchema,
  reviewActionBodySchema,
  reviewQueueSchema,
  reviewResultSchema,
  reviewStateSchema,
} from './schemas.ts';
import type { ReviewService } from './service.ts';

function versionActedOn(request: FastifyRequest, bodyVersion: number | undefined) {
  const expected = expectedVersion(request, bodyVersion);
  if (!expected)
    throw errors.preconditionRequired(
      'Say which version you reviewed: an If-Match header with the ETag you read, or a `version` field.',
    );
  return expected;
}

const ACTION_PROBLEMS = [...BODY_PROBLEMS, 401, 403, 404, 409, 412, 422, 428, 503] as const;

/** Mounted at /api/terms: a concept's review and its actions. */
export const termReviewRoutes: FastifyPluginAsyncZod<{ service: ReviewService }> = async (
  app,
  { service },
) => {
  const tags = ['review'];
  const common = { tags, params: termIdParamsSchema, headers: ifMatchHeaders };

  app.get(
    '/:id/review',
    {
      schema: {
        tags,
        operationId: 'getTermReview',
        summary:
          'Where a concept stands in review: its published and latest revisions, approvals, decisions, and what the caller may do',
        params: termIdParamsSchema,
        response: { 200: reviewStateSchema, ...problemResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => service.state(request.params.id, currentUser(request)),
  );

  app.post(
    '/:id/review/submit',
    {
      schema: {
        ...common,
        operationId: 'submitTermForReview',
        summary: 'Send a draft (or a change sent back) to review',
        body: reviewActionBodySchema,
        response: { 200: reviewResultSchema, ...problemResponses(...ACTION_PROBLEMS) },
      },
    },
    async (request) =>
      service.submit(
        request.params.id,
        request.body,
        versionActedOn(request, request.body.version),
        currentUser(request),
      ),
  );

  app.post(
    '/:id/review/withdraw',
    {
      schema: {
        ...common,
        operationId: 'withdrawTermFromReview',
        summary:
          'Take a change back out of review (it becomes a draft; the published revision is still served)',
        body: reviewActionBodySchema,
        response: { 200: reviewResultSchema, ...problemResponses(...ACTION_PROBLEMS) },
      },
    },
    async (request) =>
      service.withdraw(
        request.params.id,
        request.body,
        versionActedOn(request, request.body.version),
        currentUser(request),
      ),
  );

  app.post(
    '/:id/review/request-changes',
    {
      schema: {
        ...common,
        operationId: 'requestTermChanges',
        summary: 'Send a change back to its author, saying what should change (reviewers)',
        body: requestChangesBodySchema,
        response: { 200: reviewResultSchema, ...problemResponses(...ACTION_PROBLEMS) },
      },
    },
    async (request) =>
      service.requestChanges(
        request.params.id,
        request.body,
        versionActedOn(request, request.body.version),
        currentUser(request),
      ),
  );

  app.post(
    '/:id/review/approve',
    {
      schema: {
        ...common,
        operationId: 'approveTerm',
        summary:
          "Approve a change (reviewers); the approval completing the vocabulary's count publishes it, through the validated gate",
        body: approveBodySchema,
        response: { 200: reviewResultSchema, ...problemResponses(...ACTION_PROBLEMS) },
      },
    },
    async (request) =>
      service.approve(
        request.params.id,
        request.body,
        versionActedOn(request, request.body.version),
        currentUser(request),
      ),
  );
};

/** Mounted at /api/review: what waits for the caller. */
export const reviewQueueRoutes: FastifyPluginAsyncZod<{ service: ReviewService }> = async (
  app,
  { service },
) => {
  app.get(
    '/queue',
    {
      schema: {
        tags: ['review'],
        operationId: 'getReviewQueue',
        summary: 'Changes waiting for the caller to review, and their own changes sent back with a request',
        response: { 200: reviewQueueSchema, ...problemResponses(401, 503) },
      },
    },
    async (request) => service.queue(currentUser(request)),
  );
};
