import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { currentUser, requireAdmin } from '../auth/guard.ts';
import { BODY_PROBLEMS, problemResponses } from '../platform/http/problem-responses.ts';
import { termIdParamsSchema } from '../terms/schemas.ts';
import {
  listValidationsQuerySchema,
  revalidationBodySchema,
  revalidationSchema,
  validationPageSchema,
  validationRecordSchema,
  validationServiceStatusSchema,
} from './schemas.ts';
import type { ValidationService } from './service.ts';

const tags = ['validation'];

/** Under /api/terms: a term's validations. */
export const termValidationRoutes: FastifyPluginAsyncZod<{ service: ValidationService }> = async (
  app,
  { service },
) => {
  app.post(
    '/:id/validate',
    {
      schema: {
        tags,
        operationId: 'validateTerm',
        summary: 'Validate a term now (creator or reviewer): rules, then the LLM when configured',
        description:
          'Runs the rule checks and, when an LLM is configured and its circuit breaker is closed, asks the LLM ' +
          'for a verdict within a time budget. An LLM failure does not fail the request: the record says why ' +
          '(`status`, `error_reason`) and still holds the rules’ findings.',
        params: termIdParamsSchema,
        response: {
          201: validationRecordSchema,
          ...problemResponses(...BODY_PROBLEMS, 401, 403, 404, 503),
        },
      },
    },
    async (request, reply) => {
      const record = await service.validateNow(request.params.id, currentUser(request));
      return reply.code(201).send(record);
    },
  );

  app.get(
    '/:id/validations',
    {
      schema: {
        tags,
        operationId: 'listValidations',
        summary: 'Validation history of a term, newest first, with findings and overrides',
        params: termIdParamsSchema,
        querystring: listValidationsQuerySchema,
        response: { 200: validationPageSchema, ...problemResponses(400, 401, 404, 431, 503) },
      },
    },
    async (request) => service.list(request.params.id, request.query, currentUser(request)),
  );
};

/** Under /api/validation: what the web app needs to present validation (is an LLM on? queue size). */
export const validationStatusRoutes: FastifyPluginAsyncZod<{ service: ValidationService }> = async (
  app,
  { service },
) => {
  app.get(
    '/status',
    {
      schema: {
        tags,
        operationId: 'validationStatus',
        summary: 'Validators available, LLM model and circuit state, background queue size',
        response: { 200: validationServiceStatusSchema, ...problemResponses(401, 503) },
      },
    },
    async () => service.status(),
  );

  app.post(
    '/runs',
    {
      schema: {
        tags,
        operationId: 'revalidate',
        summary:
          'Queue validations in bulk (reviewers): every term, or those changed since their latest validation',
        body: revalidationBodySchema,
        response: { 202: revalidationSchema, ...problemResponses(...BODY_PROBLEMS, 401, 403, 503) },
      },
    },
    async (request, reply) =>
      reply.code(202).send(await service.revalidate(request.body.scope, requireAdmin(request))),
  );
};
