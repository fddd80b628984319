// First: error tracking must be set up before the HTTP server and Fastify are loaded.
import './observability/instrument.ts';
import closeWithGrace from 'close-with-grace';
import pino from 'pino';
import { buildApp } from './app.ts';
import { flushSentry } from './observability/sentry.ts';
import { ConfigError, loadConfig, loadDotEnv } from './platform/config.ts';
import { createDatabase } from './platform/database/client.ts';
import { runMigrations } from './platform/database/migrate.ts';
import { loggerOptions } from './platform/logger.ts';

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
  const logger = pino(loggerOptions(config));
  const database = createDatabase(config.database, logger);
  logger.info(
    {
      database: database.kind,
      dataDir: config.database.kind === 'pglite' ? config.database.dataDir : undefined,
    },
    'migrating database',
  );
  await runMigrations(database);
  const app = await buildApp({ config, database, logger });

  // SIGTERM: stop accepting, let in-flight requests finish, then close the database.
  closeWithGrace({ delay: 10_000, logger }, async ({ err, signal }) => {
    if (err) logger.error({ err }, 'shutting down after an unexpected error');
    else logger.info({ signal }, 'shutting down');
    await app.close();
    await database.close();
    await flushSentry();
  });

  await app.listen({ host: config.host, port: config.port });
  logger.info(`Lexikon API on http://${config.host}:${config.port} (docs at /docs)`);
}

await main();
