import { z } from 'zod';

/** RFC 9457 problem details: the one shape of every error the API returns. */

/**
 * Every problem code the API can answer, closed: the backend's catalogue (backend/src/platform/errors.ts)
 * has one factory per code and cannot make another, the OpenAPI document lists them, and the web app's
 * checks of `problem.code` are type-checked against them.
 */
export const problemCodes = [
  // 400 and other malformed requests
  'validation-failed',
  'bad-request',
  'bad-url',
  'path-too-long',
  'malformed-request',
  'malformed-json',
  'empty-body',
  'bad-content-length',
  'headers-too-large',
  'request-timeout',
  'payload-too-large',
  'unsupported-media-type',
  // who you are and what you may do
  'unauthenticated',
  'invalid-credentials',
  'invalid-refresh-token',
  'account-missing',
  'forbidden',
  'rate-limited',
  // resources
  'not-found',
  'version-required',
  'version-mismatch',
  'version-conflict',
  'concurrent-update',
  'referenced-resource-missing',
  'constraint-violated',
  'email-taken',
  'username-taken',
  'term-exists',
  'invalid-status-transition',
  'open-findings',
  'self-relation',
  'unknown-target',
  'relation-exists',
  'relation-cycle',
  'ambiguous-term',
  'vocabulary-exists',
  'vocabulary-not-empty',
  'term-deleted',
  'notation-exists',
  'relation-across-vocabularies',
  'duplicate-pref-labels',
  'last-owner',
  'default-language-fixed',
  'language-in-use',
  // review
  'not-in-review',
  'self-approval',
  'already-approved',
  'approvals-required',
  // releases
  'release-exists',
  'release-empty',
  // signing in with a provider
  'oauth-provider-not-configured',
  'oauth-denied',
  'oauth-state-invalid',
  'oauth-code-invalid',
  'oauth-id-token-invalid',
  'oauth-email-unverified',
  'oauth-provider-unavailable',
  'oauth-account-linked-elsewhere',
  'oauth-not-linked',
  'last-sign-in-method',
  // the server
  'internal-error',
  'service-unavailable',
  'deadline-exceeded',
  'query-timeout',
] as const;

export const problemCodeSchema = z
  .enum(problemCodes)
  .meta({ id: 'ProblemCode', description: 'Stable machine-readable error code.' });
export type ProblemCode = z.infer<typeof problemCodeSchema>;

export const fieldErrorSchema = z.object({
  path: z
    .string()
    .meta({ description: 'Location of the offending value, e.g. "body.email" or "query.limit".' }),
  message: z.string(),
});
export type FieldError = z.infer<typeof fieldErrorSchema>;

export const problemSchema = z
  .looseObject({
    type: z.string().meta({ description: 'URI reference identifying the problem type.' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    code: problemCodeSchema,
    request_id: z.string().optional(),
    errors: z.array(fieldErrorSchema).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details.' });
export type Problem = z.infer<typeof problemSchema>;
