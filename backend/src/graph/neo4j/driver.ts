import neo4j, { Neo4jError, type AuthToken, type Driver } from 'neo4j-driver';
import type { Neo4jConfig } from '../../platform/config.ts';

/**
 * One driver per process (it pools connections). Budgets are short on purpose: a traversal falls back to
 * PostgreSQL and the outbox waits rather than hang on a Neo4j that does not answer; the driver's own
 * retry loop is kept short for the same reason (our callers have their own fallback and backoff).
 */
export function createNeo4jDriver(config: Neo4jConfig): Driver {
  // The `none` scheme (authentication off) is in the driver but missing from its type declarations.
  const auth: AuthToken =
    config.password === null
      ? { scheme: 'none', principal: '', credentials: '' }
      : neo4j.auth.basic(config.user, config.password);
  return neo4j.driver(config.uri, auth, {
    connectionTimeout: config.timeoutMs,
    connectionAcquisitionTimeout: config.timeoutMs,
    maxTransactionRetryTime: Math.min(config.timeoutMs, 2000),
    // Plain JS numbers: our integers (depths, counts) are small.
    disableLosslessIntegers: true,
    userAgent: 'lexikon',
    logging: { level: 'error', logger: () => {} },
  });
}

const UNAVAILABLE_CODES = new Set([
  neo4j.error.SERVICE_UNAVAILABLE,
  neo4j.error.SESSION_EXPIRED,
  'Neo.ClientError.Security.Unauthorized',
  'Neo.ClientError.Security.AuthenticationRateLimit',
  'Neo.ClientError.Security.CredentialsExpired',
  'Neo.TransientError.General.DatabaseUnavailable',
]);

/**
 * Whether an error says "Neo4j cannot be used right now" (down, unreachable, refusing our credentials,
 * or timing out) rather than "this statement is wrong". The first is the mirror's condition and is
 * waited out; the second is a row's problem.
 */
export function isNeo4jUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof Neo4jError && UNAVAILABLE_CODES.has(current.code)) return true;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|EPIPE)$/.test(code))
      return true;
    if (
      current instanceof Neo4jError &&
      /Neo\.ClientError\.Transaction\.TransactionTimedOut/.test(current.code)
    )
      return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
