/**
 * The shared queue worker on an in-memory queue: no database, so every rule of its state machine is
 * checked in milliseconds — retry with backoff, give up after the last attempt, release on stop, back off
 * while the target is unavailable, hand a batch back untouched.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import {
  HandBackBatch,
  QueueWorker,
  type JobHandler,
  type JobOutcome,
  type JobQueue,
} from '../../src/platform/queue/worker.ts';
import { ManualClock } from '../support/manual-clock.ts';

interface MemoryJob {
  id: number;
  attempts: number;
  maxAttempts: number;
}

interface Row {
  id: number;
  attempts: number;
  state: 'queued' | 'leased' | 'done' | 'skipped' | 'failed';
  runAfter: number;
  error: string | null;
}

/** A queue in an array, with the same contract as the SQL ones (attempts counted at claim). */
function memoryQueue(clock: ManualClock, count: number, maxAttempts = 3) {
  const rows: Row[] = Array.from({ length: count }, (_, id) => ({
    id,
    attempts: 0,
    state: 'queued',
    runAfter: clock.now().getTime(),
    error: null,
  }));
  const queue: JobQueue<MemoryJob> = {
    async claim({ limit, now }) {
      const due = rows
        .filter((row) => row.state === 'queued' && row.runAfter <= now.getTime())
        .slice(0, limit);
      for (const row of due) {
        row.state = 'leased';
        row.attempts++;
      }
      return due.map((row) => ({ id: row.id, attempts: row.attempts, maxAttempts }));
    },
    async complete(jobs, state) {
      for (const job of jobs) rows[job.id]!.state = state;
      return jobs.length;
    },
    async release(jobs) {
      for (const job of jobs)
        Object.assign(rows[job.id]!, { state: 'queued', attempts: rows[job.id]!.attempts - 1 });
    },
    async retryLater(job, runAfter, error) {
      Object.assign(rows[job.id]!, { state: 'queued', runAfter: runAfter.getTime(), error });
    },
    async fail(job, _now, error) {
      Object.assign(rows[job.id]!, { state: 'failed', error });
    },
  };
  return { rows, queue };
}

function worker(clock: ManualClock, queue: JobQueue<MemoryJob>, handle: JobHandler<MemoryJob>) {
  return new QueueWorker({
    noun: 'test job',
    queue,
    handle,
    clock,
    logger: pino({ level: 'silent' }),
    options: { pollMs: 5, batchSize: 2, leaseMs: 1000, backoffMs: 1000, backoffMaxMs: 8000 },
  });
}

const every =
  (outcome: (job: MemoryJob) => JobOutcome): JobHandler<MemoryJob> =>
  async (jobs, context) => {
    const outcomes = jobs.map(outcome);
    for (const [index, job] of jobs.entries()) {
      const kind = outcomes[index]!.kind;
      if (kind === 'done' || kind === 'skipped') await context.complete([job], kind);
    }
    return outcomes;
  };

describe('the queue worker', () => {
  it('completes jobs through the handler, a batch at a time', async () => {
    const clock = new ManualClock();
    const { rows, queue } = memoryQueue(clock, 3);
    const subject = worker(
      clock,
      queue,
      every(() => ({ kind: 'done' })),
    );
    expect((await subject.runOnce()).map((item) => item.state)).toEqual(['done', 'done']);
    expect((await subject.runOnce()).map((item) => item.state)).toEqual(['done']);
    expect(await subject.runOnce()).toEqual([]);
    expect(rows.map((row) => [row.state, row.attempts])).toEqual([
      ['done', 1],
      ['done', 1],
      ['done', 1],
    ]);
  });

  it('retries with a growing backoff, at least Retry-After, and gives up after the last attempt', async () => {
    const clock = new ManualClock();
    const { rows, queue } = memoryQueue(clock, 1, 3);
    const subject = worker(
      clock,
      queue,
      every(() => ({ kind: 'retry', error: 'boom', retryAfterMs: 1500 })),
    );
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 2; attempt++) {
      expect((await subject.runOnce()).map((item) => item.state)).toEqual(['retried']);
      const delay = rows[0]!.runAfter - clock.now().getTime();
      delays.push(delay);
      expect(await subject.runOnce()).toEqual([]); // not due yet
      clock.advance(delay);
    }
    expect(delays[0]).toBeGreaterThanOrEqual(1500); // Retry-After wins over a shorter backoff
    expect(delays[1]).toBeGreaterThanOrEqual(delays[0]!);
    expect((await subject.runOnce()).map((item) => item.state)).toEqual(['failed']);
    expect(rows[0]).toMatchObject({ state: 'failed', attempts: 3, error: 'boom' });
  });

  it('treats a handler that throws as a retry, and a hand-back as no attempt spent', async () => {
    const clock = new ManualClock();
    const thrown = memoryQueue(clock, 1);
    const failing = worker(clock, thrown.queue, async () => {
      throw new Error('bug');
    });
    expect((await failing.runOnce()).map((item) => item.state)).toEqual(['retried']);
    expect(thrown.rows[0]).toMatchObject({ state: 'queued', attempts: 1, error: 'bug' });

    const handed = memoryQueue(clock, 2);
    const handing = worker(clock, handed.queue, async () => {
      throw new HandBackBatch('database down', { cause: new Error('ECONNREFUSED') });
    });
    await expect(handing.runOnce()).rejects.toThrow('ECONNREFUSED');
    expect(handed.rows.map((row) => [row.state, row.attempts])).toEqual([
      ['queued', 0],
      ['queued', 0],
    ]);
  });

  it('puts unavailable jobs back untouched, and stops with its batch handed back', async () => {
    const clock = new ManualClock();
    const { rows, queue } = memoryQueue(clock, 2);
    const subject = worker(
      clock,
      queue,
      every(() => ({ kind: 'unavailable' })),
    );
    expect((await subject.runOnce()).map((item) => item.state)).toEqual(['unavailable', 'unavailable']);
    expect(rows.map((row) => [row.state, row.attempts])).toEqual([
      ['queued', 0],
      ['queued', 0],
    ]);

    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const slow = worker(clock, queue, (jobs, context) => {
      started();
      return new Promise((_, reject) =>
        context.signal.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    });
    slow.start();
    await running;
    await slow.stop();
    expect(rows.map((row) => row.state)).toEqual(['queued', 'queued']);
    expect(slow.running).toBe(false);
  });
});
