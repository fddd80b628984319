import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../platform/database/client.ts';
import type { RateLimitRule } from '../platform/config.ts';

export interface RateLimitDecision {
  allowed: boolean;
  retryAfterSeconds: number;
}

export interface RateLimiter {
  consume(key: string, rule: RateLimitRule): Promise<RateLimitDecision>;
}

/**
 * Fixed-window counters in PostgreSQL, so every replica sees the same counts. One upsert per attempt;
 * the database clock decides windows, so replicas with skewed clocks still agree.
 */
export class PostgresRateLimiter implements RateLimiter {
  readonly #db: Db;
  #sinceLastPurge = 0;

  constructor(db: Db) {
    this.#db = db;
  }

  async consume(key: string, rule: RateLimitRule): Promise<RateLimitDecision> {
    const result = await this.#db.execute(sql`
      INSERT INTO rate_limit_buckets AS bucket (key, window_started_at, window_seconds, hits)
      VALUES (${key}, now(), ${rule.windowSeconds}, 1)
      ON CONFLICT (key) DO UPDATE SET
        hits = CASE WHEN bucket.window_started_at + make_interval(secs => bucket.window_seconds) <= now()
                    THEN 1 ELSE bucket.hits + 1 END,
        window_started_at = CASE WHEN bucket.window_started_at + make_interval(secs => bucket.window_seconds) <= now()
                    THEN now() ELSE bucket.window_started_at END,
        window_seconds = ${rule.windowSeconds}
      RETURNING hits,
        ceil(extract(epoch FROM (window_started_at + make_interval(secs => window_seconds) - now())))::int AS retry_after`);
    const [row] = rowsOf<{ hits: number; retry_after: number }>(result);
    if (++this.#sinceLastPurge >= 500) {
      this.#sinceLastPurge = 0;
      void this.purgeExpired().catch(() => undefined);
    }
    const hits = Number(row?.hits ?? 1);
    return { allowed: hits <= rule.max, retryAfterSeconds: Math.max(1, Number(row?.retry_after ?? 1)) };
  }

  async purgeExpired(): Promise<void> {
    await this.#db.execute(
      sql`DELETE FROM rate_limit_buckets WHERE window_started_at + make_interval(secs => window_seconds) < now()`,
    );
  }
}
