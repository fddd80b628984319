import { problemSchema } from '../errors.ts';

/**
 * The problem statuses a route can answer, declared per route so that the OpenAPI document is honest:
 * a client (or a contract fuzzer) can rely on every status it may see being listed, and on no status
 * being listed that the route never sends. What each one means is said once, here.
 */
export const problemStatusDescriptions = {
  400: 'The request is not valid: each offending field is listed in `errors`.',
  401: 'Not authenticated: the bearer token (or the credentials sent) is missing, invalid or expired.',
  403: 'Authenticated, but not allowed to do this.',
  404: 'No such resource.',
  409: 'Conflicts with the current state: a duplicate, a cycle, or a concurrent change.',
  410: "Deleted: the concept's history remains (see `deletion`), and it can be restored.",
  412: 'The version sent (If-Match or `version`) is not the current one.',
  413: 'The request body is larger than the server accepts.',
  415: 'The request body is not `application/json`.',
  422: 'Well-formed, but refused by a rule of the domain (see `code`).',
  428: 'The version being edited is required (If-Match or `version`).',
  429: 'Too many attempts: wait `Retry-After` seconds.',
  431: 'The request line and headers are larger than the server accepts (16 KiB): shorten the query.',
  500: 'An unexpected server fault (logged and reported).',
  502: 'The sign-in provider failed or did not answer in time.',
  503: 'The database is unreachable: retry after `Retry-After` seconds.',
} as const;

export type ProblemStatus = keyof typeof problemStatusDescriptions;

/** Statuses any route may answer: an unexpected fault. */
const ALWAYS = [500] as const;

/**
 * Response declarations for the given problem statuses (plus 500): `{ 400: problemSchema, … }`. The
 * OpenAPI plugin serves them as `application/problem+json`, described from the table above.
 */
export function problemResponses<S extends ProblemStatus>(
  ...statuses: S[]
): Record<S | (typeof ALWAYS)[number], typeof problemSchema> {
  return Object.fromEntries([...statuses, ...ALWAYS].map((status) => [status, problemSchema])) as Record<
    S | (typeof ALWAYS)[number],
    typeof problemSchema
  >;
}

/**
 * Fastify parses a body on every POST, PATCH and DELETE whatever the route declares, so each of them can
 * answer these: malformed JSON (400), too large (413), not JSON (415).
 */
export const BODY_PROBLEMS = [400, 413, 415] as const;
