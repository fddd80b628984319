import { AggregatorRegistry } from 'prom-client';
import type { MetricsSnapshot, PrimaryToWorker } from './messages.ts';

/** What the primary needs of a worker: its cluster id and a way to message it. */
export interface MetricsPeer {
  id: number;
  send(message: PrimaryToWorker): void;
}

/** A worker that does not answer in time is represented by its previous snapshot (stale, but monotonic). */
const SNAPSHOT_TIMEOUT_MS = 3000;

// Series that only ever grow. A worker that exits takes its counts with it; keeping its last counters and
// histograms in the sum means the aggregate never goes backwards, which Prometheus would read as a reset
// of the whole series (a spike in rate()). Gauges describe the living only, so a dead worker's are dropped.
const CUMULATIVE_TYPES = new Set(['counter', 'histogram']);

interface PendingCollection {
  waiting: Set<number>;
  settle(): void;
}

/**
 * The primary's side of `/metrics` with several API workers: Prometheus scrapes one endpoint, served by
 * whichever worker the connection lands on, so that worker asks the primary, which gathers every worker's
 * series and sums them with prom-client's own aggregation rules (`AggregatorRegistry.aggregate`: counters
 * and histograms summed, each default metric with its declared aggregator).
 */
export class ClusterMetrics {
  #nextRequestId = 1;
  readonly #pending = new Map<number, PendingCollection>();
  readonly #latest = new Map<number, MetricsSnapshot>();
  #retired: MetricsSnapshot = [];

  /** The aggregate over `peers` (and over the counters of workers that have exited), as exposition text. */
  async collect(peers: MetricsPeer[]): Promise<string> {
    const requestId = this.#nextRequestId++;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(settle, SNAPSHOT_TIMEOUT_MS);
      const pending: PendingCollection = { waiting: new Set(peers.map((peer) => peer.id)), settle };
      function settle(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#pending.set(requestId, pending);
      for (const peer of peers) {
        try {
          peer.send({ type: 'lexikon:metrics-snapshot-request', requestId });
        } catch {
          pending.waiting.delete(peer.id); // its channel just closed; it is exiting
        }
      }
      if (pending.waiting.size === 0) settle();
    });
    this.#pending.delete(requestId);

    // Every count is in exactly one place: a living worker's latest snapshot, or (once it exited) the
    // retired sum. A worker that exited during the collection is found in the second only.
    const snapshots = [this.#retired];
    for (const peer of peers) {
      const snapshot = this.#latest.get(peer.id);
      if (snapshot) snapshots.push(snapshot);
    }
    return AggregatorRegistry.aggregate(snapshots).metrics();
  }

  /** A worker's answer to a snapshot request. */
  receive(workerId: number, requestId: number, snapshot: MetricsSnapshot): void {
    const pending = this.#pending.get(requestId);
    if (!pending?.waiting.delete(workerId)) return; // late or unknown: that collection is over
    this.#latest.set(workerId, snapshot);
    if (pending.waiting.size === 0) pending.settle();
  }

  /** A worker exited: stop waiting for it, and keep what it had counted. */
  retire(workerId: number): void {
    for (const pending of this.#pending.values())
      if (pending.waiting.delete(workerId) && pending.waiting.size === 0) pending.settle();
    const last = this.#latest.get(workerId);
    this.#latest.delete(workerId);
    if (!last) return;
    const cumulative = last.filter((metric) => CUMULATIVE_TYPES.has(String(metric.type)));
    this.#retired = sumSnapshots([this.#retired, cumulative]);
  }
}

/**
 * prom-client's aggregation, kept as a snapshot. Synchronous on purpose (a collection running at the same
 * moment must see the dead worker's counts either in its last snapshot or here, never in neither):
 * `aggregate()` registers the summed metric objects themselves, values included.
 */
function sumSnapshots(snapshots: MetricsSnapshot[]): MetricsSnapshot {
  return AggregatorRegistry.aggregate(snapshots)
    .getMetricsAsArray()
    .map((metric) => {
      const { help, name, type, aggregator, values } = metric as unknown as MetricsSnapshot[number];
      return { help, name, type, aggregator, values } as MetricsSnapshot[number];
    });
}
