import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/platform/database/client.ts';
import { jobsRepository } from '../src/validation/jobs/repository.ts';
import { ValidationWorker, type JobHandler } from '../src/validation/jobs/worker.ts';
import { httpStatus, slow, startFakeLlm, verdict, type FakeLlm } from '@lexikon/harness/fakes/llm';
import { createTerm, createUser, testDatabaseKind, type TestUser } from './support/test-app.ts';
import {
  createValidationContext,
  llmEnvironment,
  metricValue,
  type ValidationTestContext,
} from './support/validation-context.ts';

let llm: FakeLlm;
beforeAll(async () => {
  llm = await startFakeLlm();
});
afterAll(() => llm?.close());

interface JobState {
  id: string;
  term_version: number;
  status: string;
  attempts: number;
  run_after: Date;
  last_error: string | null;
  locked_by: string | null;
}

async function jobsOf(context: ValidationTestContext, termId: string): Promise<JobState[]> {
  const result = await context.database.db.execute(sql`
    SELECT id, term_version, status, attempts, run_after, last_error, locked_by FROM validation_jobs
    WHERE term_id = ${termId} ORDER BY created_at, term_version`);
  return rowsOf<JobState>(result).map((row) => ({ ...row, run_after: new Date(row.run_after) }));
}

const history = async (context: ValidationTestContext, user: TestUser, termId: string) =>
  (
    await context.app.inject({ method: 'GET', url: `/api/terms/${termId}/validations`, headers: user.auth })
  ).json();

let definitionCounter = 0;
/** Distinct wording per term, so the duplicate rule stays quiet. */
const definition = () =>
  `Reference vocabulary entry number ${++definitionCounter} describing ${['ships', 'rivers', 'bridges', 'forests', 'engines', 'clouds'][definitionCounter % 6]} in plain words ${'x'.repeat(definitionCounter % 7)}.`;

const JOB_SETTINGS = {
  LLM_MAX_ATTEMPTS: '1',
  VALIDATION_JOB_MAX_ATTEMPTS: '3',
  VALIDATION_JOB_BACKOFF_MS: '60000',
};

