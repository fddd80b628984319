import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { acquireDataDirectoryLock, type DataDirectoryLock, type LockOwner } from './data-dir-lock.ts';
import { schema } from './schema.ts';

/** Drizzle over either driver: repositories see one type and write one SQL. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  /** Runs `work` on one dedicated connection (session-level advisory locks need that). */
  withDedicatedConnection<T>(work: (db: Db) => Promise<T>): Promise<T>;
  /** Resolves when the database answers, rejects after `timeoutMs` otherwise. */
  ping(timeoutMs?: number): Promise<void>;
  /** Pool statistics for metrics; PGlite has a single in-process connection. */
  poolStats(): { total: number; idle: number; waiting: number };
  /** The exclusive lock on an embedded data directory (null for PostgreSQL and in-memory PGlite). */
  readonly lock: DataDirectoryLock | null;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** Who opens an embedded data directory: recorded in its lock, for whoever finds it taken. */
  owner?: LockOwner;
}

/**
 * Opens the database. An embedded data directory is locked first: a second process gets
 * DataDirectoryLocked (naming the holder) instead of opening files another PGlite is writing.
 */
export function createDatabase(
  config: Config['database'],
  logger: Logger,
  options: DatabaseOptions = {},
): Database {
  return config.kind === 'postgres'
    ? createPostgres(config, logger)
    : createPglite(config.dataDir, options.owner ?? { kind: 'cli' });
}

function createPostgres(config: Extract<Config['database'], { kind: 'postgres' }>, logger: Logger): Database {
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.poolMax,
    connectionTimeoutMillis: config.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    statement_timeout: config.statementTimeoutMs,
    application_name: 'lexikon',
  });
  // A server restart kills idle connections; without this listener the error would crash the process.
  pool.on('error', (error) => logger.warn({ err: error }, 'idle PostgreSQL connection lost'));
  // The pool listens only while a connection is idle: one lost while checked out (a transaction between
  // two statements when PostgreSQL stops) would emit an unhandled 'error' and kill the process. The
  // request using it fails on its next statement (503) and the pool discards the broken connection.
  pool.on('connect', (client) =>
    client.on('error', (error) => logger.warn({ err: error }, 'PostgreSQL connection lost while in use')),
  );
  const db = drizzleNodePg({ client: pool, schema }) as unknown as Db;
  return {
    kind: 'postgres',
    db,
    async withDedicatedConnection(work) {
      const client = await pool.connect();
      try {
        return await work(drizzleNodePg({ client, schema }) as unknown as Db);
      } finally {
        client.release();
      }
    },
    ping: (timeoutMs = config.connectTimeoutMs) => withTimeout(pool.query('SELECT 1').then(noop), timeoutMs),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    lock: null,
    close: () => pool.end(),
  };
}

function createPglite(dataDir: string | null, owner: LockOwner): Database {
  let lock: DataDirectoryLock | null = null;
  if (dataDir !== null) {
    mkdirSync(dirname(dataDir), { recursive: true });
    lock = acquireDataDirectoryLock(dataDir, owner);
    mkdirSync(dataDir, { recursive: true });
  }
  const client = dataDir === null ? new PGlite() : new PGlite(dataDir);
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  let closed = false;
  return {
    kind: 'pglite',
    db,
    withDedicatedConnection: (work) => work(db),
    ping: (timeoutMs = 2000) => withTimeout(client.query('SELECT 1').then(noop), timeoutMs),
    poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
    lock,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}

function noop(): void {}

function withTimeout(promise: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`database did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The rows of a raw `db.execute(sql…)` result: both drivers return an object with `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}
