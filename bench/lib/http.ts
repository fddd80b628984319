import http from 'node:http';
import { elapsedMs } from './stats.ts';

export interface TimedResponse {
  status: number;
  body: Buffer;
  /** From writing the request to receiving the last byte of the body. */
  ms: number;
}

/**
 * A minimal keep-alive client. node:http rather than fetch: undici's per-request bookkeeping would be
 * counted as server latency, and one reused socket keeps connection set-up out of the figures.
 */
export class TimedClient {
  readonly #agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  readonly #base: URL;
  readonly #headers: Record<string, string>;

  constructor(baseUrl: string, headers: Record<string, string> = {}) {
    this.#base = new URL(baseUrl);
    this.#headers = headers;
  }

  get(path: string): Promise<TimedResponse> {
    return this.request('GET', path);
  }

  request(method: string, path: string, json?: unknown): Promise<TimedResponse> {
    const payload = json === undefined ? undefined : Buffer.from(JSON.stringify(json));
    const headers = payload
      ? { ...this.#headers, 'content-type': 'application/json', 'content-length': String(payload.length) }
      : this.#headers;
    return new Promise((resolve, reject) => {
      const start = process.hrtime.bigint();
      const request = http.request(
        new URL(path, this.#base),
        { method, headers, agent: this.#agent },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks), ms: elapsedMs(start) }),
          );
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
