import type { ValidationJob } from './types.ts';

/**
 * While a background validation is pending, the term page asks again for its result, ever less often: a
 * rules-only job is done in a second or two, an LLM's may take a minute, and a queue behind a bulk run
 * longer still — no reader should have to press Refresh, and no open tab should hammer the API.
 */
export const VALIDATION_DEPENDENCY = 'lexikon:validation';
const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 30_000;

/** The wait before the n-th check (0-based): 1 s, 2 s, 4 s… up to 30 s. */
export function pollDelay(attempt: number): number {
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, attempt));
}

/**
 * What identifies a pending job's state: the same key after a check means nothing moved (keep backing off);
 * a new one (it started running, or was retried) starts the waits over; null once nothing is pending.
 */
export function pendingKey(
  job: Pick<ValidationJob, 'term_version' | 'status' | 'attempts'> | null,
): string | null {
  return job ? `${job.term_version}:${job.status}:${job.attempts}` : null;
}
