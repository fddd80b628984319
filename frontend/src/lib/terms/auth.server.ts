import { redirect } from '@sveltejs/kit';
import { ApiProblem } from '#lib/server/api.ts';

type Session = App.Locals['session'];

/** `/login?next=…` back to a page (not to an action's `?/name` URL, which is not a page to land on). */
export function signInPath(path: string): string {
  return `/login?next=${encodeURIComponent(path)}`;
}

/**
 * Form actions run before the (app) layout's guard, so each protected action checks the session itself:
 * a POST from an expired session lands on the sign-in page, then back on `path`, instead of an error.
 */
export function requireSession(session: Session, path: string): asserts session is NonNullable<Session> {
  if (!session) redirect(303, signInPath(path));
}

/** The API said 401 (token revoked or expired mid-request): sign in again, then come back. */
export function redirectIfSignedOut(error: unknown, path: string): void {
  if (error instanceof ApiProblem && error.status === 401) redirect(303, signInPath(path));
}
