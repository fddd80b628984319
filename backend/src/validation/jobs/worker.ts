import type { Logger } from 'pino';
import type { Metrics } from '../../observability/metrics.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/database/client.ts';
import {
  QueueWorker,
  type JobContext,
  type JobOutcome,
  type JobQueue,
  type Settled,
} from '../../platform/queue/worker.ts';
import { jobsRepository as jobs, type ClaimedJob } from './repository.ts';

/** Validates one term: the outcome, the job finished through `context.complete` in its own transaction. */
export type JobHandler = (job: ClaimedJob, context: JobContext<ClaimedJob>) => Promise<JobOutcome>;

export interface DrainSummary {
  done: number;
  failed: number;
  skipped: number;
  retried: number;
}

export interface WorkerOptions {
  pollMs: number;
  concurrency: number;
  /** Base of the exponential backoff between attempts of a job. */
  backoffMs: number;
  /** Longest a job may run before another worker may take it over. */
  leaseMs: number;
  retentionDays: number;
}

const MAX_BACKOFF_MS = 60 * 60 * 1000;
const MAINTENANCE_EVERY_MS = 10 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** validation_jobs as the shared worker sees it. */
function validationQueue(db: Db, retentionDays: number): JobQueue<ClaimedJob> {
  return {
    claim: (options) => jobs.claim(db, options),
    async complete(done, state, { db: tx, now, error }) {
      let held = 0;
      for (const job of done) if (await jobs.finish(tx ?? db, job, state, { now, error })) held++;
      return held;
    },
    async release(released, now) {
      for (const job of released) await jobs.release(db, job, now);
    },
    retryLater: async (job, runAfter, error) => void (await jobs.reschedule(db, job, runAfter, error)),
    fail: async (job, now, error) => void (await jobs.finish(db, job, 'failed', { now, error })),
    async maintain(now) {
      const abandoned = await jobs.failAbandoned(db, now);
      const purged = await jobs.purgeFinished(db, new Date(now.getTime() - retentionDays * DAY_MS));
      return { abandoned, purged };
    },
  };
}

/**
 * Runs queued validation jobs on the shared queue worker: up to `concurrency` claimed at a time and
 * validated side by side. `drain()` runs whatever is due right now and returns, which tests and the CLI use.
 */
export class ValidationWorker {
  readonly #worker: QueueWorker<ClaimedJob>;

  constructor(deps: {
    db: Db;
    handler: JobHandler;
    clock: Clock;
    logger: Logger;
    metrics: Metrics;
    options: WorkerOptions;
    id?: string;
    /** True while requests wait for a database connection: background validation then gives way. */
    databaseBusy?: () => boolean;
  }) {
    const { handler, logger, options } = deps;
    this.#worker = new QueueWorker({
      noun: 'validation job',
      queue: validationQueue(deps.db, options.retentionDays),
      handle: (claimed, context) =>
        Promise.all(
          claimed.map((job) =>
            handler(job, context).catch((error: unknown): JobOutcome => {
              if (context.signal.aborted) return { kind: 'released' };
              logger.warn(
                { err: error, job: job.id, term: job.termId },
                'validation job failed unexpectedly',
              );
              return { kind: 'retry', error: error instanceof Error ? error.message : String(error) };
            }),
          ),
        ),
      clock: deps.clock,
      logger,
      options: {
        pollMs: options.pollMs,
        batchSize: options.concurrency,
        leaseMs: options.leaseMs,
        backoffMs: options.backoffMs,
        backoffMaxMs: MAX_BACKOFF_MS,
        maintenanceEveryMs: MAINTENANCE_EVERY_MS,
      },
      ...(deps.id === undefined ? {} : { id: deps.id }),
      ...(deps.databaseBusy ? { busy: deps.databaseBusy } : {}),
      describe: (job) => ({ job: job.id, term: job.termId }),
      onSettled: (state) => {
        if (state !== 'released' && state !== 'unavailable')
          deps.metrics.jobs.outcomes.inc({ outcome: state });
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

  /** Stops polling and aborts jobs in flight (they return to the queue), then waits for the loop to end. */
  stop(): Promise<void> {
    return this.#worker.stop();
  }

  /** Claims up to `concurrency` due jobs and handles them; what became of each. */
  async runOnce(): Promise<Settled[]> {
    return (await this.#worker.runOnce()).map((item) => item.state);
  }

  /** Runs due jobs until none is left, then returns what happened. Jobs rescheduled for later are not waited for. */
  async drain(): Promise<DrainSummary> {
    const summary: DrainSummary = { done: 0, failed: 0, skipped: 0, retried: 0 };
    for (;;) {
      const states = await this.runOnce();
      if (states.length === 0) return summary;
      for (const state of states) if (state in summary) summary[state as keyof DrainSummary]++;
    }
  }
}
