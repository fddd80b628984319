import { envelopeUrl, parseDsn, sameProject, type Dsn } from './dsn.ts';

/**
 * The browser's reports reach Sentry through the web app's own origin (`POST /monitoring`, the SDK's
 * `tunnel` option): the CSP keeps `connect-src 'self'` and ad-blockers that drop requests to Sentry's
 * hosts do not blind us. It must not become an open relay: an envelope is forwarded only when its header
 * names the configured project, only to that project's ingestion URL, and only up to `maxBytes`.
 */
export interface TunnelOptions {
  /** The configured DSN (SENTRY_DSN_FRONTEND). */
  dsn: Dsn;
  /** Largest envelope accepted, in bytes. */
  maxBytes: number;
  /** Deadline for Sentry's answer, in milliseconds. */
  timeoutMs: number;
  fetch?: typeof fetch;
}

/**
 * 1 MiB, like the API's body limit. The browser SDK caps an event at 1 MB, and replay segments are
 * compressed (a minute of masked DOM is tens of kB); anything bigger is refused, not buffered.
 */
export const TUNNEL_MAX_BYTES = 1_048_576;

const PROBLEM_CONTENT_TYPE = 'application/problem+json';
// Sentry's answers the SDK reads to back off; passed through unchanged.
const RATE_LIMIT_HEADERS = ['retry-after', 'x-sentry-rate-limits'];

/** The tunnel's own problems (not the API's: its codes are the web server's, e.g. envelope-too-large). */
function problem(status: number, code: string, title: string, detail: string): Response {
  const body = { type: `/problems/${code}`, title, status, code, detail };
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store' },
  });
}

/** What the tunnel answers when error tracking is off: there is nothing here. */
export const tunnelOff = (): Response =>
  problem(404, 'not-found', 'Not found', 'Error tracking is not configured on this server.');

const tooLarge = (maxBytes: number) =>
  problem(413, 'envelope-too-large', 'Envelope too large', `Envelopes are limited to ${maxBytes} bytes.`);

/** Reads at most `maxBytes` of the body; null when there is more (the rest is not read). */
async function readCapped(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer> | null> {
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** The DSN named by the envelope's first line (`{"dsn": "…", …}`), or why there is none. */
export function envelopeDsn(body: Uint8Array): Dsn | string {
  const newline = body.indexOf(0x0a);
  const firstLine = body.subarray(0, newline === -1 ? body.length : newline);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(firstLine));
  } catch {
    return 'The envelope header is not JSON.';
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    return 'The envelope header is not a JSON object.';
  const { dsn } = header as { dsn?: unknown };
  if (typeof dsn !== 'string') return 'The envelope header names no DSN.';
  return parseDsn(dsn) ?? 'The envelope header’s DSN is not a valid DSN.';
}

export async function forwardEnvelope(request: Request, options: TunnelOptions): Promise<Response> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > options.maxBytes) return tooLarge(options.maxBytes);
  const body = await readCapped(request, options.maxBytes);
  if (body === null) return tooLarge(options.maxBytes);
  if (body.length === 0)
    return problem(400, 'malformed-envelope', 'Malformed envelope', 'The body is empty.');

  const dsn = envelopeDsn(body);
  if (typeof dsn === 'string') return problem(400, 'malformed-envelope', 'Malformed envelope', dsn);
  if (!sameProject(dsn, options.dsn))
    return problem(
      403,
      'foreign-dsn',
      'Foreign DSN',
      'This endpoint only forwards envelopes for the web app’s own Sentry project.',
    );

  let upstream: Response;
  try {
    // Always the configured project's URL: nothing from the request decides where it goes.
    upstream = await (options.fetch ?? fetch)(envelopeUrl(options.dsn), {
      method: 'POST',
      headers: { 'content-type': 'application/x-sentry-envelope' },
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    await upstream.arrayBuffer();
  } catch {
    return problem(502, 'error-tracking-unreachable', 'Error tracking unreachable', 'Sentry did not answer.');
  }
  if (upstream.status >= 500)
    return problem(502, 'error-tracking-unreachable', 'Error tracking unreachable', 'Sentry failed.');
  const headers = new Headers({ 'cache-control': 'no-store' });
  for (const name of RATE_LIMIT_HEADERS) {
    const value = upstream.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  return new Response(null, { status: upstream.status, headers });
}
