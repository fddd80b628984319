import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { WorkCancelled } from '../cancellation.ts';
import { classifyDatabaseError } from '../database/errors.ts';
import { AppError, errors, PROBLEM_CONTENT_TYPE, type FieldError } from '../errors.ts';

export interface ErrorHandlerOptions {
  /** Error tracking (Sentry): called for server faults only, after the catalogue has classified them. */
  report?: (error: unknown, request: FastifyRequest) => void;
  /** Counts a failed query by kind (timeout, connection, constraint…), for the metrics. */
  countDatabaseError?: (kind: string) => void;
}

/**
 * One place turns every failure into RFC 9457 problem+json: our catalogue errors, Fastify's own
 * (body limit, content type, malformed JSON), schema validation, and database failures. Anything
 * unrecognised is a 500, logged with its stack; nothing a client sends should land there.
 */
export const errorHandlerPlugin = fp(
  async (app: FastifyInstance, options: ErrorHandlerOptions) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      // The deadline already answered (503) while the handler went on: what it does later is not news.
      if (reply.sent) {
        if (!(error instanceof WorkCancelled))
          request.log.warn({ err: summarise(error) }, 'failed after its answer was sent');
        return;
      }
      const appError = toAppError(error, app.initialConfig.bodyLimit ?? 1_048_576, request, options);
      if (appError.reportable) {
        request.log.error({ err: summarise(error) }, 'request failed');
        options.report?.(error, request);
      } else if (appError.status >= 500) request.log.warn({ err: summarise(error) }, appError.title);
      return sendProblem(reply, appError, request);
    });

    // While the server drains (SIGTERM), a request that still arrives on an open keep-alive connection is
    // refused in the API's error format, and told to reconnect elsewhere (Fastify's own refusal, turned
    // off by `return503OnClosing: false`, is plain JSON). Requests already received complete.
    let closing = false;
    app.addHook('preClose', async () => {
      closing = true;
    });
    app.addHook('onRequest', async (_request, reply) => {
      if (!closing) return;
      reply.header('connection', 'close');
      throw errors.serviceUnavailable('The server is shutting down; retry the request.');
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

/**
 * Fastify's `frameworkErrors`: failures it meets before a route is found (a URL whose percent-encoding
 * is malformed, e.g. `/api/terms/%zz`, or a path segment over `maxParamLength`) would otherwise get
 * Fastify's own JSON body instead of a problem.
 */
export function frameworkErrorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const problem =
    error.code === 'FST_ERR_BAD_URL'
      ? errors.badUrl()
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? errors.pathTooLong()
        : (error.statusCode ?? 500) < 500
          ? errors.badRequest(error.message)
          : errors.internal(error);
  if (problem.reportable) request.log.error({ err: error }, 'request failed before routing');
  void sendProblem(reply, problem, request);
}

/**
 * Fastify's `clientErrorHandler`: requests Node's HTTP parser refuses before Fastify sees them (headers
 * over 16 KiB, a request that is not HTTP, a client too slow to send its headers) get a problem too, on
 * the raw socket, which is then closed.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const problem =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? errors.headersTooLarge()
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? errors.requestTimeout()
        : errors.malformedRequest();
  const body = JSON.stringify(problem.toProblem());
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy(error);
}

export function sendProblem(reply: FastifyReply, error: AppError, request: FastifyRequest): FastifyReply {
  return reply
    .code(error.status)
    .headers(error.headers)
    .type(PROBLEM_CONTENT_TYPE)
    .send(error.toProblem(request.id));
}

function toAppError(
  error: FastifyError,
  bodyLimit: number,
  request: FastifyRequest,
  options: ErrorHandlerOptions,
): AppError {
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

  // The deadline plugin has answered already, except when the client left: nobody reads this.
  if (error instanceof WorkCancelled) return errors.serviceUnavailable('The request was cancelled.');

  const database = classifyDatabaseError(error);
  if (database) {
    options.countDatabaseError?.(database.kind);
    switch (database.kind) {
      case 'unavailable':
        return errors.serviceUnavailable(undefined, error);
      case 'timeout':
        return errors.queryTimeout(error);
      case 'invalid-input':
        return errors.badRequest('A value in the request is not valid.');
      case 'serialization-failure':
        return errors.concurrentUpdate();
      // Services translate the violations they expect; one they did not is still the client's race
      // (a row deleted meanwhile, a token whose account is gone), never a server fault.
      case 'foreign-key-violation':
        return database.constraint?.endsWith('_users_id_fk')
          ? errors.accountMissing()
          : errors.referencedResourceMissing();
      case 'unique-violation':
      case 'check-violation':
        return errors.constraintViolated();
    }
  }

  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.payloadTooLarge(bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return errors.unsupportedMediaType();
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.emptyBody();
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return errors.malformedJson();
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return errors.badContentLength();
    case 'FST_ERR_REP_INVALID_PAYLOAD_TYPE':
      return errors.internal(error);
  }
  // Fastify's own JSON parser reports a syntax error as a 400 SyntaxError.
  if (error instanceof SyntaxError && error.statusCode === 400) return errors.malformedJson();
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return errors.badRequest(error.message, error.statusCode);
  }
  return errors.internal(error);
}

/**
 * What a log line says of an error: Drizzle's message holds the whole failed SQL and its parameters (a
 * traversal's is hundreds of ids), which belong neither in logs nor in error tracking's breadcrumbs.
 */
function summarise(error: unknown): unknown {
  if (!(error instanceof Error) || !error.message.startsWith('Failed query:')) return error;
  const cause = error.cause as (Error & { code?: string }) | undefined;
  return {
    type: cause?.name ?? 'DatabaseError',
    message: cause?.message ?? 'query failed',
    code: cause?.code,
    stack: cause?.stack,
  };
}

function issueSegments(instancePath: string): string[] {
  return instancePath
    .split('/')
    .filter(Boolean)
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}
