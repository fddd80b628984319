import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Db } from '../database/client.ts';
import { backoffDelayMs, sleep } from '../resilience/backoff.ts';

/** A job a worker holds under a lease. `attempts` counts this run. */
export interface LeasedJob {
  readonly attempts: number;
  readonly maxAttempts: number;
}

/**
 * What handling a job came to:
 * - `done`, `skipped`, `failed`: finished; the handler completed it through the context's `complete`, in
 *   the same transaction as its effects when it has one (a record exists exactly when its job is done);
 * - `retry`: failed in a way worth trying again (after a backoff, at least `retryAfterMs`), or given up
 *   after its last attempt;
 * - `released`: put back untouched, no attempt spent (our own database failed, not the job);
 * - `unavailable`: what the job writes to is down: put back untouched, and the worker backs off.
 */
export type JobOutcome =
  | { kind: 'done' | 'skipped' | 'failed' }
  | { kind: 'retry'; error: string; retryAfterMs?: number | null }
  | { kind: 'released' | 'unavailable' };

/** What a job's state became once the worker dealt with its outcome. */
export type Settled = 'done' | 'skipped' | 'retried' | 'failed' | 'released' | 'unavailable';

export type FinishedState = 'done' | 'skipped' | 'failed';

/**
 * A queue's storage: every change of a job's state goes through these, called by the worker only (the
 * handler reaches `complete` through its context). Each statement checks the lease, so a worker that lost
 * it changes nothing.
 */
export interface JobQueue<J extends LeasedJob> {
  claim(options: { limit: number; workerId: string; now: Date; leaseMs: number }): Promise<J[]>;
  /** Finishes jobs (in `db`, the handler's transaction, when given); returns how many were still held. */
  complete(
    jobs: readonly J[],
    state: FinishedState,
    options: { db: Db | undefined; now: Date; error: string | null },
  ): Promise<number>;
  release(jobs: readonly J[], now: Date): Promise<void>;
  retryLater(job: J, runAfter: Date, error: string): Promise<void>;
  fail(job: J, now: Date, error: string): Promise<void>;
  /** Periodic housekeeping (abandoned jobs, old rows); returns counts worth logging. */
  maintain?(now: Date): Promise<Record<string, number>>;
}

/**
 * Thrown by a handler to hand its whole batch back untouched, no attempt spent, when the fault is not the
 * jobs' (our own database failed while reading them): the poll fails with `cause`.
 */
export class HandBackBatch extends Error {
  override name = 'HandBackBatch';
}

export interface JobContext<J> {
  /** Aborts when the worker stops: the batch goes back to the queue. */
  signal: AbortSignal;
  /** Marks jobs finished, in the handler's transaction when it passes one; how many were still held. */
  complete(
    jobs: readonly J[],
    state: FinishedState,
    options?: { db?: Db; error?: string | null },
  ): Promise<number>;
}

/** Handles a batch of claimed jobs; returns one outcome per job, in order. */
export type JobHandler<J> = (jobs: readonly J[], context: JobContext<J>) => Promise<JobOutcome[]>;

export interface QueueWorkerOptions {
  pollMs: number;
  /** Jobs claimed at a time (handled together, as a batch). */
  batchSize: number;
  /** Longest a batch may run before another worker may take its jobs over. */
  leaseMs: number;
  backoffMs: number;
  backoffMaxMs: number;
  maintenanceEveryMs?: number;
}

const BUSY_PAUSE_MS = 50;

/**
 * The one lease-based queue worker (validation jobs, graph outbox, and any queue to come): claims due jobs
 * with the queue's `claim` (FOR UPDATE SKIP LOCKED and a lease, so any number of workers share a queue),
 * hands them to the handler, and applies the outcome: backoff and retry, give up after the last attempt,
 * release, back off while the target is unavailable. `start()` polls until `stop()`; `runOnce()` handles
 * one batch, which tests and the CLI use.
 */
export class QueueWorker<J extends LeasedJob> {
  readonly id: string;
  readonly #queue: JobQueue<J>;
  readonly #handle: JobHandler<J>;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #options: QueueWorkerOptions;
  readonly #noun: string;
  readonly #busy: () => boolean;
  readonly #onSettled: (state: Settled, job: J) => void;
  readonly #describe: (job: J) => Record<string, unknown>;
  #controller = new AbortController();
  #loop: Promise<void> | null = null;
  #lastMaintenance = 0;
  #outagePolls = 0;

  constructor(deps: {
    /** What one job is called in logs: "validation job", "graph outbox row". */
    noun: string;
    queue: JobQueue<J>;
    handle: JobHandler<J>;
    clock: Clock;
    logger: Logger;
    options: QueueWorkerOptions;
    id?: string;
    /** True while requests wait for the database: the loop then claims nothing (runOnce ignores it). */
    busy?: () => boolean;
    /** Called once per job with what became of it (for metrics). */
    onSettled?: (state: Settled, job: J) => void;
    /** What identifies a job in log lines (its id, the term it is about…). */
    describe?: (job: J) => Record<string, unknown>;
  }) {
    this.#describe = deps.describe ?? (() => ({}));
    this.id = deps.id ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#queue = deps.queue;
    this.#handle = deps.handle;
    this.#clock = deps.clock;
    this.#logger = deps.logger.child({ worker: this.id });
    this.#options = deps.options;
    this.#noun = deps.noun;
    this.#busy = deps.busy ?? (() => false);
    this.#onSettled = deps.onSettled ?? (() => {});
  }

