/**
 * The two decision rules the benchmark reports, as pure functions of measured p95 latencies.
 *
 * - The seed's rule (SEMAINES-3-4-PRODUCTION.md, "Décision"): keep Neo4j if it answers in under 50 ms while
 *   PostgreSQL takes over 200 ms; move to PostgreSQL if they are close (its example: ~100 ms vs ~120 ms).
 *   The seed names no percentile and no meaning for "close": we read both at p95 (an answer time a user
 *   gets nineteen times out of twenty) and call them close when PostgreSQL is within 25 % of Neo4j, which
 *   includes the seed's example (1.2×). PostgreSQL being faster is a fortiori a reason to drop Neo4j. The
 *   rule is silent in between; we say so rather than invent a third threshold.
 * - ADR-0001's original rule: keep Neo4j only if its p95 is under half of PostgreSQL's.
 */

export type Verdict = 'keep-neo4j' | 'drop-neo4j' | 'silent';

export interface RuleOutcome {
  verdict: Verdict;
  /** One sentence with the figures that decided it. */
  reason: string;
}

export interface P95Pair {
  neo4jMs: number;
  postgresMs: number;
}

export const SEED_RULE = {
  neo4jUnderMs: 50,
  postgresOverMs: 200,
  /** PostgreSQL p95 at most this multiple of Neo4j's counts as "close" (the seed's example is 1.2). */
  closeRatio: 1.25,
} as const;

export const ADR_RULE = {
  /** Neo4j's p95 must be under this fraction of PostgreSQL's. */
  maxNeo4jShare: 0.5,
} as const;

const fmt = (ms: number): string => (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0));

function checkFinite({ neo4jMs, postgresMs }: P95Pair): void {
  if (!(Number.isFinite(neo4jMs) && neo4jMs >= 0 && Number.isFinite(postgresMs) && postgresMs >= 0))
    throw new RangeError(`latencies must be finite and non-negative (got ${neo4jMs}, ${postgresMs})`);
}

export function seedRule(pair: P95Pair): RuleOutcome {
  checkFinite(pair);
  const { neo4jMs, postgresMs } = pair;
  const figures = `Neo4j p95 ${fmt(neo4jMs)} ms, PostgreSQL p95 ${fmt(postgresMs)} ms`;
  if (postgresMs <= neo4jMs)
    return { verdict: 'drop-neo4j', reason: `${figures}: PostgreSQL is as fast or faster` };
  if (postgresMs <= SEED_RULE.closeRatio * neo4jMs)
    return {
      verdict: 'drop-neo4j',
      reason: `${figures}: close (PostgreSQL within ${Math.round((SEED_RULE.closeRatio - 1) * 100)} % of Neo4j)`,
    };
  if (neo4jMs < SEED_RULE.neo4jUnderMs && postgresMs > SEED_RULE.postgresOverMs)
    return {
      verdict: 'keep-neo4j',
      reason: `${figures}: Neo4j under ${SEED_RULE.neo4jUnderMs} ms while PostgreSQL is over ${SEED_RULE.postgresOverMs} ms`,
    };
  const missing =
    neo4jMs >= SEED_RULE.neo4jUnderMs
      ? `Neo4j is not under ${SEED_RULE.neo4jUnderMs} ms`
      : `PostgreSQL is not over ${SEED_RULE.postgresOverMs} ms`;
  return {
    verdict: 'silent',
    reason: `${figures}: Neo4j is ${(postgresMs / neo4jMs).toFixed(1)}× faster, but ${missing}, and they are not close`,
  };
}

export function adrRule(pair: P95Pair): RuleOutcome {
  checkFinite(pair);
  const { neo4jMs, postgresMs } = pair;
  const threshold = ADR_RULE.maxNeo4jShare * postgresMs;
  const figures = `Neo4j p95 ${fmt(neo4jMs)} ms vs ${ADR_RULE.maxNeo4jShare} × PostgreSQL p95 = ${fmt(threshold)} ms`;
  return neo4jMs < threshold
    ? { verdict: 'keep-neo4j', reason: `${figures}: under` }
    : { verdict: 'drop-neo4j', reason: `${figures}: not under` };
}

export const VERDICT_LABELS: Record<Verdict, string> = {
  'keep-neo4j': 'keep Neo4j',
  'drop-neo4j': 'PostgreSQL only',
  silent: 'no verdict (rule silent)',
};
