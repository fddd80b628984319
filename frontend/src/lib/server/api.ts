import createClient from 'openapi-fetch';
import type { Problem } from '@lexikon/contracts/problem';
import type { paths } from '#lib/api/schema.ts';

export type ApiClient = ReturnType<typeof createApiClient>;

/**
 * The typed API client of one request. Types come from the API's own OpenAPI document
 * (`npm run openapi`), so a changed route breaks the web app's type check, not its users.
 */
export function createApiClient(baseUrl: string, accessToken: () => string | null, requestId?: string) {
  const client = createClient<paths>({ baseUrl });
  client.use({
    onRequest({ request }) {
      const token = accessToken();
      if (token) request.headers.set('authorization', `Bearer ${token}`);
      if (requestId) request.headers.set('x-request-id', requestId);
      return request;
    },
  });
  return client;
}

/** The API answered with an error: its problem+json document. */
export class ApiProblem extends Error {
  override name = 'ApiProblem';
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail ?? problem.title);
    this.problem = problem;
  }

  get status(): number {
    return this.problem.status;
  }
}

/** The API could not be reached at all (down, refused, timed out). */
export class ApiUnreachable extends Error {
  override name = 'ApiUnreachable';
}

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Awaits an openapi-fetch call and returns its data, or throws ApiProblem / ApiUnreachable. */
export async function call<T>(pending: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await pending;
  } catch (error) {
    throw new ApiUnreachable('The Lexikon API did not answer.', { cause: error });
  }
  if (result.response.ok) return result.data as T;
  throw new ApiProblem(asProblem(result.error, result.response));
}

function asProblem(body: unknown, response: Response): Problem {
  if (body && typeof body === 'object' && 'status' in body && 'title' in body) return body as Problem;
  return {
    type: 'about:blank',
    title: response.statusText || 'Error',
    status: response.status,
    code: response.status >= 500 ? 'service-unavailable' : 'bad-request',
  };
}
