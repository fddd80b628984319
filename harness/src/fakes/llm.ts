import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An OpenAI-compatible Chat Completions server on loopback (`POST /v1/chat/completions`), scripted per
 * request: a verdict, a slow answer, 429 (with Retry-After) or 500, malformed or off-schema content. It
 * records every request so tests can read the prompt the app sent.
 */

export type FakeReply =
  | { kind: 'content'; content: string; delayMs?: number; usage?: { prompt: number; completion: number } }
  | { kind: 'status'; status: number; delayMs?: number; headers?: Record<string, string> };

export interface RecordedRequest {
  body: {
    model: string;
    messages: { role: string; content: string }[];
    temperature?: number;
    response_format?: {
      type: string;
      json_schema?: { name: string; schema: Record<string, unknown>; strict?: boolean };
    };
  };
  headers: IncomingMessage['headers'];
  at: number;
}

export const DEFAULT_USAGE = { prompt: 321, completion: 45 };

/** A well-formed verdict. */
export function verdict(findings: unknown[] = [], options: { delayMs?: number } = {}): FakeReply {
  return { kind: 'content', content: JSON.stringify({ findings }), ...options };
}

/** Any content, e.g. malformed JSON or JSON that does not match the schema. */
export function content(text: string, options: { delayMs?: number } = {}): FakeReply {
  return { kind: 'content', content: text, ...options };
}

export function httpStatus(status: number, headers: Record<string, string> = {}): FakeReply {
  return { kind: 'status', status, headers };
}

export function slow(delayMs: number, reply: FakeReply = verdict()): FakeReply {
  return { ...reply, delayMs };
}

export interface FakeLlm {
  /** Base URL for LLM_BASE_URL (ends with /v1). */
  url: string;
  requests: RecordedRequest[];
  /** Requests whose client hung up before the answer (timeouts). */
  abandoned: number;
  /** Queues replies, used in order; when the queue is empty, `fallback` answers. */
  script(...replies: FakeReply[]): void;
  fallback: FakeReply;
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeLlm(): Promise<FakeLlm> {
  const queue: FakeReply[] = [];
  const fake: FakeLlm = {
    url: '',
    requests: [],
    abandoned: 0,
    script: (...replies) => queue.push(...replies),
    fallback: verdict(),
    reset() {
      queue.length = 0;
      fake.requests.length = 0;
      fake.abandoned = 0;
      fake.fallback = verdict();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  const server = createServer(async (request, response) => {
    const raw = await readBody(request);
    if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
      return send(response, 404, { error: { message: 'Not found', type: 'invalid_request_error' } });
    }
    let body: RecordedRequest['body'];
    try {
      body = JSON.parse(raw);
    } catch {
      return send(response, 400, { error: { message: 'Invalid JSON body', type: 'invalid_request_error' } });
    }
    fake.requests.push({ body, headers: request.headers, at: performance.now() });
    // A real server with structured outputs refuses a json_schema response format without a schema.
    if (body.response_format?.type === 'json_schema' && !body.response_format.json_schema?.schema)
      return send(response, 400, {
        error: { message: 'json_schema.schema is required', type: 'invalid_request_error' },
      });

    const reply = queue.shift() ?? fake.fallback;
    if (reply.delayMs) {
      const finished = await waitUnlessClosed(response, reply.delayMs);
      if (!finished) {
        fake.abandoned++;
        return;
      }
    }
    if (reply.kind === 'status') {
      for (const [name, value] of Object.entries(reply.headers ?? {})) response.setHeader(name, value);
      return send(response, reply.status, {
        error: {
          message: `Scripted failure ${reply.status}`,
          type: reply.status === 429 ? 'rate_limit_error' : 'server_error',
        },
      });
    }
    const usage = reply.usage ?? DEFAULT_USAGE;
    send(response, 200, {
      id: `chatcmpl-${fake.requests.length}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: reply.content, refusal: null },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: usage.prompt,
        completion_tokens: usage.completion,
        total_tokens: usage.prompt + usage.completion,
      },
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return fake;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (data += chunk));
    request.on('end', () => resolve(data));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  if (response.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** Resolves true after `ms`, or false as soon as the client hangs up (its timeout fired). */
function waitUnlessClosed(response: ServerResponse, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      response.off('close', onClose);
      resolve(true);
    }, ms);
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    response.on('close', onClose);
  });
}
