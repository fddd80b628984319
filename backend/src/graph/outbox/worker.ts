import type { Logger } from 'pino';
import type { GraphMetrics } from '../../observability/metrics.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/database/client.ts';
import type { GraphOutboxConfig } from '../../platform/config.ts';
import {
  HandBackBatch,
  QueueWorker,
  type JobContext,
  type JobOutcome,
  type JobQueue,
  type LeasedJob,
} from '../../platform/queue/worker.ts';
import { MirrorUnavailableError, type GraphMirror } from '../mirror.ts';
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

/** An outbox row as the shared worker sees it: `attempts` counts this run. */
interface OutboxJob extends LeasedJob {
  change: ClaimedChange;
}

const changesOf = (jobs: readonly OutboxJob[]) => jobs.map((job) => job.change);

/** graph_outbox as the shared worker sees it. Applied rows are deleted; others keep their history. */
function outboxQueue(db: Db, maxAttempts: number, logger: Logger): JobQueue<OutboxJob> {
  return {
    async claim(options) {
      const rows = await outbox.claim(db, options);
      return rows.map((change) => ({ change, attempts: change.attempts + 1, maxAttempts }));
    },
    async complete(jobs) {
      const deleted = await outbox.complete(db, changesOf(jobs));
      if (deleted < jobs.length)
        logger.warn(
          { rows: jobs.length, deleted },
          'a batch outlived its lease; another worker re-applies the rest (harmless: changes are idempotent)',
        );
      return deleted;
    },
    release: (jobs) => outbox.release(db, changesOf(jobs)),
    retryLater: (job, runAfter, error) => outbox.retryLater(db, job.change, runAfter, error),
    fail: (job, now, error) => outbox.fail(db, job.change, now, error),
  };
}

/**
 * Drains the graph outbox into the mirror, on the shared queue worker. Any number of workers, in one
 * process or many, can run on one outbox: claims never hand two workers rows that touch the same term
 * (see the repository). A batch is applied in one mirror transaction; if the mirror rejects it, its rows
 * are applied one by one so a bad row cannot hold back the others. An unreachable mirror is not the rows'
 * fault: they go back without spending an attempt and the worker backs off, so an outage of any length
 * ends with every row applied.
 */
export class GraphOutboxWorker {
  readonly #worker: QueueWorker<OutboxJob>;
  readonly #db: Db;
  readonly #mirror: GraphMirror;
  readonly #logger: Logger;
  readonly #metrics: GraphMetrics | undefined;
  #schemaReady = false;

  constructor(deps: {
    db: Db;
    mirror: GraphMirror;
    clock: Clock;
    logger: Logger;
    metrics?: GraphMetrics;
    options: OutboxWorkerOptions;
    id?: string;
  }) {
    this.#db = deps.db;
    this.#mirror = deps.mirror;
    this.#logger = deps.logger.child({ mirror: deps.mirror.name });
    this.#metrics = deps.metrics;
    const { options } = deps;
    this.#worker = new QueueWorker({
      noun: 'graph outbox row',
      queue: outboxQueue(deps.db, options.maxAttempts, this.#logger),
      handle: (jobs, context) => this.#apply(jobs, context),
      clock: deps.clock,
      logger: this.#logger,
      options: {
        pollMs: options.pollMs,
        batchSize: options.batchSize,
        leaseMs: options.leaseMs,
        backoffMs: options.backoffMs,
        backoffMaxMs: options.backoffMaxMs,
      },
      ...(deps.id === undefined ? {} : { id: deps.id }),
      describe: ({ change }) => ({
        row: change.id,
        kind: change.kind,
        term: change.termId,
        relation: change.relationId,
      }),
      onSettled: (state) => {
        const up = { mirror: this.#mirror.name };
        if (state === 'done') {
          this.#metrics?.outboxApplied.inc();
          this.#metrics?.neo4jUp.set(up, 1);
        } else if (state === 'retried' || state === 'failed')
          this.#metrics?.outboxFailed.inc({ outcome: state });
        else if (state === 'unavailable') this.#metrics?.neo4jUp.set(up, 0);
      },
    });
  }

  get id(): string {
    return this.#worker.id;
  }

  get running(): boolean {
    return this.#worker.running;
  }

  start(): void {
    this.#worker.start();
  }

  /** Stops polling and waits for the batch in flight, if any, to finish. */
  stop(): Promise<void> {
    return this.#worker.stop();
  }

  /**
   * Applies claimable rows until none is left, then says what happened. Throws MirrorUnavailableError
   * when the mirror cannot be reached (the rows stay). Rows set to retry later are not waited for.
   */
  async drain(): Promise<OutboxDrainSummary> {
    const summary: OutboxDrainSummary = { applied: 0, retried: 0, failed: 0 };
    for (;;) {
      const settled = await this.#worker.runOnce();
      if (settled.length === 0) return summary;
      for (const { state } of settled) {
        if (state === 'unavailable' || state === 'released')
          throw new MirrorUnavailableError(`${this.#mirror.name} is unreachable; the outbox keeps its rows`);
        if (state === 'done') summary.applied++;
        else if (state === 'retried' || state === 'failed') summary[state]++;
      }
    }
  }

  async #apply(jobs: readonly OutboxJob[], context: JobContext<OutboxJob>): Promise<JobOutcome[]> {
    let changes;
    try {
      changes = await resolveChanges(this.#db, changesOf(jobs));
    } catch (error) {
      // PostgreSQL failed, not the mirror nor the rows: hand them back untouched.
      throw new HandBackBatch('could not read the changes of a batch', { cause: error });
    }
    try {
      if (!this.#schemaReady) {
        await this.#mirror.ensureSchema();
        this.#schemaReady = true;
      }
      await this.#mirror.apply(changes);
    } catch (error) {
      if (error instanceof MirrorUnavailableError) return jobs.map(() => ({ kind: 'unavailable' }));
      this.#logger.warn(
        { err: error, rows: jobs.length },
        'the mirror rejected a batch; applying its rows one by one',
      );
      return this.#applyOneByOne(jobs, context);
    }
    await context.complete(jobs, 'done');
    return jobs.map(() => ({ kind: 'done' }));
  }

  async #applyOneByOne(jobs: readonly OutboxJob[], context: JobContext<OutboxJob>): Promise<JobOutcome[]> {
    const outcomes: JobOutcome[] = [];
    for (const [index, job] of jobs.entries()) {
      try {
        await this.#mirror.apply(await resolveChanges(this.#db, [job.change]));
        await context.complete([job], 'done');
        outcomes.push({ kind: 'done' });
      } catch (error) {
        if (error instanceof MirrorUnavailableError) {
          for (let rest = index; rest < jobs.length; rest++) outcomes.push({ kind: 'unavailable' });
          return outcomes;
        }
        outcomes.push({ kind: 'retry', error: error instanceof Error ? error.message : String(error) });
      }
    }
    return outcomes;
  }
}
