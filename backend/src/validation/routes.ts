import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { currentUser } from '../auth/guard.ts';
import { commonProblemResponses, problemSchema } from '../platform/errors.ts';
import { termIdParamsSchema } from '../terms/schemas.ts';
import {
  listValidationsQuerySchema,
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
        summary: 'Validate a term now (creator or reviewer): rules, then the LLM when configured',
        description:
          'Runs the rule checks and, when an LLM is configured and its circuit breaker is closed, asks the LLM ' +
          'for a verdict within a time budget. An LLM failure does not fail the request: the record says why ' +
          '(`status`, `error_reason`) and still holds the rules’ findings.',
        params: termIdParamsSchema,
        response: {
          201: validationRecordSchema,
          403: problemSchema,
          404: problemSchema,
          ...commonProblemResponses,
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
        summary: 'Validation history of a term, newest first, with findings and overrides',
        params: termIdParamsSchema,
        querystring: listValidationsQuerySchema,
        response: { 200: validationPageSchema, 404: problemSchema, ...commonProblemResponses },
      },
    },
    async (request) => service.list(request.params.id, request.query),
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
        summary: 'Validators available, LLM model and circuit state, background queue size',
        response: { 200: validationServiceStatusSchema, ...commonProblemResponses },
      },
    },
    async () => service.status(),
  );
};
