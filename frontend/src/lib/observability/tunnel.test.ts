import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSentry, type FakeSentry } from '@lexikon/harness/fakes/sentry';
import { parseDsn, type Dsn } from './dsn.ts';
import { forwardEnvelope, type TunnelOptions } from './tunnel.server.ts';

let sentry: FakeSentry;
let dsn: Dsn;

beforeAll(async () => {
  sentry = await startFakeSentry();
  dsn = parseDsn(sentry.dsn)!;
});
afterAll(() => sentry.close());

const MAX = 4096;
const options = (overrides: Partial<TunnelOptions> = {}): TunnelOptions => ({
  dsn,
  maxBytes: MAX,
  timeoutMs: 5000,
  ...overrides,
});

function envelope(header: Record<string, unknown>, eventId = crypto.randomUUID().replaceAll('-', '')) {
  const event = { event_id: eventId, message: 'tunnel test', level: 'error' };
  return [
    JSON.stringify({ event_id: eventId, sent_at: new Date().toISOString(), ...header }),
    JSON.stringify({ type: 'event' }),
    JSON.stringify(event),
  ].join('\n');
}

const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  new Request('http://127.0.0.1/monitoring', { method: 'POST', body, headers });

async function problemOf(response: Response): Promise<Record<string, unknown>> {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  return (await response.json()) as Record<string, unknown>;
}

describe('the Sentry tunnel', () => {
  it('forwards an envelope for the configured project, byte for byte (binary items included)', async () => {
    const before = sentry.envelopes.length;
    const binary = Uint8Array.from([0x78, 0x9c, 0x00, 0x0a, 0xff, 0x0a, 0x01]);
    const text = `${envelope({ dsn: sentry.dsn })}\n${JSON.stringify({ type: 'attachment', length: binary.length })}\n`;
    const body = new Uint8Array([...new TextEncoder().encode(text), ...binary]);

    const response = await forwardEnvelope(post(body), options());

    expect(response.status).toBe(200);
    expect(sentry.envelopes).toHaveLength(before + 1);
    const received = sentry.envelopes.at(-1)!;
    expect(received.items.map((item) => item.header.type)).toEqual(['event', 'attachment']);
    expect(Buffer.from(received.raw, 'utf8').subarray(0, text.length).toString()).toBe(text);
    expect((received.items[0]!.payload as { message: string }).message).toBe('tunnel test');
  });

  it.each([
    ['another project', (url: URL) => (url.pathname = '/2')],
    ['another public key', (url: URL) => (url.username = 'someoneelse')],
    ['another host', (url: URL) => (url.hostname = 'sentry.example.org')],
  ])('refuses an envelope for %s with 403, forwarding nothing', async (_label, change) => {
    const before = sentry.envelopes.length;
    const foreign = new URL(sentry.dsn);
    change(foreign);

    const response = await forwardEnvelope(post(envelope({ dsn: foreign.href })), options());

    expect(response.status).toBe(403);
    expect((await problemOf(response)).code).toBe('foreign-dsn');
    expect(sentry.envelopes).toHaveLength(before);
  });

  it('refuses a body larger than the limit, declared or not, with 413', async () => {
    const before = sentry.envelopes.length;
    const big = envelope({ dsn: sentry.dsn, padding: 'x'.repeat(MAX) });

    const declared = await forwardEnvelope(post(big), options());
    expect(declared.status).toBe(413);
    expect((await problemOf(declared)).code).toBe('envelope-too-large');

    // Streamed without a length: the limit applies while reading.
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < bytes.length; offset += 1000)
          controller.enqueue(bytes.subarray(offset, offset + 1000));
        controller.close();
      },
    });
    // Node needs `duplex` for a stream body; the DOM typings do not know it yet.
    const init: RequestInit & { duplex: 'half' } = { method: 'POST', body: stream, duplex: 'half' };
    const streamed = await forwardEnvelope(new Request('http://127.0.0.1/monitoring', init), options());
    expect(streamed.status).toBe(413);
    expect(sentry.envelopes).toHaveLength(before);
  });

  it.each([
    ['an empty body', ''],
    ['a header that is not JSON', '{"dsn": \n{"type":"event"}\n{}'],
    ['a header that is not an object', '["dsn"]\n{"type":"event"}\n{}'],
    ['a header without a DSN', '{"event_id":"abc"}\n{"type":"event"}\n{}'],
    ['a DSN that is not a DSN', '{"dsn":"javascript:alert(1)"}\n{"type":"event"}\n{}'],
    ['a DSN without a project', '{"dsn":"https://key@sentry.example.org/"}\n{}'],
  ])('refuses %s with 400', async (_label, body) => {
    const before = sentry.envelopes.length;
    const response = await forwardEnvelope(post(body), options());
    expect(response.status).toBe(400);
    expect((await problemOf(response)).code).toBe('malformed-envelope');
    expect(sentry.envelopes).toHaveLength(before);
  });

  it('answers 502 when Sentry cannot be reached, without throwing', async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const unreachable = parseDsn(`http://publickey@127.0.0.1:${closed}/1`)!;
    const response = await forwardEnvelope(
      post(envelope({ dsn: `http://publickey@127.0.0.1:${closed}/1` })),
      options({ dsn: unreachable }),
    );
    expect(response.status).toBe(502);
    expect((await problemOf(response)).code).toBe('error-tracking-unreachable');
  });

  it('passes Sentry’s rate limits back to the SDK', async () => {
    const limited: typeof fetch = async () =>
      new Response('', {
        status: 429,
        headers: {
          'retry-after': '60',
          'x-sentry-rate-limits': '60:error:organization',
          'set-cookie': 'a=b',
        },
      });
    const response = await forwardEnvelope(post(envelope({ dsn: sentry.dsn })), options({ fetch: limited }));
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('60');
    expect(response.headers.get('x-sentry-rate-limits')).toBe('60:error:organization');
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('posts to the configured project’s envelope URL only', async () => {
    const urls: string[] = [];
    const recording: typeof fetch = async (input) => {
      urls.push(String(input));
      return new Response('{}', { status: 200 });
    };
    const withPath = parseDsn('https://key@sentry.example.org/prefix/42')!;
    const response = await forwardEnvelope(
      post(envelope({ dsn: 'https://key@SENTRY.example.org/prefix/42' })),
      options({ dsn: withPath, fetch: recording }),
    );
    expect(response.status).toBe(200);
    expect(urls).toEqual(['https://sentry.example.org/prefix/api/42/envelope/']);
  });
});

describe('DSNs', () => {
  it('parses the parts of a DSN and refuses what is not one', () => {
    expect(parseDsn('https://abc@o1.ingest.sentry.io/123')).toEqual({
      protocol: 'https:',
      publicKey: 'abc',
      host: 'o1.ingest.sentry.io',
      pathPrefix: '',
      projectId: '123',
    });
    for (const bad of [
      'not a url',
      'ftp://abc@host/1',
      'https://host/1',
      'https://abc@host/',
      'https://abc@host/1?x=y',
      'https://abc:secret@host/1',
    ])
      expect(parseDsn(bad), bad).toBeNull();
  });
});
