import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { GraphMetrics } from '../../observability/metrics.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/database/client.ts';
import type { GraphOutboxConfig } from '../../platform/config.ts';
import { backoffDelayMs, sleep } from '../../platform/resilience/backoff.ts';
import { MirrorUnavailableError, type GraphMirror, type MirrorChanges } from '../mirror.ts';
import { graphOutboxRepository as outbox, type ClaimedChange } from './repository.ts';
import { resolveChanges } from './state.ts';

export interface OutboxDrainSummary {
  applied: number;
  retried: number;
  failed: number;
}

export type OutboxWorkerOptions = Pick<
  GraphOutboxConfig,
  'pollMs' | 'batchSize' | 'backoffMs' | 'backoffMaxMs' | 'maxAttempts'
> & {
  /** Longest a batch may take before another worker may claim its rows again. */
  leaseMs: number;
};

type BatchOutcome = { kind: 'applied' | 'retried' | 'failed' | 'released'; rows: number };

/**
 * Drains the graph outbox into the mirror. Any number of workers, in one process or many, can run on one
 * outbox: claims never hand two workers rows that touch the same term (see the repository). A batch is
 * applied in one mirror transaction; if the mirror rejects it, its rows are applied one by one so a bad
 * row cannot hold back the others. An unreachable mirror is not the rows' fault: they are released
 * without spending an attempt and the whole worker backs off, so an outage of any length ends with every
 * row applied.
 */
export class GraphOutboxWorker {
  readonly id: string;
  readonly #db: Db;
  readonly #mirror: GraphMirror;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #metrics: GraphMetrics | undefined;
  readonly #options: OutboxWorkerOptions;
  #controller = new AbortController();
  #loop: Promise<void> | null = null;
  #schemaReady = false;
  /** Consecutive polls that found the mirror unreachable (drives the worker's own backoff). */
  #outagePolls = 0;

  constructor(deps: {
    db: Db;
    mirror: GraphMirror;
    clock: Clock;
    logger: Logger;
    metrics?: GraphMetrics;
    options: OutboxWorkerOptions;
    id?: string;
  }) {
    this.id = deps.id ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#db = deps.db;
    this.#mirror = deps.mirror;
    this.#clock = deps.clock;
    this.#logger = deps.logger.child({ worker: this.id, mirror: deps.mirror.name });
    this.#metrics = deps.metrics;
    this.#options = deps.options;
  }

  get running(): boolean {
    return this.#loop !== null;
  }

