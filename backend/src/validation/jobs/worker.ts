import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Metrics } from '../../observability/metrics.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/database/client.ts';
import { backoffDelayMs, sleep } from '../../platform/resilience/backoff.ts';
import { jobsRepository as jobs, type ClaimedJob } from './repository.ts';

/** What handling a job came to. `done`, `failed` and `skipped` are already recorded by the handler. */
export type JobResult =
  { kind: 'done' | 'failed' | 'skipped' } | { kind: 'retry'; error: string; retryAfterMs: number | null };

export type JobHandler = (job: ClaimedJob, signal: AbortSignal) => Promise<JobResult>;

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
/** How long the loop waits before looking again when requests are queueing for the database. */
const BUSY_PAUSE_MS = 50;

/**
 * Runs queued validation jobs. Any number of workers (in one process or across replicas) can run side by
 * side: claims skip rows another worker holds. `start()` polls until `stop()`; `drain()` runs whatever
 * is due right now and returns, which is what tests and the CLI use.
 */
export class ValidationWorker {
  readonly id: string;
  readonly #db: Db;
  readonly #handler: JobHandler;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #metrics: Metrics;
  readonly #options: WorkerOptions;
  readonly #databaseBusy: () => boolean;
  #controller = new AbortController();
  #loop: Promise<void> | null = null;
  #lastMaintenance = 0;

  constructor(deps: {
    db: Db;
    handler: JobHandler;
    clock: Clock;
    logger: Logger;
    metrics: Metrics;
    options: WorkerOptions;
    id?: string;
    /**
     * True while requests wait for a database connection: the polling loop then claims nothing, so
     * background validation never competes with people for the database (drain() ignores it).
     */
    databaseBusy?: () => boolean;
  }) {
    this.#databaseBusy = deps.databaseBusy ?? (() => false);
    this.id = deps.id ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#db = deps.db;
    this.#handler = deps.handler;
    this.#clock = deps.clock;
    this.#logger = deps.logger.child({ worker: this.id });
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

  /** Stops polling and aborts jobs in flight (they return to the queue), then waits for the loop to end. */
  async stop(): Promise<void> {
    this.#controller.abort(new Error('validation worker stopping'));
    await this.#loop;
    this.#loop = null;
  }

  /** Runs due jobs until none is left, then returns what happened. Jobs rescheduled for later are not waited for. */
  async drain(): Promise<DrainSummary> {
    const summary: DrainSummary = { done: 0, failed: 0, skipped: 0, retried: 0 };
    for (;;) {
      const results = await this.runOnce();
      if (results.length === 0) return summary;
      for (const result of results) {
        if (result === 'retry') summary.retried++;
        else if (result !== 'released') summary[result]++;
      }
    }
  }

  /** Claims up to `concurrency` due jobs and handles them concurrently. */
  async runOnce(): Promise<(JobResult['kind'] | 'released')[]> {
    const signal = this.#controller.signal;
    if (signal.aborted) return [];
    const claimed = await jobs.claim(this.#db, {
      limit: this.#options.concurrency,
      workerId: this.id,
      now: this.#clock.now(),
      leaseMs: this.#options.leaseMs,
    });
    return Promise.all(claimed.map((job) => this.#handle(job, signal)));
  }

  async #handle(job: ClaimedJob, signal: AbortSignal): Promise<JobResult['kind'] | 'released'> {
    let result: JobResult;
    try {
      result = await this.#handler(job, signal);
    } catch (error) {
      if (signal.aborted) {
        await jobs.release(this.#db, job, this.#clock.now()).catch(() => {
          // The database may be closing too; the lease expires and another worker takes the job.
        });
        return 'released';
      }
      this.#logger.warn({ err: error, job: job.id, term: job.termId }, 'validation job failed unexpectedly');
      result = {
        kind: 'retry',
        error: error instanceof Error ? error.message : String(error),
        retryAfterMs: null,
      };
    }
    if (result.kind !== 'retry') {
      this.#metrics.jobs.outcomes.inc({ outcome: result.kind });
      return result.kind;
    }
    if (job.attempts >= job.maxAttempts) {
      await jobs.finish(this.#db, job, 'failed', { now: this.#clock.now(), error: result.error });
      this.#metrics.jobs.outcomes.inc({ outcome: 'failed' });
      return 'failed';
    }
    const delay = Math.max(
      backoffDelayMs(job.attempts, { baseMs: this.#options.backoffMs, maxMs: MAX_BACKOFF_MS }),
      result.retryAfterMs ?? 0,
    );
    await jobs.reschedule(this.#db, job, new Date(this.#clock.now().getTime() + delay), result.error);
    this.#metrics.jobs.outcomes.inc({ outcome: 'retried' });
    this.#logger.info(
      { job: job.id, term: job.termId, attempt: job.attempts, retryInMs: delay, error: result.error },
      'validation job will be retried',
    );
    return 'retry';
  }

  async #run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (this.#databaseBusy()) {
        await sleep(BUSY_PAUSE_MS, signal).catch(() => {});
        continue;
      }
      let handled = 0;
      try {
        await this.#maintain();
        handled = (await this.runOnce()).length;
      } catch (error) {
        if (signal.aborted) break;
        // Database down or similar: keep polling; the next claim recovers by itself.
        this.#logger.warn({ err: error }, 'validation worker could not poll the job queue');
      }
      if (handled === 0) await sleep(this.#options.pollMs, signal).catch(() => {});
    }
  }

  async #maintain(): Promise<void> {
    const now = this.#clock.now();
    if (now.getTime() - this.#lastMaintenance < MAINTENANCE_EVERY_MS) return;
    this.#lastMaintenance = now.getTime();
    const abandoned = await jobs.failAbandoned(this.#db, now);
    const purged = await jobs.purgeFinished(
      this.#db,
      new Date(now.getTime() - this.#options.retentionDays * 24 * 60 * 60 * 1000),
    );
    if (abandoned + purged > 0) this.#logger.info({ abandoned, purged }, 'validation queue maintenance');
  }
}
