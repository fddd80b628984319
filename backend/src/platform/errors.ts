import {
  fieldErrorSchema,
  problemSchema,
  type FieldError,
  type Problem,
  type ProblemCode,
} from '@lexikon/contracts/problem';

/**
 * The error catalogue. Each error has a stable code (the last segment of its problem type URI), an HTTP
 * status, and whether it is worth reporting (5xx) — the error handler, the problem+json body and
 * error reporting all read from here. Code never branches on an error's message text.
 */

export { fieldErrorSchema, problemSchema, type FieldError, type Problem, type ProblemCode };

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const providerLabel = (provider: string) =>
  provider === 'github' ? 'GitHub' : provider === 'google' ? 'Google' : provider;

interface AppErrorInit {
  code: ProblemCode;
  status: number;
  title: string;
  detail?: string;
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
  cause?: unknown;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly code: ProblemCode;
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
  badRequest: (detail: string, status = 400) =>
    new AppError({ code: 'bad-request', status, title: 'Bad request', detail }),
  badUrl: () =>
    new AppError({
      code: 'bad-url',
      status: 400,
      title: 'Bad request',
      detail: 'The URL is not valid: it has a malformed percent-encoding.',
    }),
  pathTooLong: () =>
    new AppError({
      code: 'path-too-long',
      status: 400,
      title: 'Bad request',
      detail: 'A segment of the path is longer than the server accepts.',
    }),
  malformedRequest: () =>
    new AppError({
      code: 'malformed-request',
      status: 400,
      title: 'Bad request',
      detail: 'The request is not valid HTTP.',
    }),
  malformedJson: () =>
    new AppError({
      code: 'malformed-json',
      status: 400,
      title: 'Bad request',
      detail: 'The request body is not valid JSON.',
    }),
  emptyBody: () =>
    new AppError({
      code: 'empty-body',
      status: 400,
      title: 'Bad request',
      detail: 'The request declares a JSON body but sends none.',
    }),
  badContentLength: () =>
    new AppError({
      code: 'bad-content-length',
      status: 400,
      title: 'Bad request',
      detail: 'Content-Length does not match the body.',
    }),
  headersTooLarge: () =>
    new AppError({
      code: 'headers-too-large',
      status: 431,
      title: 'Request header fields too large',
      detail: 'The request line and headers are larger than the server accepts (16 KiB).',
    }),
  requestTimeout: () =>
    new AppError({
      code: 'request-timeout',
      status: 408,
      title: 'Request timeout',
      detail: 'The request was not received in time.',
    }),
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
  versionConflict: (detail: string, extensions: Record<string, unknown>) =>
    new AppError({ code: 'version-conflict', status: 409, title: 'Conflict', detail, extensions }),
  concurrentUpdate: () =>
    new AppError({
      code: 'concurrent-update',
      status: 409,
      title: 'Conflict',
      detail: 'A concurrent change got in the way; retry the request.',
    }),
  emailTaken: () =>
    new AppError({
      code: 'email-taken',
      status: 409,
      title: 'Conflict',
      detail: 'An account with this email already exists.',
    }),
  usernameTaken: () =>
    new AppError({
      code: 'username-taken',
      status: 409,
      title: 'Conflict',
      detail: 'This username is taken.',
    }),
  termExists: (term: string, domain: string | null) =>
    new AppError({
      code: 'term-exists',
      status: 409,
      title: 'Conflict',
      detail: `A term "${term}" already exists in ${domain === null ? 'the terms without a domain' : `the domain "${domain}"`} (compared without case or accents).`,
    }),
  relationExists: (type: string, symmetric: boolean) =>
    new AppError({
      code: 'relation-exists',
      status: 409,
      title: 'Conflict',
      detail: symmetric
        ? `These terms are already linked by ${type} (in one direction or the other).`
        : `This ${type} relation already exists.`,
    }),
  ambiguousTerm: (name: string, candidates: { id: string; domain: string | null }[]) =>
    new AppError({
      code: 'ambiguous-term',
      status: 409,
      title: 'Conflict',
      detail: `Several domains have a term "${name}"; add a \`domain\` parameter.`,
      extensions: { candidates },
    }),
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
  vocabularyExists: (slug: string) =>
    new AppError({
      code: 'vocabulary-exists',
      status: 409,
      title: 'Conflict',
      detail: `A vocabulary "${slug}" already exists; choose another slug.`,
    }),
  vocabularyNotEmpty: (slug: string, terms: number) =>
    new AppError({
      code: 'vocabulary-not-empty',
      status: 409,
      title: 'Conflict',
      detail: `The vocabulary "${slug}" still has ${terms} term(s): delete or move them first.`,
      extensions: { term_count: terms },
    }),
  /** 410; the seed's `GET /api/terms/:id` keeps its 404 (its contract), with the same body. */
  termDeleted: (
    deletion: { revision: number; version: number; deleted_at: string; deleted_by: string | null },
    status: 404 | 410 = 410,
  ) =>
    new AppError({
      code: 'term-deleted',
      status,
      title: status === 410 ? 'Gone' : 'Not found',
      detail: `This concept was deleted (revision ${deletion.revision}); its history remains, and it can be restored from it.`,
      extensions: { deletion },
    }),
  notationExists: (notation: string) =>
    new AppError({
      code: 'notation-exists',
      status: 409,
      title: 'Conflict',
      detail: `Another concept of this vocabulary already has the notation "${notation}".`,
    }),
  relationAcrossVocabularies: () =>
    new AppError({
      code: 'relation-across-vocabularies',
      status: 422,
      title: 'Unprocessable request',
      detail:
        'Typed relations link concepts of one vocabulary; link a concept of another vocabulary with a mapping.',
    }),
  duplicatePrefLabels: () =>
    new AppError({
      code: 'duplicate-pref-labels',
      status: 409,
      title: 'Conflict',
      detail: 'Some concepts of one domain share a preferred label: rename them before making labels unique.',
    }),
  defaultLanguageFixed: (language: string) =>
    new AppError({
      code: 'default-language-fixed',
      status: 409,
      title: 'Conflict',
      detail: `The vocabulary has concepts whose preferred labels are in "${language}": its default language stays.`,
    }),
  languageInUse: (languages: string[]) =>
    new AppError({
      code: 'language-in-use',
      status: 409,
      title: 'Conflict',
      detail: `Concepts still have labels, definitions, sources or notes in ${languages.map((language) => `"${language}"`).join(', ')}: remove them first.`,
      extensions: { languages },
    }),
  lastOwner: () =>
    new AppError({
      code: 'last-owner',
      status: 409,
      title: 'Conflict',
      detail: 'A vocabulary keeps at least one owner: make someone else owner first.',
    }),
  selfRelation: () =>
    new AppError({
      code: 'self-relation',
      status: 422,
      title: 'Unprocessable request',
      detail: 'A term cannot be related to itself.',
    }),
  unknownTarget: (targetId: string, detail = 'The target term does not exist.') =>
    new AppError({
      code: 'unknown-target',
      status: 422,
      title: 'Unprocessable request',
      detail,
      extensions: { target_id: targetId },
    }),
  relationCycle: (type: string, path: { id: string; term: string }[]) =>
    new AppError({
      code: 'relation-cycle',
      status: 422,
      title: 'Unprocessable request',
      detail: `This ${type} relation would create a cycle: ${path.map((step) => step.term).join(' → ')}.`,
      extensions: { path },
    }),
  invalidStatusTransition: (from: string, to: string, allowed: readonly string[]) =>
    new AppError({
      code: 'invalid-status-transition',
      status: 422,
      title: 'Unprocessable request',
      detail: `A ${from} term cannot become ${to}; allowed next statuses: ${allowed.join(', ')}.`,
      extensions: { allowed },
    }),
  openFindings: (findings: unknown[]) =>
    new AppError({
      code: 'open-findings',
      status: 422,
      title: 'Unprocessable request',
      detail:
        `This term has ${findings.length} open finding${findings.length === 1 ? '' : 's'} from its latest validation. ` +
        'Fix the definition, or validate it anyway by sending `override_findings: { reason }` with the change.',
      extensions: { findings },
    }),

