import pino from 'pino';
import { buildApp } from './app.ts';
import { loadConfig } from './platform/config.ts';
import { createDatabase } from './platform/database/client.ts';

/**
 * The OpenAPI document as the running server would serve it, built without a server or a database
 * connection: routes only register schemas. Used to write the web app's typed client.
 */
export async function buildOpenApiDocument(): Promise<unknown> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LEXIKON_DATA_DIR: ':memory:',
    JWT_SECRET: 'openapi-export-'.repeat(4),
    LOG_LEVEL: 'silent',
    // Nothing to validate in a database that only exists to build the document.
    VALIDATION_WORKER: 'off',
  });
  const logger = pino({ level: 'silent' });
  const database = createDatabase(config.database, logger);
  const app = await buildApp({ config, database, logger });
  try {
    await app.ready();
    return app.swagger();
  } finally {
    await app.close();
    await database.close();
  }
}

/** Stable text: the committed file changes only when the API does. */
export function serializeOpenApiDocument(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
