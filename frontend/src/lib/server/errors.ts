import { error, redirect } from '@sveltejs/kit';
import { loginUrl } from '#lib/navigation.ts';
import { ApiProblem, ApiUnreachable } from './api.ts';

/**
 * For load functions: turns API failures into what the reader should see — the login page when the
 * session is gone, a 404 page, or an error page with a retry button when the API is unreachable.
 */
export function failLoad(cause: unknown, url: URL): never {
  if (cause instanceof ApiUnreachable)
    error(503, 'The Lexikon API is unreachable.', { code: 'service-unavailable', retryable: true });
  if (cause instanceof ApiProblem) {
    if (cause.status === 401) redirect(303, loginUrl(url));
    if (cause.status === 503 || cause.status === 502 || cause.status === 504)
      error(503, cause.message, { code: cause.problem.code, retryable: true });
    error(cause.status, cause.message, { code: cause.problem.code });
  }
  throw cause;
}
