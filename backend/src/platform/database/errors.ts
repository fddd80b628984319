/**
 * Classifies driver errors by SQLSTATE (walking `cause`, since Drizzle wraps driver errors) so the
 * error handler and repositories never parse messages.
 */
export type DatabaseFailure =
  | { kind: 'unavailable' }
  | { kind: 'unique-violation'; constraint: string | undefined }
  | { kind: 'foreign-key-violation'; constraint: string | undefined }
  | { kind: 'check-violation'; constraint: string | undefined }
  | { kind: 'invalid-input' }
  | { kind: 'serialization-failure' }
  /** A statement ran past statement_timeout (or was cancelled): the database itself is fine. */
  | { kind: 'timeout' };

interface DriverError {
  code?: unknown;
  constraint?: unknown;
  message?: unknown;
  cause?: unknown;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'EAI_AGAIN',
]);
const CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'database did not answer within',
  'Cannot use a pool after calling end',
];

export function classifyDatabaseError(error: unknown): DatabaseFailure | null {
  for (let current = error as DriverError | undefined, depth = 0; current && depth < 5; depth++) {
    const failure = classifyOne(current);
    if (failure) return failure;
    current = current.cause as DriverError | undefined;
  }
  return null;
}

function classifyOne(error: DriverError): DatabaseFailure | null {
  const code = typeof error.code === 'string' ? error.code : undefined;
  const constraint = typeof error.constraint === 'string' ? error.constraint : undefined;
  if (code !== undefined) {
    if (NETWORK_CODES.has(code)) return { kind: 'unavailable' };
    // 08: connection exception; 57P01-03: admin shutdown, crash shutdown, cannot connect now; 53300: too many connections.
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300')
      return { kind: 'unavailable' };
    if (code === '57014') return { kind: 'timeout' };
    if (code === '23505') return { kind: 'unique-violation', constraint };
    if (code === '23503') return { kind: 'foreign-key-violation', constraint };
    if (code === '23514') return { kind: 'check-violation', constraint };
    if (code === '40001' || code === '40P01') return { kind: 'serialization-failure' };
    if (code.startsWith('22')) return { kind: 'invalid-input' };
  }
  const message = typeof error.message === 'string' ? error.message : '';
  if (CONNECTION_MESSAGES.some((fragment) => message.includes(fragment))) return { kind: 'unavailable' };
  return null;
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const failure = classifyDatabaseError(error);
  return (
    failure?.kind === 'unique-violation' && (constraint === undefined || failure.constraint === constraint)
  );
}