describe('when the LLM hangs', () => {
  let context: ValidationTestContext;
  let author: TestUser;

  beforeAll(async () => {
    llm.reset();
    context = await createValidationContext(
      llmEnvironment(llm.url, { ...JOB_SETTINGS, LLM_TIMEOUT_MS: '300' }),
    );
    author = await createUser(context);
  });
  afterAll(() => context.close());

  it('creates and edits terms at once while the LLM hangs; the job records the failure later', async () => {
    llm.reset();
    llm.fallback = slow(10_000, verdict());
    // The LLM would hold a write for 10 s: the writes answer without having sent it anything.
    const term = await createTerm(context, author, {
      term: 'Harbour',
      definition: definition(),
      domain: 'Geography',
    });
    const edited = await context.app.inject({
      method: 'PATCH',
      url: `/api/terms/${term.id}`,
      headers: author.auth,
      payload: {
        definition: 'A sheltered stretch of water where ships moor, protected by piers or by the coast.',
        version: 1,
      },
    });
    expect(edited.statusCode).toBe(200);
    expect(llm.requests).toHaveLength(0);

    const worker = context.app.validation.worker;
    // Attempt 1: the v1 job is outdated (skipped), the v2 job times out and is rescheduled.
    expect(await worker.drain()).toEqual({ done: 0, failed: 0, skipped: 1, retried: 1 });
    let [, job] = await jobsOf(context, term.id);
    expect(job).toMatchObject({ term_version: 2, status: 'queued', attempts: 1, locked_by: null });
    expect(job!.last_error).toMatch(/^timeout: /);
    const delay1 = job!.run_after.getTime() - context.clock.now().getTime();
    expect(delay1).toBeGreaterThanOrEqual(30_000);
    expect(delay1).toBeLessThanOrEqual(60_000);
    expect(await history(context, author, term.id)).toMatchObject({
      items: [],
      pending_job: { status: 'queued', attempts: 1, max_attempts: 3, term_version: 2 },
    });
    // Not due yet.
    expect(await worker.drain()).toEqual({ done: 0, failed: 0, skipped: 0, retried: 0 });

    // Attempt 2, after the backoff; the delay doubles.
    context.clock.advance(delay1);
    expect(await worker.drain()).toMatchObject({ retried: 1 });
    [, job] = await jobsOf(context, term.id);
    const delay2 = job!.run_after.getTime() - context.clock.now().getTime();
    expect(delay2).toBeGreaterThanOrEqual(60_000);
    expect(delay2).toBeLessThanOrEqual(120_000);

    // Attempt 3 is the last: the failure is recorded, with the rules' findings.
    context.clock.advance(delay2);
    expect(await worker.drain()).toMatchObject({ failed: 1 });
    [, job] = await jobsOf(context, term.id);
    expect(job).toMatchObject({ status: 'failed', attempts: 3 });
    const page = await history(context, author, term.id);
    expect(page.pending_job).toBeNull();
    expect(page.items).toEqual([
      expect.objectContaining({
        trigger: 'job',
        requested_by: null,
        term_version: 2,
        current: true,
        validators: ['rules', 'llm'],
        status: 'failed',
        error_reason: 'timeout',
        llm_attempts: 1,
      }),
    ]);
    expect(llm.requests).toHaveLength(3);
    expect(
      await metricValue(context.app, 'llm_requests_total', { endpoint: 'validate_term_job' }),
    ).toBeGreaterThanOrEqual(3);
    expect(
      await metricValue(context.app, 'validation_jobs_total', { outcome: 'retried' }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      await metricValue(context.app, 'validation_jobs_total', { outcome: 'failed' }),
    ).toBeGreaterThanOrEqual(1);
  });
});

describe('background validation jobs', () => {
  let context: ValidationTestContext;
  let author: TestUser;

  beforeAll(async () => {
    context = await createValidationContext(
      llmEnvironment(llm.url, {
        // Generous: PGlite runs in this thread and can delay reading an answer under load.
        LLM_TIMEOUT_MS: '5000',
        ...JOB_SETTINGS,
        VALIDATION_WORKER_CONCURRENCY: '4',
      }),
    );
    author = await createUser(context);
  });
  afterAll(() => context.close());
  beforeEach(async () => {
    llm.reset();
    // Leave no job from a previous test behind.
    await context.app.validation.worker.drain();
    context.clock.advance(24 * 60 * 60 * 1000);
    await context.app.validation.worker.drain();
    llm.reset();
  });

  it('queues nothing for status or level changes, and skips the job of an outdated text', async () => {
    llm.fallback = verdict([
      {
        type: 'wrong_domain',
        severity: 'warning',
        explanation: 'Not geography.',
        evidence: null,
        suggestion: null,
      },
    ]);
    const term = await createTerm(context, author, {
      term: 'Estuary',
      definition: definition(),
      domain: 'Geography',
    });
    const patch = (payload: object) =>
      context.app.inject({ method: 'PATCH', url: `/api/terms/${term.id}`, headers: author.auth, payload });
    expect(
      (
        await patch({
          definition: 'The tidal mouth of a large river, where fresh water meets the sea.',
          version: 1,
        })
      ).statusCode,
    ).toBe(200);
    expect((await patch({ status: 'proposed', version: 2 })).statusCode).toBe(200);
    expect((await patch({ level: 'advanced', version: 3 })).statusCode).toBe(200);
    expect((await jobsOf(context, term.id)).map((job) => job.term_version)).toEqual([1, 2]);

    expect(await context.app.validation.worker.drain()).toEqual({
      done: 1,
      failed: 0,
      skipped: 1,
      retried: 0,
    });
    expect((await jobsOf(context, term.id)).map((job) => job.status)).toEqual(['skipped', 'done']);
    const page = await history(context, author, term.id);
    // The text of version 2 is still the current text at version 4: the record applies to it.
    expect(page.items).toEqual([
      expect.objectContaining({ term_version: 4, current: true, status: 'ok', trigger: 'job' }),
    ]);
    expect(page.items[0].findings).toEqual([
      expect.objectContaining({ source: 'llm', type: 'wrong_domain' }),
    ]);
    expect(llm.requests).toHaveLength(1);
    expect(llm.requests[0]!.body.messages[1]!.content).toContain('tidal mouth');
  });

  it('postpones a rate-limited job at least as long as Retry-After asks', async () => {
    llm.fallback = httpStatus(429, { 'retry-after': '600' });
    const term = await createTerm(context, author, {
      term: 'Delta',
      definition: definition(),
      domain: 'Geography',
    });
    expect(await context.app.validation.worker.drain()).toMatchObject({ retried: 1 });
    const [job] = await jobsOf(context, term.id);
    expect(job!.run_after.getTime() - context.clock.now().getTime()).toBeGreaterThanOrEqual(600_000);
    expect(job!.last_error).toMatch(/^rate_limited: /);
  });

  it('never lets two workers process the same job', async () => {
    llm.fallback = verdict([], { delayMs: 30 });
    const terms = [];
    for (let i = 0; i < 12; i++)
      terms.push(
        await createTerm(context, author, {
          term: `Island ${i}`,
          definition: definition(),
          domain: 'Geography',
        }),
      );
    const handled: { job: string; worker: string }[] = [];
    const handler =
      (name: string): JobHandler =>
      async (job, jobContext) => {
        handled.push({ job: job.id, worker: name });
        return context.app.validation.service.runJob(job, jobContext);
      };
    const worker = (name: string) =>
      new ValidationWorker({
        db: context.database.db,
        handler: handler(name),
        clock: context.clock,
        logger: pino({ level: 'silent' }),
        metrics: context.app.metrics,
        options: { pollMs: 10, concurrency: 3, backoffMs: 60_000, leaseMs: 60_000, retentionDays: 1 },
        id: name,
      });
    const [first, second] = await Promise.all([worker('w1').drain(), worker('w2').drain()]);

    expect(first.done + second.done).toBe(12);
    expect(new Set(handled.map((entry) => entry.job)).size).toBe(handled.length);
    expect(handled).toHaveLength(12);
    if (testDatabaseKind() === 'postgres') {
      // On a real server both claimed work at the same time.
      expect(first.done).toBeGreaterThan(0);
      expect(second.done).toBeGreaterThan(0);
    }
    for (const term of terms) expect((await history(context, author, term.id)).items).toHaveLength(1);
  });

  // PostgreSQL only: PGlite is one connection, so there is no second session that could hold a row lock
  // while another claims (the same test runs in the postgres project of every `npm test`).
  it.runIf(testDatabaseKind() === 'postgres')(
    'claims skip a job another worker holds a lock on, without waiting for it',
    async () => {
      llm.fallback = verdict();
      const [held, free] = [
        await createTerm(context, author, { term: 'Lagoon', definition: definition(), domain: 'Geography' }),
        await createTerm(context, author, { term: 'Atoll', definition: definition(), domain: 'Geography' }),
      ];
      const [heldJob] = await jobsOf(context, held.id);
      const [freeJob] = await jobsOf(context, free.id);
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const holder = context.database.withDedicatedConnection((db) =>
        db.transaction(async (tx) => {
          await tx.execute(sql`SELECT id FROM validation_jobs WHERE id = ${heldJob!.id} FOR UPDATE`);
          locked();
          await released;
        }),
      );
      await isLocked;
      // The lock is released only once the claim has returned: a claim that waited for it would never return.
      const claimed = await jobsRepository.claim(context.database.db, {
        limit: 10,
        workerId: 'probe',
        now: context.clock.now(),
        leaseMs: 60_000,
      });
      expect(claimed.map((job) => job.id)).toContain(freeJob!.id);
      expect(claimed.map((job) => job.id)).not.toContain(heldJob!.id);
      release();
      await holder;
      // Hand the probe's jobs back so the next test starts clean.
      for (const job of claimed) await jobsRepository.release(context.database.db, job, context.clock.now());
    },
  );

  it('takes over a job whose worker lost its lease, and records it once', async () => {
    llm.fallback = verdict();
    const term = await createTerm(context, author, {
      term: 'Fjord',
      definition: definition(),
      domain: 'Geography',
    });
    const [lost] = await jobsRepository.claim(context.database.db, {
      limit: 1,
      workerId: 'crashed-worker',
      now: context.clock.now(),
      leaseMs: 1000,
    });
    expect(lost!.termId).toBe(term.id);
    expect(await context.app.validation.worker.drain()).toMatchObject({ done: 0 }); // still leased
    context.clock.advance(1001);
    expect(await context.app.validation.worker.drain()).toMatchObject({ done: 1 });
    const [job] = await jobsOf(context, term.id);
    expect(job).toMatchObject({ status: 'done', attempts: 2 });
    // The crashed worker wakes up: it no longer holds the job and cannot finish it.
    expect(
      await jobsRepository.finish(context.database.db, lost!, 'done', { now: context.clock.now() }),
    ).toBe(false);
    expect((await history(context, author, term.id)).items).toHaveLength(1);
  });
});

describe('the worker the app starts', () => {
  it('validates new terms in the background and stops when the app closes', async () => {
    const context = await createValidationContext({
      VALIDATION_WORKER: 'on',
      VALIDATION_WORKER_POLL_MS: '20',
    });
    try {
      const author = await createUser(context);
      expect(context.app.validation.worker.running).toBe(true);
      const term = await createTerm(context, author, {
        term: 'Glacier',
        definition: 'A large mass of ice and stuff that moves slowly down a valley.',
        domain: null,
      });
      await expect
        .poll(async () => (await history(context, author, term.id)).items.length, {
          timeout: 5000,
          interval: 50,
        })
        .toBe(1);
      const [record] = (await history(context, author, term.id)).items;
      expect(record).toMatchObject({ trigger: 'job', validators: ['rules'], status: 'ok' });
      expect(record.findings.map((finding: { rule: string }) => finding.rule).sort()).toEqual([
        'missing-domain',
        'vague-wording',
      ]);
    } finally {
      await context.close();
    }
    expect(context.app.validation.worker.running).toBe(false);
  });
});
