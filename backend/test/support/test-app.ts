import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import pino from 'pino';
import { inject } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/platform/config.ts';
import { createDatabase, type Database } from '../../src/platform/database/client.ts';
import { runMigrations } from '../../src/platform/database/migrate.ts';

export type TestDatabaseKind = 'pglite' | 'postgres';

export function testDatabaseKind(): TestDatabaseKind {
  return process.env.LEXIKON_TEST_DATABASE === 'postgres' ? 'postgres' : 'pglite';
}

/** A fresh, empty database: in-memory PGlite, or a new database on the test PostgreSQL server. */
export async function createTestDatabaseUrl(): Promise<string | undefined> {
  if (testDatabaseKind() === 'pglite') return undefined;
  const serverUrl = inject('postgresUrl');
  const name = `lexikon_test_${randomUUID().replaceAll('-', '')}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export function testConfig(overrides: Record<string, string | undefined> = {}, databaseUrl?: string): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    LEXIKON_DATA_DIR: ':memory:',
    JWT_SECRET: TEST_JWT_SECRET,
    // Generous limits so ordinary tests never trip them; rate-limit tests set their own.
    AUTH_LOGIN_LIMIT_PER_IP: '1000/60',
    AUTH_LOGIN_LIMIT_PER_ACCOUNT: '1000/60',
    AUTH_REGISTER_LIMIT_PER_IP: '1000/60',
    // Background validation would race with assertions; tests that need it drain the queue themselves.
    VALIDATION_WORKER: 'off',
    // Likewise for webhook deliveries: the webhook tests run the worker a batch at a time.
    WEBHOOK_WORKER: 'off',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...overrides,
  });
}

export interface TestContext {
  app: FastifyInstance;
  database: Database;
  config: Config;
  close(): Promise<void>;
}

/** The real app on a fresh database, driven through HTTP with `app.inject`. */
export async function createTestContext(
  overrides: Record<string, string | undefined> = {},
  options: { logger?: pino.Logger } = {},
): Promise<TestContext> {
  const config = testConfig(overrides, await createTestDatabaseUrl());
  const logger = options.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const database = createDatabase(config.database, logger);
  await runMigrations(database);
  const app = await buildApp({ config, database, logger });
  await app.ready();
  return {
    app,
    database,
    config,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  auth: { authorization: string };
}

let userCounter = 0;

/** Registers a new account (optionally promoted to admin) and signs it in. */
export async function createUser(
  context: TestContext,
  options: { role?: 'user' | 'admin'; email?: string; password?: string } = {},
): Promise<TestUser> {
  const email = options.email ?? `user${++userCounter}-${randomUUID().slice(0, 8)}@example.org`;
  const password = options.password ?? 'Correct-Horse-9-Battery';
  const registered = await context.app.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { email, password },
  });
  if (registered.statusCode !== 201)
    throw new Error(`register failed: ${registered.statusCode} ${registered.body}`);
  const id = registered.json().id as string;
  if (options.role === 'admin') {
    const { sql } = await import('drizzle-orm');
    await context.database.db.execute(sql`UPDATE users SET role = 'admin' WHERE id = ${id}`);
  }
  const login = await context.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password },
  });
  if (login.statusCode !== 200) throw new Error(`login failed: ${login.statusCode} ${login.body}`);
  const tokens = login.json();
  return {
    id,
    email,
    password,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    auth: { authorization: `Bearer ${tokens.access_token}` },
  };
}

export async function createTerm(
  context: TestContext,
  user: TestUser,
  payload: Record<string, unknown>,
): Promise<{ id: string; version: number; term: string } & Record<string, unknown>> {
  const response = await context.app.inject({
    method: 'POST',
    url: '/api/terms',
    headers: user.auth,
    payload: { definition: 'A definition long enough to be meaningful here.', domain: 'Testing', ...payload },
  });
  if (response.statusCode !== 201)
    throw new Error(`create term failed: ${response.statusCode} ${response.body}`);
  return response.json();
}

export async function relate(
  context: TestContext,
  user: TestUser,
  sourceId: string,
  targetId: string,
  type: string,
): Promise<{ statusCode: number; body: Record<string, unknown> }> {
  const response = await context.app.inject({
    method: 'POST',
    url: `/api/terms/${sourceId}/relations`,
    headers: user.auth,
    payload: { target_id: targetId, type },
  });
  return { statusCode: response.statusCode, body: response.json() };
}