  // ---- review ----
  notInReview: (status: string, action: string) =>
    new AppError({
      code: 'not-in-review',
      status: 409,
      title: 'Conflict',
      detail: `This concept is ${status}, not in review: it cannot be ${action}.`,
      extensions: { current_status: status },
    }),
  selfApproval: () =>
    new AppError({
      code: 'self-approval',
      status: 403,
      title: 'Forbidden',
      detail:
        'You made this change: another reviewer must approve it (the vocabulary does not let authors approve their own changes).',
    }),
  alreadyApproved: () =>
    new AppError({
      code: 'already-approved',
      status: 409,
      title: 'Conflict',
      detail: 'You have approved this version already; it waits for other reviewers.',
    }),
  approvalsRequired: (required: number, recorded: number) =>
    new AppError({
      code: 'approvals-required',
      status: 409,
      title: 'Conflict',
      detail: `This vocabulary needs ${required} approvals before a change is published, and ${recorded} ${recorded === 1 ? 'is' : 'are'} recorded. Approve it with POST /api/terms/{id}/review/approve.`,
      extensions: { required, recorded },
    }),

  // ---- releases ----
  releaseExists: (name: string) =>
    new AppError({
      code: 'release-exists',
      status: 409,
      title: 'Conflict',
      detail: `This vocabulary has a release named "${name}" already; a release never changes, choose another name.`,
    }),
  releaseEmpty: () =>
    new AppError({
      code: 'release-empty',
      status: 422,
      title: 'Unprocessable request',
      detail:
        'Nothing in this vocabulary is published yet (validated or deprecated): a release would be empty.',
    }),

