/**
 * Which errors SvelteKit's `handleError` hooks report. Only `unknown` ones: faults of our code or of code
 * it calls. `app` errors are thrown on purpose with `error(status, …)` (a missing term, the API being
 * down: the API's own tracking and metrics see those), `framework` errors are SvelteKit's own answers
 * (404 for an unknown route, 405…), `validation` errors are bad input. Redirects and form failures
 * (`fail()`) never reach the hook.
 */
export function isReportable(caught: { kind: string }): boolean {
  return caught.kind === 'unknown';
}
