import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { Logger } from 'pino';
import { currentSignal, throwIfCancelled, WorkCancelled } from '../cancellation.ts';
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

/**
 * A pool that checks, when it hands out a connection, that the request asking for it still wants it: a
 * request past its deadline (already answered 503) or abandoned starts no new query or transaction. A
 * transaction under way is never cut between two statements (each is bounded by statement_timeout), but
 * one whose request was answered 503 meanwhile rolls back instead of committing: a 503 means "not done".
 */
class CancellablePool extends pg.Pool {
  override connect(): Promise<pg.PoolClient>;
  override connect(
    callback: (
      error: Error | undefined,
      client: pg.PoolClient | undefined,
      done: (release?: unknown) => void,
    ) => void,
  ): void;
  override connect(
    callback?: (
      error: Error | undefined,
      client: pg.PoolClient | undefined,
      done: (release?: unknown) => void,
    ) => void,
  ): Promise<pg.PoolClient> | void {
    const signal = currentSignal();
    if (!callback)
      return super.connect().then((client) => {
        if (signal?.aborted) {
          client.release();
          throwIfCancelled(signal);
        }
        if (signal) refuseCommitOnceCancelled(client, signal);
        return client;
      });
    super.connect((error, client, done) => {
      if (!error && signal?.aborted) {
        done();
        try {
          throwIfCancelled(signal);
        } catch (cancelled) {
          return callback(cancelled as Error, undefined, () => {});
        }
      }
      callback(error, client, done);
    });
  }
}

/**
 * For one checkout of a connection: once the request is cancelled, its COMMIT is refused (Drizzle then
 * rolls the transaction back). The connection goes back to the pool unchanged.
 */
function refuseCommitOnceCancelled(client: pg.PoolClient, signal: AbortSignal): void {
  const query = client.query;
  const release = client.release;
  client.query = function (this: pg.PoolClient, config: unknown, ...rest: unknown[]) {
    const text = typeof config === 'string' ? config : (config as { text?: unknown } | null)?.text;
    if (signal.aborted && typeof text === 'string' && /^\s*commit\s*$/i.test(text))
      return Promise.reject(new WorkCancelled('the request was cancelled: its transaction is rolled back'));
    return (query as (...args: unknown[]) => unknown).call(this, config, ...rest);
  } as typeof client.query;
  client.release = (error?: Error | boolean) => {
    client.query = query;
    client.release = release;
    return release.call(client, error);
  };
}

function createPostgres(config: Extract<Config['database'], { kind: 'postgres' }>, logger: Logger): Database {
  const pool = new CancellablePool({
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
  const gate = new SerialGate();
  const db = drizzlePglite({ client: gated(client, gate), schema }) as unknown as Db;
  let closed = false;
  return {
    kind: 'pglite',
    db,
    withDedicatedConnection: (work) => work(db),
    ping: (timeoutMs = 2000) => withTimeout(client.query('SELECT 1').then(noop), timeoutMs),
    poolStats: () => ({ total: 1, idle: gate.busy ? 0 : 1, waiting: gate.waiting }),
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

/**
 * PGlite runs one statement at a time, on this thread. Queueing here instead of inside PGlite lets a
 * request that waited past its deadline drop out before its query starts (the queue is where a slow
 * traversal makes everyone else wait), and tells the pool metrics and background workers how many wait.
 */
class SerialGate {
  #tail: Promise<unknown> = Promise.resolve();
  waiting = 0;
  busy = false;

  run<T>(work: () => Promise<T>): Promise<T> {
    const signal = currentSignal();
    this.waiting++;
    const result = this.#tail.then(async () => {
      this.waiting--;
      throwIfCancelled(signal);
      this.busy = true;
      try {
        return await work();
      } finally {
        this.busy = false;
      }
    });
    this.#tail = result.catch(() => {});
    return result;
  }
}

/**
 * The client Drizzle sees: PGlite, with its top-level statements and transactions queued through the
 * gate. Statements inside a transaction go to the transaction object, which already holds the turn.
 */
function gated(client: PGlite, gate: SerialGate): PGlite {
  return new Proxy(client, {
    get(target, property) {
      if (property === 'transaction') {
        // A transaction whose request was cancelled meanwhile rolls back instead of committing.
        return <T>(work: (tx: Transaction) => Promise<T>) => {
          const signal = currentSignal();
          return gate.run(() =>
            target.transaction(async (tx) => {
              const result = await work(tx);
              throwIfCancelled(signal);
              return result;
            }),
          );
        };
      }
      if (property === 'query' || property === 'exec') {
        const method = target[property].bind(target) as (...args: unknown[]) => Promise<unknown>;
        return (...args: unknown[]) => gate.run(() => method(...args));
      }
      const value = Reflect.get(target, property, target);
      // PGlite keeps its state in private fields: its methods must run on the real object.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
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