  // ---- signing in with a provider ----
  oauthProviderNotConfigured: (provider: string) =>
    new AppError({
      code: 'oauth-provider-not-configured',
      status: 404,
      title: 'Unknown sign-in provider',
      detail: `Signing in with ${providerLabel(provider)} is not configured on this server.`,
    }),
  oauthDenied: (provider: string) =>
    new AppError({
      code: 'oauth-denied',
      status: 400,
      title: 'Sign-in cancelled',
      detail: `You did not authorise Lexikon at ${providerLabel(provider)}.`,
    }),
  oauthStateInvalid: () =>
    new AppError({
      code: 'oauth-state-invalid',
      status: 400,
      title: 'Sign-in link expired or not yours',
      detail: 'This sign-in attempt is unknown, expired or already used. Start again from the sign-in page.',
    }),
  oauthCodeInvalid: (provider: string) =>
    new AppError({
      code: 'oauth-code-invalid',
      status: 400,
      title: 'Sign-in code rejected',
      detail: `${providerLabel(provider)} refused the sign-in code (expired or already used). Start again.`,
    }),
  oauthProviderUnavailable: (provider: string, detail?: string, cause?: unknown) =>
    new AppError({
      code: 'oauth-provider-unavailable',
      status: 502,
      title: 'Sign-in provider unavailable',
      detail: detail ?? `${providerLabel(provider)} did not answer properly. Try again in a moment.`,
      cause,
    }),
  oauthEmailUnverified: (provider: string, matchesAccount: boolean) =>
    new AppError({
      code: 'oauth-email-unverified',
      status: 422,
      title: 'Email not verified',
      detail: matchesAccount
        ? `An account uses this email, but ${providerLabel(provider)} has not verified that it is yours, so we cannot link them. Verify the email at ${providerLabel(provider)}, or sign in with your password and link ${providerLabel(provider)} from your profile.`
        : `${providerLabel(provider)} has no verified primary email for your account. Verify one at ${providerLabel(provider)}, then try again.`,
    }),
  oauthIdTokenInvalid: (
    detail = 'The identity token from the provider failed verification (signature, issuer, audience, expiry or nonce).',
  ) =>
    new AppError({ code: 'oauth-id-token-invalid', status: 400, title: 'Identity token rejected', detail }),
  oauthLinkedElsewhere: (provider: string) =>
    new AppError({
      code: 'oauth-account-linked-elsewhere',
      status: 409,
      title: 'Already linked',
      detail: `This ${providerLabel(provider)} account is already linked to another Lexikon account.`,
    }),
  oauthNotLinked: (provider: string) =>
    new AppError({
      code: 'oauth-not-linked',
      status: 404,
      title: 'Not linked',
      detail: `${providerLabel(provider)} is not linked to your account.`,
    }),
  lastSignInMethod: (provider: string) =>
    new AppError({
      code: 'last-sign-in-method',
      status: 409,
      title: 'Last way to sign in',
      detail: `${providerLabel(provider)} is your only way to sign in. Set a password or link another provider first.`,
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
