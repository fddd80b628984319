/**
 * A statement that runs past DATABASE_STATEMENT_TIMEOUT_MS says so (issue 14, item 4: it answered 503
 * "database unavailable", as if PostgreSQL were down), and the log names the timeout without the SQL or
 * its parameters (item 9).
 */
import { Writable } from 'node:stream';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTerm,
  createTestContext,
  createUser,
  type TestContext,
  type TestUser,
} from '../support/test-app.ts';

const lines: string[] = [];
let context: TestContext;
let user: TestUser;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  context = await createTestContext(
    { DATABASE_STATEMENT_TIMEOUT_MS: '400', REQUEST_TIMEOUT_MS: '20000' },
    { logger: pino({ level: 'info' }, sink) },
  );
  user = await createUser(context);
});
afterAll(() => context?.close());

describe('a statement past the statement timeout', () => {
  it('answers 503 query-timeout, leaves the term as it was, and logs no SQL', async () => {
    const term = await createTerm(context, user, { term: 'Locked elsewhere' });
    const config = context.config.database;
    if (config.kind !== 'postgres') throw new Error('a PostgreSQL-only test');
    // Another session holds the term's row: the edit's UPDATE waits for it, past the statement timeout.
    const other = new pg.Client({ connectionString: config.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT id FROM terms WHERE id = $1 FOR UPDATE', [term.id]);
      const secretDefinition = 'A definition whose words must not reach the log: zebra-quartz-31.';
      const edit = await context.app.inject({
        method: 'PATCH',
        url: `/api/terms/${term.id}`,
        headers: user.auth,
        payload: { definition: secretDefinition, version: term.version },
      });
      expect(edit.statusCode, edit.body).toBe(503);
      expect(edit.headers['content-type']).toContain('application/problem+json');
      expect(edit.json()).toMatchObject({ code: 'query-timeout', status: 503 });
      expect(edit.headers['retry-after']).toEqual(expect.any(String));

      const logged = lines.join('\n');
      expect(logged).toMatch(/statement timeout|query-timeout/);
      expect(logged).not.toContain('zebra-quartz-31');
      expect(logged).not.toMatch(/UPDATE\s+"?terms"?/i);
    } finally {
      await other.query('ROLLBACK').catch(() => undefined);
      await other.end();
    }
    const after = await context.app.inject({
      method: 'GET',
      url: `/api/terms/${term.id}`,
      headers: user.auth,
    });
    expect(after.json()).toMatchObject({ version: term.version, definition: term.definition });
  });
});
