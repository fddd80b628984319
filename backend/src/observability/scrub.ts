import type { ErrorEvent } from '@sentry/node';

/** Keys whose values never leave the process, wherever they appear in an event. */
const SECRET_KEY = /pass(word)?|token|secret|authorization|cookie|api[-_]?key|credential/i;
const DROPPED_HEADERS = new Set([
  'authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'proxy-authorization',
]);

export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      SECRET_KEY.test(key) ? '[redacted]' : redactSecrets(item, depth + 1),
    ]),
  );
}

/**
 * The last line of defence before an event leaves: request bodies, cookies, credential headers and any
 * field named like a secret are removed, and the user is reduced to an id. `dataCollection` already asks
 * the SDK not to collect most of this; scrubbing again here keeps us safe from a changed default.
 */
export function scrubEvent(event: ErrorEvent): ErrorEvent {
  if (event.request) {
    delete event.request.data;
    delete event.request.cookies;
    if (event.request.headers)
      event.request.headers = Object.fromEntries(
        Object.entries(event.request.headers).filter(([name]) => !DROPPED_HEADERS.has(name.toLowerCase())),
      );
    // Query strings can carry OAuth codes and states; the path is enough to find the route.
    delete event.request.query_string;
    if (event.request.url) event.request.url = event.request.url.split('?')[0];
  }
  if (event.user) event.user = event.user.id === undefined ? {} : { id: event.user.id };
  if (event.extra) event.extra = redactSecrets(event.extra) as typeof event.extra;
  if (event.contexts) event.contexts = redactSecrets(event.contexts) as typeof event.contexts;
  if (event.breadcrumbs)
    event.breadcrumbs = event.breadcrumbs.map((crumb) =>
      crumb.data ? { ...crumb, data: redactSecrets(crumb.data) as typeof crumb.data } : crumb,
    );
  return event;
}
