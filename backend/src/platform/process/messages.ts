import type { Registry } from 'prom-client';

/**
 * The IPC vocabulary between the cluster primary and its API workers (node:cluster's channel, JSON).
 * Every message carries a `lexikon:` type so it can never be mistaken for Node's or a library's own.
 */
/** One worker's series as prom-client's JSON (`registry.getMetricsAsJSON()`), which it knows how to sum. */
export type MetricsSnapshot = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

export type WorkerToPrimary =
  /** The worker's HTTP server listens (sent once, after `app.listen`). */
  | { type: 'lexikon:ready'; address: string }
  /** A `/metrics` request reached this worker: it needs the aggregate over every worker. */
  | { type: 'lexikon:metrics-request'; requestId: number }
  /** The answer to a snapshot request: this worker's own series, as prom-client's JSON. */
  | { type: 'lexikon:metrics-snapshot'; requestId: number; snapshot: MetricsSnapshot };

export type PrimaryToWorker =
  /** Stop accepting, finish in-flight requests, close the database, exit. */
  | { type: 'lexikon:drain' }
  | { type: 'lexikon:metrics-snapshot-request'; requestId: number }
  | { type: 'lexikon:metrics'; requestId: number; text: string }
  | { type: 'lexikon:metrics'; requestId: number; error: string };

function hasType(message: unknown): message is { type: string } {
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof (message as { type?: unknown }).type === 'string'
  );
}

export function isWorkerMessage(message: unknown): message is WorkerToPrimary {
  return hasType(message) && message.type.startsWith('lexikon:');
}

export function isPrimaryMessage(message: unknown): message is PrimaryToWorker {
  return hasType(message) && message.type.startsWith('lexikon:');
}
