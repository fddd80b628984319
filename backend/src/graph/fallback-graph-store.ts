import type { Logger } from 'pino';
import type { GraphMetrics, TraversalFallbackReason } from '../observability/metrics.ts';
import type { Clock } from '../platform/clock.ts';
import { CircuitBreaker } from '../platform/resilience/circuit-breaker.ts';
import { MirrorRebuildingError, MirrorUnavailableError } from './mirror.ts';
import type { GraphStore, Subgraph, TraversalOptions } from './port.ts';

/** After a failed call, traversals skip the mirror this long before one call tries it again. */
export const MIRROR_RETRY_AFTER_MS = 5000;

/**
 * GRAPH_ENGINE=neo4j: traversals go to the mirror and, whenever it cannot answer, to PostgreSQL, so the
 * API stays up. The answer's `engine` says which one answered. Falls back when the mirror is unreachable
 * (logged once per outage; then skipped for MIRROR_RETRY_AFTER_MS, so requests do not each wait for a
 * connection timeout), while a resync rebuilds it, when it does not have the start term yet (a term
 * created a moment ago: the outbox has not reached it), and on any other error (logged).
 */
export class FallbackGraphStore implements GraphStore {
  readonly name: string;
  readonly #primary: GraphStore;
  readonly #fallback: GraphStore;
  readonly #logger: Logger;
  readonly #metrics: GraphMetrics | undefined;
  readonly #breaker: CircuitBreaker;
  #inOutage = false;

  constructor(deps: {
    primary: GraphStore;
    fallback: GraphStore;
    logger: Logger;
    clock: Clock;
    metrics?: GraphMetrics;
    retryAfterMs?: number;
  }) {
    this.name = deps.primary.name;
    this.#primary = deps.primary;
    this.#fallback = deps.fallback;
    this.#logger = deps.logger;
    this.#metrics = deps.metrics;
    this.#breaker = new CircuitBreaker({
      clock: deps.clock,
      failureThreshold: 1,
      cooldownMs: deps.retryAfterMs ?? MIRROR_RETRY_AFTER_MS,
    });
  }

  async related(startId: string, options: TraversalOptions): Promise<Subgraph> {
    if (!this.#breaker.tryAcquire()) return this.#fallBack('unavailable', startId, options);
    let subgraph: Subgraph;
    try {
      subgraph = await this.#primary.related(startId, options);
    } catch (error) {
      if (error instanceof MirrorUnavailableError) {
        this.#breaker.failure();
        this.#metrics?.neo4jUp.set({ mirror: this.#primary.name }, 0);
        if (!this.#inOutage)
          this.#logger.warn(
            { err: error, engine: this.#primary.name },
            'graph mirror unreachable: traversals are answered by PostgreSQL until it is back',
          );
        this.#inOutage = true;
        return this.#fallBack('unavailable', startId, options);
      }
      this.#breaker.release();
      if (error instanceof MirrorRebuildingError) return this.#fallBack('rebuilding', startId, options);
      this.#logger.error({ err: error, engine: this.#primary.name }, 'graph mirror traversal failed');
      return this.#fallBack('error', startId, options);
    }
    this.#breaker.success();
    this.#metrics?.neo4jUp.set({ mirror: this.#primary.name }, 1);
    if (this.#inOutage)
      this.#logger.info({ engine: this.#primary.name }, 'graph mirror answers traversals again');
    this.#inOutage = false;
    if (subgraph.nodes.length === 0) return this.#fallBack('not_mirrored', startId, options);
    return { ...subgraph, engine: this.#primary.name };
  }

  async #fallBack(
    reason: TraversalFallbackReason,
    startId: string,
    options: TraversalOptions,
  ): Promise<Subgraph> {
    this.#metrics?.fallbacks.inc({ reason });
    const subgraph = await this.#fallback.related(startId, options);
    return { ...subgraph, engine: this.#fallback.name };
  }
}
