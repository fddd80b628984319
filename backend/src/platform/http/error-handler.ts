import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import type { Metrics } from '../../observability/metrics.ts';
import { classifyDatabaseError } from '../database/errors.ts';
import { AppError, errors, PROBLEM_CONTENT_TYPE, type FieldError } from '../errors.ts';

export interface ErrorHandlerOptions {
  /** Error tracking (Sentry): called for server faults only, after the catalogue has classified them. */
  report?: (error: unknown, request: FastifyRequest) => void;
}

/**
 * One place turns every failure into RFC 9457 problem+json: our catalogue errors, Fastify's own
 * (body limit, content type, malformed JSON), schema validation, and database failures. Anything
 * unrecognised is a 500, logged with its stack; nothing a client sends should land there.
 */
export const errorHandlerPlugin = fp(
  async (app: FastifyInstance, options: ErrorHandlerOptions) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const appError = toAppError(error, app.initialConfig.bodyLimit ?? 1_048_576, request);
      if (appError.reportable) {
        request.log.error({ err: error }, 'request failed');
        options.report?.(error, request);
      } else if (appError.status >= 500) request.log.warn({ err: error }, appError.title);
      return sendProblem(reply, appError, request);
    });

    app.setNotFoundHandler((request, reply) =>
      sendProblem(
        reply,
        errors.notFound(`No route for ${request.method} ${request.url.split('?')[0]}.`),
        request,
      ),
    );
  },
  { name: 'error-handler' },
);

export function sendProblem(reply: FastifyReply, error: AppError, request: FastifyRequest): FastifyReply {
  return reply
    .code(error.status)
    .headers(error.headers)
    .type(PROBLEM_CONTENT_TYPE)
    .send(error.toProblem(request.id));
}

function toAppError(error: FastifyError, bodyLimit: number, request: FastifyRequest): AppError {
  if (error instanceof AppError) return error;

  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? 'body';
    const fieldErrors: FieldError[] = error.validation.map((issue) => ({
      path: [where, ...issueSegments(issue.instancePath)].join('.'),
      message: issue.message ?? 'Invalid value.',
    }));
    return errors.validation(fieldErrors);
  }
  if (isResponseSerializationError(error)) {
    request.log.error({ issues: error.cause.issues }, 'response did not match its schema');
    return errors.internal(error);
  }

  const database = classifyDatabaseError(error);
  if (database) countDatabaseError(request, database.kind);
  if (database?.kind === 'unavailable') return errors.serviceUnavailable(undefined, error);
  if (database?.kind === 'invalid-input') return errors.badRequest('A value in the request is not valid.');
  if (database?.kind === 'serialization-failure')
    return errors.conflict('concurrent-update', 'A concurrent change got in the way; retry the request.');

  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.payloadTooLarge(bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return errors.unsupportedMediaType();
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.badRequest('The request declares a JSON body but sends none.', 'empty-body');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return errors.badRequest('The request body is not valid JSON.', 'malformed-json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return errors.badRequest('Content-Length does not match the body.', 'bad-content-length');
    case 'FST_ERR_REP_INVALID_PAYLOAD_TYPE':
      return errors.internal(error);
  }
  // Fastify's own JSON parser reports a syntax error as a 400 SyntaxError.
  if (error instanceof SyntaxError && error.statusCode === 400)
    return errors.badRequest('The request body is not valid JSON.', 'malformed-json');
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError({
      code: 'bad-request',
      status: error.statusCode,
      title: 'Bad request',
      detail: error.message,
    });
  }
  return errors.internal(error);
}

/** The metrics decorator is optional here: the handler also serves apps built without a registry. */
function countDatabaseError(request: FastifyRequest, kind: string): void {
  const metrics = request.server.metrics as Metrics | undefined;
  metrics?.db.queryErrors.inc({ kind });
}

function issueSegments(instancePath: string): string[] {
  return instancePath
    .split('/')
    .filter(Boolean)
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}
