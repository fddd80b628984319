import { fieldErrorSchema, problemSchema, type FieldError, type Problem } from '@lexikon/contracts/problem';

/**
 * The error catalogue. Each error has a stable code (the last segment of its problem type URI), an HTTP
 * status, and whether it is worth reporting (5xx) — the error handler, the problem+json body and
 * error reporting all read from here. Code never branches on an error's message text.
 */

export { fieldErrorSchema, problemSchema, type FieldError, type Problem };

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

interface AppErrorInit {
  code: string;
  status: number;
  title: string;
  detail?: string;
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
  cause?: unknown;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(init: AppErrorInit) {
    super(init.detail ?? init.title, { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    this.title = init.title;
    this.detail = init.detail;
    this.extensions = init.extensions ?? {};
    this.headers = init.headers ?? {};
  }

  /** Only server faults are reported to error tracking; 4xx are the client's business. */
  get reportable(): boolean {
    return this.status >= 500;
  }

  toProblem(requestId?: string): Problem {
    return {
      type: `/problems/${this.code}`,
      title: this.title,
      status: this.status,
      code: this.code,
      ...(this.detail === undefined ? {} : { detail: this.detail }),
      ...(requestId === undefined ? {} : { request_id: requestId }),
      ...this.extensions,
    };
  }
}

export const errors = {
  validation: (
    fieldErrors: FieldError[],
    detail = 'The request is not valid; see `errors` for each field.',
  ) =>
    new AppError({
      code: 'validation-failed',
      status: 400,
      title: 'Invalid request',
      detail,
      extensions: { errors: fieldErrors },
    }),
  badRequest: (detail: string, code = 'bad-request') =>
    new AppError({ code, status: 400, title: 'Bad request', detail }),
  unauthenticated: (detail = 'A valid bearer access token is required.') =>
    new AppError({
      code: 'unauthenticated',
      status: 401,
      title: 'Authentication required',
      detail,
      headers: { 'www-authenticate': 'Bearer realm="lexikon"' },
    }),
  invalidCredentials: () =>
    new AppError({
      code: 'invalid-credentials',
      status: 401,
      title: 'Invalid credentials',
      detail: 'Email or password is incorrect.',
    }),
  invalidRefreshToken: (detail = 'The refresh token is invalid, expired or revoked; sign in again.') =>
    new AppError({ code: 'invalid-refresh-token', status: 401, title: 'Invalid refresh token', detail }),
  forbidden: (detail = 'You are not allowed to do this.') =>
    new AppError({ code: 'forbidden', status: 403, title: 'Forbidden', detail }),
  notFound: (detail = 'No such resource.') =>
    new AppError({ code: 'not-found', status: 404, title: 'Not found', detail }),
  conflict: (code: string, detail: string, extensions?: Record<string, unknown>) =>
    new AppError({ code, status: 409, title: 'Conflict', detail, ...(extensions ? { extensions } : {}) }),
  preconditionFailed: (detail: string, extensions?: Record<string, unknown>) =>
    new AppError({
      code: 'version-mismatch',
      status: 412,
      title: 'Precondition failed',
      detail,
      ...(extensions ? { extensions } : {}),
    }),
  preconditionRequired: (detail: string) =>
    new AppError({ code: 'version-required', status: 428, title: 'Precondition required', detail }),
  payloadTooLarge: (limitBytes: number) =>
    new AppError({
      code: 'payload-too-large',
      status: 413,
      title: 'Payload too large',
      detail: `The request body exceeds ${limitBytes} bytes.`,
    }),
  unsupportedMediaType: (detail = 'Send the body as application/json.') =>
    new AppError({ code: 'unsupported-media-type', status: 415, title: 'Unsupported media type', detail }),
  unprocessable: (code: string, detail: string, extensions?: Record<string, unknown>) =>
    new AppError({
      code,
      status: 422,
      title: 'Unprocessable request',
      detail,
      ...(extensions ? { extensions } : {}),
    }),
  tooManyRequests: (retryAfterSeconds: number) =>
    new AppError({
      code: 'rate-limited',
      status: 429,
      title: 'Too many requests',
      detail: `Too many attempts; try again in ${retryAfterSeconds} s.`,
      extensions: { retry_after: retryAfterSeconds },
      headers: { 'retry-after': String(retryAfterSeconds) },
    }),
  serviceUnavailable: (detail = 'The database is unavailable; try again shortly.', cause?: unknown) =>
    new AppError({
      code: 'service-unavailable',
      status: 503,
      title: 'Service unavailable',
      detail,
      headers: { 'retry-after': '5' },
      cause,
    }),
  deadlineExceeded: (timeoutMs: number) =>
    new AppError({
      code: 'deadline-exceeded',
      status: 503,
      title: 'Request took too long',
      detail: `The server could not answer within ${timeoutMs} ms; nothing more is done for this request. Retry, or ask for less (a smaller depth, a narrower filter).`,
      headers: { 'retry-after': '5' },
    }),
  queryTimeout: (cause?: unknown) =>
    new AppError({
      code: 'query-timeout',
      status: 503,
      title: 'Query took too long',
      detail:
        'A database query ran past its time limit and was stopped; nothing was changed. Retry, or ask for less (a smaller depth, a narrower filter).',
      headers: { 'retry-after': '5' },
      cause,
    }),
  accountMissing: () =>
    new AppError({
      code: 'account-missing',
      status: 401,
      title: 'Account no longer exists',
      detail: 'The account this token was issued to no longer exists; sign in again.',
      headers: { 'www-authenticate': 'Bearer realm="lexikon", error="invalid_token"' },
    }),
  referencedResourceMissing: () =>
    new AppError({
      code: 'referenced-resource-missing',
      status: 409,
      title: 'Conflict',
      detail: 'Something this change refers to was deleted meanwhile; reload and try again.',
    }),
  constraintViolated: () =>
    new AppError({
      code: 'constraint-violated',
      status: 409,
      title: 'Conflict',
      detail: 'This change conflicts with the data already stored; reload and try again.',
    }),
  internal: (cause?: unknown) =>
    new AppError({
      code: 'internal-error',
      status: 500,
      title: 'Internal server error',
      detail: 'An unexpected error occurred; it has been logged.',
      cause,
    }),
};

/** Problem responses every route can produce; routes add their own on top. */
export const commonProblemResponses = {
  400: problemSchema,
  401: problemSchema,
  413: problemSchema,
  415: problemSchema,
  429: problemSchema,
  500: problemSchema,
  503: problemSchema,
} as const;