  start(): void {
    if (this.#loop) return;
    if (this.#controller.signal.aborted) this.#controller = new AbortController();
    this.#loop = this.#run(this.#controller.signal);
  }

  /** Stops polling and waits for the batch in flight, if any, to finish. */
  async stop(): Promise<void> {
    this.#controller.abort(new Error('graph outbox worker stopping'));
    await this.#loop;
    this.#loop = null;
  }

  /**
   * Applies claimable rows until none is left, then says what happened. Throws MirrorUnavailableError
   * when the mirror cannot be reached (the rows stay). Rows set to retry later are not waited for.
   */
  async drain(): Promise<OutboxDrainSummary> {
    const summary: OutboxDrainSummary = { applied: 0, retried: 0, failed: 0 };
    for (;;) {
      const outcomes = await this.runOnce();
      if (outcomes.length === 0) return summary;
      for (const outcome of outcomes) {
        if (outcome.kind === 'released')
          throw new MirrorUnavailableError(`${this.#mirror.name} is unreachable; the outbox keeps its rows`);
        summary[outcome.kind] += outcome.rows;
      }
    }
  }

  /** Claims one batch and applies it. Returns one outcome per group of rows, or [] when nothing was due. */
  async runOnce(): Promise<BatchOutcome[]> {
    const rows = await outbox.claim(this.#db, {
      limit: this.#options.batchSize,
      workerId: this.id,
      now: this.#clock.now(),
      leaseMs: this.#options.leaseMs,
    });
    if (rows.length === 0) return [];
    let changes: MirrorChanges;
    try {
      changes = await resolveChanges(this.#db, rows);
    } catch (error) {
      // PostgreSQL failed, not the mirror nor the rows: hand them back untouched (or let the lease lapse).
      await outbox.release(this.#db, rows).catch(() => {});
      throw error;
    }
    try {
      if (!this.#schemaReady) {
        await this.#mirror.ensureSchema();
        this.#schemaReady = true;
      }
      await this.#mirror.apply(changes);
    } catch (error) {
      if (error instanceof MirrorUnavailableError) {
        await outbox.release(this.#db, rows);
        this.#metrics?.neo4jUp.set({ mirror: this.#mirror.name }, 0);
        return [{ kind: 'released', rows: rows.length }];
      }
      this.#logger.warn(
        { err: error, rows: rows.length },
        'the mirror rejected a batch; applying its rows one by one',
      );
      return this.#applyOneByOne(rows);
    }
    await this.#completed(rows);
    return [{ kind: 'applied', rows: rows.length }];
  }

  async #completed(rows: readonly ClaimedChange[]): Promise<void> {
    const deleted = await outbox.complete(this.#db, rows);
    if (deleted < rows.length)
      this.#logger.warn(
        { rows: rows.length, deleted },
        'a batch outlived its lease; another worker re-applies the rest (harmless: changes are idempotent)',
      );
    this.#metrics?.outboxApplied.inc(rows.length);
    this.#metrics?.neo4jUp.set({ mirror: this.#mirror.name }, 1);
  }

  async #applyOneByOne(rows: readonly ClaimedChange[]): Promise<BatchOutcome[]> {
    const outcomes: BatchOutcome[] = [];
    for (const [index, row] of rows.entries()) {
      try {
        await this.#mirror.apply(await resolveChanges(this.#db, [row]));
        await this.#completed([row]);
        outcomes.push({ kind: 'applied', rows: 1 });
      } catch (error) {
        if (error instanceof MirrorUnavailableError) {
          await outbox.release(this.#db, rows.slice(index));
          outcomes.push({ kind: 'released', rows: rows.length - index });
          return outcomes;
        }
        outcomes.push({ kind: await this.#rowFailed(row, error), rows: 1 });
      }
    }
    return outcomes;
  }

  async #rowFailed(row: ClaimedChange, error: unknown): Promise<'retried' | 'failed'> {
    const message = error instanceof Error ? error.message : String(error);
    const attempt = row.attempts + 1;
    const context = { row: row.id, kind: row.kind, term: row.termId, relation: row.relationId, attempt };
    if (attempt >= this.#options.maxAttempts) {
      await outbox.fail(this.#db, row, this.#clock.now(), message);
      this.#metrics?.outboxFailed.inc({ outcome: 'failed' });
      this.#logger.error({ ...context, err: error }, 'graph outbox row set aside after its last attempt');
      return 'failed';
    }
    const delay = backoffDelayMs(attempt, {
      baseMs: this.#options.backoffMs,
      maxMs: this.#options.backoffMaxMs,
    });
    await outbox.retryLater(this.#db, row, new Date(this.#clock.now().getTime() + delay), message);
    this.#metrics?.outboxFailed.inc({ outcome: 'retried' });
    this.#logger.warn({ ...context, err: error, retryInMs: delay }, 'graph outbox row will be retried');
    return 'retried';
  }

  async #run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let wait = this.#options.pollMs;
      try {
        const outcomes = await this.runOnce();
        if (outcomes.some((outcome) => outcome.kind === 'released')) {
          this.#outagePolls++;
          if (this.#outagePolls === 1)
            this.#logger.warn(
              'the graph mirror is unreachable; changes wait in the outbox and are applied when it is back',
            );
          wait = backoffDelayMs(this.#outagePolls, {
            baseMs: this.#options.backoffMs,
            maxMs: this.#options.backoffMaxMs,
          });
        } else {
          if (this.#outagePolls > 0 && outcomes.length > 0) {
            this.#logger.info({ afterPolls: this.#outagePolls }, 'the graph mirror is reachable again');
            this.#outagePolls = 0;
          }
          // More may be waiting: poll again at once after a batch, sleep when there was nothing.
          if (outcomes.length > 0) wait = 0;
        }
      } catch (error) {
        if (signal.aborted) break;
        // PostgreSQL down or similar: keep polling; the next claim recovers by itself.
        this.#logger.warn({ err: error }, 'graph outbox worker could not poll the outbox');
      }
      if (wait > 0) await sleep(wait, signal).catch(() => {});
    }
  }
}
