import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../../platform/database/client.ts';
import { validationJobs } from '../../platform/database/schema.ts';

export type JobRow = typeof validationJobs.$inferSelect;

/** A job a worker holds: it may change it only while `locked_by` is still its own id. */
export interface ClaimedJob {
  id: string;
  termId: string;
  termVersion: number;
  contentHash: string;
  /** Including this run. */
  attempts: number;
  maxAttempts: number;
  lockedBy: string;
}

const iso = (date: Date) => sql`${date.toISOString()}::timestamptz`;

export interface NewJob {
  termId: string;
  termVersion: number;
  contentHash: string;
  maxAttempts: number;
  runAfter: Date;
  /** 0 (default): someone waits for it; 1: bulk work, claimed after every waiting 0. */
  priority?: 0 | 1;
}

/**
 * The PostgreSQL job queue. Every time comes from the caller (the app's Clock), so tests can move time
 * instead of sleeping; a job's state changes only through these statements.
 */
export const jobsRepository = {
  /**
   * Queues a validation, unless one of this text is already waiting (not yet started): three relations
   * added in a row need one run, not three. A running job does not count: it may have read the term
   * before the change. Returns the job's id, new or already waiting.
   */
  async enqueue(db: Db, job: NewJob): Promise<string> {
    const result = await db.execute(sql`
      WITH waiting AS (
        SELECT id FROM validation_jobs
        WHERE term_id = ${job.termId}::uuid AND content_hash = ${job.contentHash} AND status = 'queued'
        ORDER BY created_at DESC LIMIT 1
      ), inserted AS (
        INSERT INTO validation_jobs (term_id, term_version, content_hash, max_attempts, run_after, priority)
        SELECT ${job.termId}::uuid, ${job.termVersion}, ${job.contentHash}, ${job.maxAttempts},
               ${iso(job.runAfter)}, ${job.priority ?? 0}
        WHERE NOT EXISTS (SELECT 1 FROM waiting)
        RETURNING id
      )
      SELECT id FROM inserted UNION ALL SELECT id FROM waiting`);
    const id = rowsOf<{ id: string }>(result)[0]!.id;
    // A person now waits on a job queued as bulk work: it moves to the front.
    if (job.priority === 0)
      await db.execute(sql`UPDATE validation_jobs SET priority = 0 WHERE id = ${id}::uuid AND priority <> 0`);
    return id;
  },

  /** enqueue() for many terms in one statement (bulk work); returns how many jobs were added. */
  async enqueueMany(db: Db, batch: readonly NewJob[]): Promise<number> {
    if (batch.length === 0) return 0;
    const column = <K extends keyof NewJob>(key: K) => batch.map((job) => job[key]);
    const result = await db.execute(sql`
      INSERT INTO validation_jobs (term_id, term_version, content_hash, max_attempts, run_after, priority)
      SELECT j.term_id, j.term_version, j.content_hash, j.max_attempts, j.run_after, j.priority
      FROM unnest(${pgArray(column('termId'))}::uuid[], ${pgArray(column('termVersion'))}::int[],
                  ${pgArray(column('contentHash'))}::text[], ${pgArray(column('maxAttempts'))}::int[],
                  ${pgArray(batch.map((job) => job.runAfter.toISOString()))}::timestamptz[],
                  ${pgArray(batch.map((job) => job.priority ?? 0))}::smallint[])
           AS j(term_id, term_version, content_hash, max_attempts, run_after, priority)
      WHERE NOT EXISTS (
        SELECT 1 FROM validation_jobs w
        WHERE w.term_id = j.term_id AND w.content_hash = j.content_hash AND w.status = 'queued')
      RETURNING id`);
    return rowsOf<{ id: string }>(result).length;
  },

  /**
   * Takes up to `limit` due jobs: queued ones whose time has come, and running ones whose worker lost its
   * lease (crashed or hung). `FOR UPDATE SKIP LOCKED` lets several workers and replicas claim at once
   * without waiting on each other or ever getting the same row.
   */
  async claim(
    db: Db,
    options: { limit: number; workerId: string; now: Date; leaseMs: number },
  ): Promise<ClaimedJob[]> {
    const leaseUntil = new Date(options.now.getTime() + options.leaseMs);
    const result = await db.execute(sql`
      WITH due AS (
        SELECT id FROM validation_jobs
        WHERE attempts < max_attempts
          AND ((status = 'queued' AND run_after <= ${iso(options.now)})
            OR (status = 'running' AND locked_until < ${iso(options.now)}))
        ORDER BY priority, run_after, id
        LIMIT ${options.limit}
        FOR UPDATE SKIP LOCKED
      )
      UPDATE validation_jobs AS job
      SET status = 'running', attempts = job.attempts + 1, locked_by = ${options.workerId},
          locked_until = ${iso(leaseUntil)}, updated_at = now()
      FROM due WHERE job.id = due.id
      RETURNING job.id, job.term_id, job.term_version, job.content_hash, job.attempts, job.max_attempts, job.locked_by`);
    return rowsOf<{
      id: string;
      term_id: string;
      term_version: number;
      content_hash: string;
      attempts: number;
      max_attempts: number;
      locked_by: string;
    }>(result).map((row) => ({
      id: row.id,
      termId: row.term_id,
      termVersion: row.term_version,
      contentHash: row.content_hash,
      attempts: row.attempts,
      maxAttempts: row.max_attempts,
      lockedBy: row.locked_by,
    }));
  },

  /** Ends a job. False when this worker no longer holds it (its lease expired and another took over). */
  async finish(
    db: Db,
    job: ClaimedJob,
    status: 'done' | 'failed' | 'skipped',
    options: { now: Date; error?: string | null },
  ): Promise<boolean> {
    const rows = await db
      .update(validationJobs)
      .set({
        status,
        lockedUntil: null,
        lockedBy: null,
        lastError: options.error ?? null,
        finishedAt: options.now,
        updatedAt: sql`now()`,
      })
      .where(held(job))
      .returning({ id: validationJobs.id });
    return rows.length > 0;
  },

  /** Puts a job back in the queue until `runAfter`, keeping why it failed. */
  async reschedule(db: Db, job: ClaimedJob, runAfter: Date, error: string): Promise<boolean> {
    const rows = await db
      .update(validationJobs)
      .set({
        status: 'queued',
        runAfter,
        lockedUntil: null,
        lockedBy: null,
        lastError: error,
        updatedAt: sql`now()`,
      })
      .where(held(job))
      .returning({ id: validationJobs.id });
    return rows.length > 0;
  },

  /** A shutdown interrupted the job: it goes back as it was, without spending an attempt. */
  async release(db: Db, job: ClaimedJob, now: Date): Promise<void> {
    await db
      .update(validationJobs)
      .set({
        status: 'queued',
        attempts: sql`greatest(${validationJobs.attempts} - 1, 0)`,
        runAfter: now,
        lockedUntil: null,
        lockedBy: null,
        updatedAt: sql`now()`,
      })
      .where(held(job));
  },

  /** Running jobs whose lease expired on their last attempt will never be claimed again: fail them. */
  async failAbandoned(db: Db, now: Date): Promise<number> {
    const rows = await db
      .update(validationJobs)
      .set({
        status: 'failed',
        lockedUntil: null,
        lockedBy: null,
        lastError: sql`coalesce(${validationJobs.lastError} || ' — ', '') || 'the worker stopped answering during the last attempt'`,
        finishedAt: now,
        updatedAt: sql`now()`,
      })
      .where(
        and(
          eq(validationJobs.status, 'running'),
          sql`${validationJobs.lockedUntil} < ${iso(now)}`,
          sql`${validationJobs.attempts} >= ${validationJobs.maxAttempts}`,
        ),
      )
      .returning({ id: validationJobs.id });
    return rows.length;
  },

  async purgeFinished(db: Db, before: Date): Promise<number> {
    const rows = await db
      .delete(validationJobs)
      .where(
        and(
          inArray(validationJobs.status, ['done', 'failed', 'skipped']),
          sql`${validationJobs.finishedAt} < ${iso(before)}`,
        ),
      )
      .returning({ id: validationJobs.id });
    return rows.length;
  },

  async pendingForTerm(db: Db, termId: string): Promise<JobRow | undefined> {
    const [row] = await db
      .select()
      .from(validationJobs)
      .where(and(eq(validationJobs.termId, termId), inArray(validationJobs.status, ['queued', 'running'])))
      .orderBy(desc(validationJobs.createdAt), desc(validationJobs.id))
      .limit(1);
    return row;
  },

  async counts(db: Db): Promise<{ queued: number; running: number }> {
    const result = await db.execute(sql`
      SELECT status, count(*)::int AS count FROM validation_jobs
      WHERE status IN ('queued', 'running') GROUP BY status`);
    const counts = { queued: 0, running: 0 };
    for (const row of rowsOf<{ status: 'queued' | 'running'; count: number }>(result))
      counts[row.status] = row.count;
    return counts;
  },

  async findById(db: Db, id: string): Promise<JobRow | undefined> {
    const [row] = await db.select().from(validationJobs).where(eq(validationJobs.id, id)).limit(1);
    return row;
  },
};

/** A PostgreSQL array literal of simple values (ids, numbers, hex hashes, ISO dates: nothing to escape). */
function pgArray(values: readonly (string | number)[]): string {
  return `{${values.join(',')}}`;
}

function held(job: ClaimedJob) {
  return and(
    eq(validationJobs.id, job.id),
    eq(validationJobs.status, 'running'),
    eq(validationJobs.lockedBy, job.lockedBy),
  );
}

/** What a service gets by constructor: stateless queries over the database or transaction it is given. */
export type JobsRepository = typeof jobsRepository;