  get running(): boolean {
    return this.#loop !== null;
  }

  start(): void {
    if (this.#loop) return;
    if (this.#controller.signal.aborted) this.#controller = new AbortController();
    this.#loop = this.#run(this.#controller.signal);
  }

  /** Stops polling and aborts the batch in flight (its jobs return to the queue), then waits for the loop. */
  async stop(): Promise<void> {
    this.#controller.abort(new Error(`${this.#noun} worker stopping`));
    await this.#loop;
    this.#loop = null;
  }

  /** Claims one batch of due jobs and handles it; [] when nothing was due. */
  async runOnce(): Promise<{ job: J; state: Settled }[]> {
    const signal = this.#controller.signal;
    if (signal.aborted) return [];
    const jobs = await this.#queue.claim({
      limit: this.#options.batchSize,
      workerId: this.id,
      now: this.#clock.now(),
      leaseMs: this.#options.leaseMs,
    });
    if (jobs.length === 0) return [];
    let outcomes: JobOutcome[];
    try {
      outcomes = await this.#handle(jobs, {
        signal,
        complete: (done, state, options = {}) =>
          this.#queue.complete(done, state, {
            db: options.db,
            now: this.#clock.now(),
            error: options.error ?? null,
          }),
      });
      if (outcomes.length !== jobs.length)
        throw new Error(`${outcomes.length} outcomes for ${jobs.length} jobs`);
    } catch (error) {
      if (signal.aborted || error instanceof HandBackBatch) {
        await this.#queue.release(jobs, this.#clock.now()).catch(() => {
          // The database may be closing too; the lease expires and another worker takes the jobs.
        });
        if (error instanceof HandBackBatch) throw error.cause ?? error;
        return jobs.map((job) => ({ job, state: 'released' as const }));
      }
      this.#logger.warn({ err: error, jobs: jobs.length }, `${this.#noun} failed unexpectedly`);
      const message = error instanceof Error ? error.message : String(error);
      outcomes = jobs.map(() => ({ kind: 'retry', error: message }));
    }
    const settled: { job: J; state: Settled }[] = [];
    const handBack = jobs.filter((_, index) => ['released', 'unavailable'].includes(outcomes[index]!.kind));
    if (handBack.length > 0) await this.#queue.release(handBack, this.#clock.now());
    for (const [index, job] of jobs.entries()) {
      const outcome = outcomes[index]!;
      const state = outcome.kind === 'retry' ? await this.#retry(job, outcome) : outcome.kind;
      this.#onSettled(state, job);
      settled.push({ job, state });
    }
    return settled;
  }

  async #retry(
    job: J,
    outcome: { error: string; retryAfterMs?: number | null },
  ): Promise<'retried' | 'failed'> {
    if (job.attempts >= job.maxAttempts) {
      await this.#queue.fail(job, this.#clock.now(), outcome.error);
      this.#logger.error(
        { ...this.#describe(job), attempt: job.attempts, error: outcome.error },
        `${this.#noun} given up after its last attempt`,
      );
      return 'failed';
    }
    const delay = Math.max(
      backoffDelayMs(job.attempts, { baseMs: this.#options.backoffMs, maxMs: this.#options.backoffMaxMs }),
      outcome.retryAfterMs ?? 0,
    );
    await this.#queue.retryLater(job, new Date(this.#clock.now().getTime() + delay), outcome.error);
    this.#logger.warn(
      { ...this.#describe(job), attempt: job.attempts, retryInMs: delay, error: outcome.error },
      `${this.#noun} will be retried`,
    );
    return 'retried';
  }

  async #run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (this.#busy()) {
        await sleep(BUSY_PAUSE_MS, signal).catch(() => {});
        continue;
      }
      let wait = this.#options.pollMs;
      try {
        await this.#maintain();
        const settled = await this.runOnce();
        if (settled.some((item) => item.state === 'unavailable')) {
          this.#outagePolls++;
          if (this.#outagePolls === 1)
            this.#logger.warn(
              `the target of the ${this.#noun}s is unreachable; they wait and are retried when it is back`,
            );
          wait = backoffDelayMs(this.#outagePolls, {
            baseMs: this.#options.backoffMs,
            maxMs: this.#options.backoffMaxMs,
          });
        } else if (settled.length > 0) {
          if (this.#outagePolls > 0) {
            this.#logger.info(
              { afterPolls: this.#outagePolls },
              `the target of the ${this.#noun}s is reachable again`,
            );
            this.#outagePolls = 0;
          }
          // More may be waiting: poll again at once after progress, sleep when there was none.
          if (settled.some((item) => item.state !== 'released')) wait = 0;
        }
      } catch (error) {
        if (signal.aborted) break;
        // Database down or similar: keep polling; the next claim recovers by itself.
        this.#logger.warn({ err: error }, `could not poll the ${this.#noun}s`);
      }
      if (wait > 0) await sleep(wait, signal).catch(() => {});
    }
  }

  async #maintain(): Promise<void> {
    const every = this.#options.maintenanceEveryMs;
    if (!this.#queue.maintain || every === undefined) return;
    const now = this.#clock.now();
    if (now.getTime() - this.#lastMaintenance < every) return;
    this.#lastMaintenance = now.getTime();
    const counts = await this.#queue.maintain(now);
    if (Object.values(counts).some((count) => count > 0))
      this.#logger.info(counts, `${this.#noun} queue maintenance`);
  }
}
