import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, inflateSync, brotliDecompressSync } from 'node:zlib';

export interface EnvelopeItem {
  header: { type: string; length?: number } & Record<string, unknown>;
  payload: unknown;
}

export interface Envelope {
  header: Record<string, unknown>;
  items: EnvelopeItem[];
  /** The decoded body as received, for "this string appears nowhere" assertions. */
  raw: string;
}

export interface FakeSentry {
  /** A DSN pointing at this server, project 1. */
  dsn: string;
  envelopes: Envelope[];
  /** Error events (items of type "event") across every envelope. */
  events(): Record<string, unknown>[];
  waitForEvents(count: number, timeoutMs?: number): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/**
 * A loopback stand-in for Sentry's ingestion: accepts `POST /api/<project>/envelope/` (newline-delimited
 * JSON: an envelope header, then item header + payload pairs, maybe compressed) and keeps what it got.
 */
export async function startFakeSentry(): Promise<FakeSentry> {
  const envelopes: Envelope[] = [];
  const server = createServer(async (request, response) => {
    if (request.method !== 'POST' || !/^\/api\/\d+\/envelope\/?/.test(request.url ?? '')) {
      response.writeHead(404).end();
      return;
    }
    envelopes.push(parseEnvelope(decode(request, await readBody(request))));
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const events = () =>
    envelopes.flatMap((envelope) =>
      envelope.items
        .filter((item) => item.header.type === 'event')
        .map((item) => item.payload as Record<string, unknown>),
    );
  return {
    dsn: `http://publickey@127.0.0.1:${port}/1`,
    envelopes,
    events,
    async waitForEvents(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (events().length < count && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      return events();
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function decode(request: IncomingMessage, body: Buffer): Buffer {
  switch (request.headers['content-encoding']) {
    case 'gzip':
      return gunzipSync(body);
    case 'deflate':
      return inflateSync(body);
    case 'br':
      return brotliDecompressSync(body);
    default:
      return body;
  }
}

/** Items may declare a byte `length` (binary-safe); otherwise the payload runs to the next newline. */
export function parseEnvelope(body: Buffer): Envelope {
  let offset = 0;
  const nextLine = (): Buffer => {
    const end = body.indexOf(0x0a, offset);
    const line = body.subarray(offset, end === -1 ? body.length : end);
    offset = end === -1 ? body.length : end + 1;
    return line;
  };
  const header = JSON.parse(nextLine().toString('utf8')) as Record<string, unknown>;
  const items: EnvelopeItem[] = [];
  while (offset < body.length) {
    const headerLine = nextLine().toString('utf8').trim();
    if (!headerLine) continue;
    const itemHeader = JSON.parse(headerLine) as EnvelopeItem['header'];
    let payload: Buffer;
    if (typeof itemHeader.length === 'number') {
      payload = body.subarray(offset, offset + itemHeader.length);
      offset += itemHeader.length + 1;
    } else payload = nextLine();
    const text = payload.toString('utf8');
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // attachments and other binary items stay as text
    }
    items.push({ header: itemHeader, payload: parsed });
  }
  return { header, items, raw: body.toString('utf8') };
}
