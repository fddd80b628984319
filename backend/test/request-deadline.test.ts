import { sql } from 'drizzle-orm';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/platform/database/client.ts';
import {
  createTerm,
  createTestContext,
  createUser,
  type TestContext,
  type TestUser,
} from './support/test-app.ts';

/**
 * REQUEST_TIMEOUT_MS is a real deadline (issue 14: it used to bound only the receiving of a request, and
 * a 79-second traversal answered 200): past it the client gets a 503 problem, and what the request had not
 * yet done is not done — no new query starts for it, and its transaction rolls back instead of committing.
 */

let context: TestContext;
let user: TestUser;

beforeAll(async () => {
  context = await createTestContext({ REQUEST_TIMEOUT_MS: '1000' });
  user = await createUser(context);
});
afterAll(() => context.close());

/**
 * Holds the database for `ms`: a transaction with the term's row locked (PostgreSQL), which on PGlite's
 * single connection also holds every other statement back.
 */
async function holdDatabase(termId: string, ms: number): Promise<void> {
  await context.database.db.transaction(async (tx) => {
    await tx.execute(sql`SELECT id FROM terms WHERE id = ${termId}::uuid FOR UPDATE`);
    await sleep(ms);
  });
}

describe('the request deadline', () => {
  it('answers 503 deadline-exceeded in time, and the edit that waited is not applied', async () => {
    const term = await createTerm(context, user, { term: 'Waiting edit' });
    let released = false;
    const held = holdDatabase(term.id, 2500).finally(() => (released = true));
    await sleep(50);
    const edit = await context.app.inject({
      method: 'PATCH',
      url: `/api/terms/${term.id}`,
      headers: user.auth,
      payload: { definition: 'A definition that arrives too late to be written.', version: term.version },
    });
    // Answered at the deadline (1 s), while the database still held the row (2.5 s).
    expect(released).toBe(false);
    expect(edit.statusCode).toBe(503);
    expect(edit.headers['content-type']).toContain('application/problem+json');
    expect(edit.headers['retry-after']).toBe('5');
    expect(edit.json()).toMatchObject({ code: 'deadline-exceeded', status: 503 });
    await held;
    await sleep(200);
    const rows = rowsOf<{ definition: string; version: number }>(
      await context.database.db.execute(
        sql`SELECT definition, version FROM terms WHERE id = ${term.id}::uuid`,
      ),
    );
    expect(rows).toEqual([{ definition: term.definition as string, version: term.version }]);

    // The server is fine afterwards.
    const after = await context.app.inject({
      method: 'GET',
      url: `/api/terms/${term.id}`,
      headers: user.auth,
    });
    expect(after.statusCode).toBe(200);
  });

  it('leaves requests that finish in time alone, bodies included', async () => {
    const created = await context.app.inject({
      method: 'POST',
      url: '/api/terms',
      headers: user.auth,
      payload: { term: 'Quick write', definition: 'A write well within the deadline of one second.' },
    });
    expect(created.statusCode).toBe(201);
    await sleep(1200);
    const read = await context.app.inject({
      method: 'GET',
      url: `/api/terms/${created.json().id}`,
      headers: user.auth,
    });
    expect(read.statusCode).toBe(200);
  });
});
