// First: error tracking must be set up before the HTTP server and Fastify are loaded.
import './observability/instrument.ts';
import { randomBytes } from 'node:crypto';
import cluster from 'node:cluster';
import closeWithGrace from 'close-with-grace';
import pino, { type Logger } from 'pino';
import { buildApp } from './app.ts';
import { flushSentry } from './observability/sentry.ts';
import { ConfigError, loadConfig, loadDotEnv, type Config } from './platform/config.ts';
import { openCommandChannel, type CommandChannel } from './cli/channel/server.ts';
import { createDatabase, type Database } from './platform/database/client.ts';
import { DataDirectoryLocked } from './platform/database/data-dir-lock.ts';
import { runMigrations } from './platform/database/migrate.ts';
import { loggerOptions } from './platform/logger.ts';
import { runPrimary } from './platform/process/primary.ts';
import { PrimaryLink } from './platform/process/primary-link.ts';

/** How long in-flight requests get to complete after SIGTERM, per process. */
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * One process (API_WORKERS=1, the default outside production): migrate, then serve. Several: this same
 * file runs as the cluster primary, which migrates once and forks the workers, and then as each worker,
 * which serves without migrating.
 */
async function main(): Promise<void> {
  loadDotEnv();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  if (cluster.isWorker) {
    const link = PrimaryLink.connect()!; // first, so that a drain order sent during start-up is kept
    return serve(config, pino(loggerOptions(config)).child({ worker: cluster.worker?.id }), link);
  }
  const logger = pino(loggerOptions(config));
  if (config.apiWorkers === 1) return serve(config, logger, null);

  await migrate(config, logger);
  runPrimary({
    workers: config.apiWorkers,
    logger,
    workerEnv: sharedSecrets(),
    drainGraceMs: SHUTDOWN_GRACE_MS,
    describeAddress: (address) => `${address} (docs at /docs)`,
  });
}

async function migrate(config: Config, logger: Logger): Promise<void> {
  const database = createDatabase(config.database, logger);
  try {
    logger.info(
      {
        database: database.kind,
        dataDir: config.database.kind === 'pglite' ? config.database.dataDir : undefined,
      },
      'migrating database',
    );
    await runMigrations(database);
  } finally {
    await database.close();
  }
}

/**
 * Outside production with no JWT_SECRET and no data directory, each process would draw its own random
 * secret, and a token signed by one worker would be refused by the next: the primary draws one for all.
 * (With a data directory, the secret file the primary's configuration created is read by every worker.)
 */
function sharedSecrets(): Record<string, string> {
  return process.env.JWT_SECRET ? {} : { JWT_SECRET: randomBytes(48).toString('base64url') };
}

async function serve(config: Config, logger: Logger, primary: PrimaryLink | null): Promise<void> {
  const database = openDatabase(config, logger);
  if (!primary) {
    logger.info(
      {
        database: database.kind,
        dataDir: config.database.kind === 'pglite' ? config.database.dataDir : undefined,
      },
      'migrating database',
    );
    await runMigrations(database);
  }
  const app = await buildApp({
    config,
    database,
    logger,
    ...(primary ? { metricsSource: primary.metricsSource } : {}),
  });
  primary?.expose(app.metrics.registry);

  let channel: CommandChannel | null = null;
  // SIGTERM: stop accepting, let in-flight requests finish, then close the database.
  let closing = false;
  const grace = closeWithGrace(
    {
      delay: SHUTDOWN_GRACE_MS,
      logger,
      // In a cluster the drain order may come both from the primary and from a terminal's Ctrl-C (sent to
      // the whole process group): a second one must not cut the drain short. The primary keeps a deadline.
      ...(primary
        ? { onSecondSignal: (signal: string) => logger.info({ signal }, 'already shutting down') }
        : {}),
    },
    async ({ err, signal }) => {
      closing = true;
      if (err) logger.error({ err }, 'shutting down after an unexpected error');
      else logger.info({ signal }, 'shutting down');
      await app.close();
      await channel?.close();
      await database.close();
      await flushSentry();
    },
  );
  primary?.onDrain(() => {
    if (!closing) void grace.close();
  });

  const address = await app.listen({ host: config.host, port: config.port });
  // An embedded data directory is this process's alone: CLI commands run here, through the channel.
  if (database.lock && config.database.kind === 'pglite' && config.database.dataDir) {
    const opened = { database, config };
    channel = await openCommandChannel({
      directory: config.database.dataDir,
      logger,
      run: async (argv, io) => (await import('./cli/main.ts')).runInProcess(argv, io, opened),
    });
    database.lock.update({ url: address, channel: { socket: channel.address, token: channel.token } });
  }
  if (primary) primary.ready(address);
  else logger.info(`Lexikon API on ${address} (docs at /docs)`);
}

/** Exits with a message when another process holds the embedded data directory. */
function openDatabase(config: Config, logger: Logger): Database {
  try {
    return createDatabase(config.database, logger, { owner: { kind: 'server' } });
  } catch (error) {
    if (!(error instanceof DataDirectoryLocked)) throw error;
    logger.fatal(
      { holder: { pid: error.holder.pid, kind: error.holder.kind, url: error.holder.url } },
      `${error.message} Stop it first, or give this server another LEXIKON_DATA_DIR.`,
    );
    process.exit(75); // EX_TEMPFAIL
  }
}

await main();
