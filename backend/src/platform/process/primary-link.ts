import cluster from 'node:cluster';
import { Registry } from 'prom-client';
import type { MetricsSource } from '../metrics-source.ts';
import { errors } from '../errors.ts';
import { isPrimaryMessage, type PrimaryToWorker, type WorkerToPrimary } from './messages.ts';

/** Longer than the primary's own wait for every worker's snapshot, so its answer (even partial) arrives. */
const METRICS_TIMEOUT_MS = 5000;

interface WaitingScrape {
  resolve(text: string): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * An API worker's side of the cluster: tells the primary when it serves, drains when the primary says
 * so, answers the primary's requests for its metrics, and gets the cluster-wide metrics for `/metrics`.
 * Created first thing in a worker, so a drain order sent while the app is still being built is not lost.
 */
export class PrimaryLink {
  #registry: Registry | null = null;
  #drainRequested = false;
  #onDrain: (() => void) | null = null;
  #nextRequestId = 1;
  readonly #waiting = new Map<number, WaitingScrape>();

  /** `/metrics` in a worker: the aggregate over every worker, as the primary computes it. */
  readonly metricsSource: MetricsSource = {
    contentType: Registry.PROMETHEUS_CONTENT_TYPE,
    metrics: () => this.#askPrimaryForMetrics(),
  };

  /** The link when this process is a cluster worker; null in a single-process server. */
  static connect(): PrimaryLink | null {
    return cluster.isWorker ? new PrimaryLink() : null;
  }

  private constructor() {
    process.on('message', (message: unknown) => {
      if (isPrimaryMessage(message)) void this.#receive(message);
    });
  }

  /** The registry whose series this worker contributes (the app's, once built). */
  expose(registry: Registry): void {
    this.#registry = registry;
  }

  /** What to run when the primary asks this worker to drain (runs at once if it already asked). */
  onDrain(callback: () => void): void {
    this.#onDrain = callback;
    if (this.#drainRequested) callback();
  }

  ready(address: string): void {
    this.#send({ type: 'lexikon:ready', address });
  }

  async #receive(message: PrimaryToWorker): Promise<void> {
    switch (message.type) {
      case 'lexikon:drain':
        this.#drainRequested = true;
        this.#onDrain?.();
        return;
      case 'lexikon:metrics-snapshot-request':
        // Before the app exists there is nothing to count yet: an empty contribution, not a missing one.
        this.#send({
          type: 'lexikon:metrics-snapshot',
          requestId: message.requestId,
          snapshot: this.#registry ? await this.#registry.getMetricsAsJSON() : [],
        });
        return;
      case 'lexikon:metrics': {
        const waiting = this.#waiting.get(message.requestId);
        if (!waiting) return;
        this.#waiting.delete(message.requestId);
        clearTimeout(waiting.timer);
        if ('text' in message) waiting.resolve(message.text);
        else waiting.reject(unavailable(message.error));
        return;
      }
    }
  }

  #askPrimaryForMetrics(): Promise<string> {
    const requestId = this.#nextRequestId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(requestId);
        reject(unavailable('no answer from the primary process'));
      }, METRICS_TIMEOUT_MS);
      this.#waiting.set(requestId, { resolve, reject, timer });
      if (!this.#send({ type: 'lexikon:metrics-request', requestId })) {
        clearTimeout(timer);
        this.#waiting.delete(requestId);
        reject(unavailable('the primary process is gone'));
      }
    });
  }

  /** False when the channel to the primary is closed (the worker is on its way out). */
  #send(message: WorkerToPrimary): boolean {
    if (!process.connected || !process.send) return false;
    try {
      process.send(message); // false only means "queued behind others", not "lost"
      return true;
    } catch {
      return false;
    }
  }
}

function unavailable(reason: string): Error {
  return errors.serviceUnavailable(
    `The metrics of every API process could not be gathered (${reason}); try again.`,
  );
}
