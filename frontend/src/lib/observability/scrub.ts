import type { Breadcrumb, BrowserOptions, ErrorEvent, Event } from '@sentry/sveltekit';

type TransactionEvent = Parameters<NonNullable<BrowserOptions['beforeSendTransaction']>>[0];

/**
 * The last line of defence before a report leaves the browser or the web server, on the ideas of the
 * API's `observability/scrub.ts`: no request bodies, no cookies, no credential headers, no query strings
 * (OAuth codes and states travel there), no value under a secret-looking key, the user reduced to an
 * id. The web app adds what a browser report can carry that an API report cannot: email addresses and
 * tokens written into messages, URLs in breadcrumbs and spans. The SDK is also told to collect none of
 * this (`sendDefaultPii: false`); scrubbing again keeps us safe from a changed default.
 */

/** Keys whose values never leave, wherever they appear. */
const SECRET_KEY = /pass(word)?|token|secret|authorization|cookie|api[-_]?key|credential|e-?mail/i;
/** Keys that hold a URL (breadcrumbs, span data, request): kept without query string or fragment. */
const URL_KEY = /^(url|from|to|referr?er|http\.url|url\.full|http\.target)$/i;
/** Span attributes holding one header each (`http.request.header.user_agent`): allowlisted too. */
const HEADER_ATTRIBUTE = /^http\.(request|response)\.header\.([\w.-]+)$/i;
/** Keys that hold a query string on their own. */
const QUERY_KEY = /^(query_string|http\.query|url\.query)$/i;
/** Request headers worth keeping: everything else (cookies, forwarded addresses…) is dropped. */
const KEPT_HEADERS = new Set(['accept', 'accept-language', 'content-type', 'content-length', 'user-agent']);

const EMAIL = /[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(\.[\w-]+)+/g;
// JWTs (access tokens, ID tokens) and long opaque tokens written after "Bearer".
const JWT = /\beyJ[\w-]+\.[\w-]+\.[\w-]*/g;
const BEARER = /\b(Bearer)\s+[\w.~+/=-]+/gi;

const MAX_DEPTH = 8;

/** Email addresses and tokens inside free text become placeholders. */
export function redactText(text: string): string {
  return text.replace(EMAIL, '[email]').replace(JWT, '[token]').replace(BEARER, '$1 [token]');
}

/** A URL without its query string and fragment (relative or absolute). */
export function withoutQuery(url: string): string {
  return url.replace(/[?#].*$/s, '');
}

/** Walks a JSON-like value: secret keys redacted, URL keys stripped, free text redacted. */
export function scrubValue(value: unknown, key = '', depth = 0): unknown {
  const header = HEADER_ATTRIBUTE.exec(key);
  if (header) return KEPT_HEADERS.has(header[2]!.toLowerCase().replaceAll('_', '-')) ? value : undefined;
  if (key && SECRET_KEY.test(key)) return '[redacted]';
  if (key && QUERY_KEY.test(key)) return undefined;
  if (typeof value === 'string') return redactText(key && URL_KEY.test(key) ? withoutQuery(value) : value);
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, '', depth + 1));
  const entries = Object.entries(value)
    .map(([name, item]) => [name, scrubValue(item, name, depth + 1)] as const)
    .filter(([, item]) => item !== undefined);
  return Object.fromEntries(entries);
}

function scrubRequest(request: NonNullable<Event['request']>): Event['request'] {
  const headers = Object.fromEntries(
    Object.entries(request.headers ?? {}).filter(([name]) => KEPT_HEADERS.has(name.toLowerCase())),
  );
  return {
    ...(request.method ? { method: request.method } : {}),
    ...(request.url ? { url: withoutQuery(request.url) } : {}),
    headers,
  };
}

export function scrubBreadcrumb(crumb: Breadcrumb): Breadcrumb {
  return {
    ...crumb,
    ...(crumb.message === undefined ? {} : { message: redactText(crumb.message) }),
    ...(crumb.data === undefined ? {} : { data: scrubValue(crumb.data) as Breadcrumb['data'] }),
  };
}

function scrubCommon<T extends Event>(event: T): T {
  if (event.request) event.request = scrubRequest(event.request);
  if (event.user) event.user = event.user.id === undefined ? {} : { id: event.user.id };
  if (event.message) event.message = redactText(event.message);
  if (event.extra) event.extra = scrubValue(event.extra) as T['extra'];
  if (event.contexts) event.contexts = scrubValue(event.contexts) as T['contexts'];
  if (event.tags) event.tags = scrubValue(event.tags) as T['tags'];
  if (event.breadcrumbs) event.breadcrumbs = event.breadcrumbs.map(scrubBreadcrumb);
  return event;
}

/** For `beforeSend`: error events. */
export function scrubEvent(event: ErrorEvent): ErrorEvent {
  for (const exception of event.exception?.values ?? []) {
    if (exception.value) exception.value = redactText(exception.value);
    for (const frame of exception.stacktrace?.frames ?? []) {
      // Frames' URLs are script URLs; a query string there is not ours to keep either.
      if (frame.filename) frame.filename = withoutQuery(frame.filename);
      if (frame.abs_path) frame.abs_path = withoutQuery(frame.abs_path);
      delete frame.vars;
    }
  }
  return scrubCommon(event);
}

/** For `beforeSendTransaction`: traces carry URLs and request data in their spans. */
export function scrubTransaction(event: TransactionEvent): TransactionEvent {
  if (event.transaction) event.transaction = withoutQuery(redactText(event.transaction));
  for (const span of event.spans ?? []) {
    if (span.description) span.description = withoutQuery(redactText(span.description));
    if (span.data) span.data = scrubValue(span.data) as typeof span.data;
  }
  return scrubCommon(event);
}
