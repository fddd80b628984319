import { sql } from 'drizzle-orm';
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
 * Writes that met a concurrent change (issue 14): a term deleted while relations to it are created, a
 * token whose account is gone, and a validated term edited by its author.
 */

let context: TestContext;
let user: TestUser;
let admin: TestUser;

beforeAll(async () => {
  context = await createTestContext();
  user = await createUser(context);
  admin = await createUser(context, { role: 'admin' });
});
afterAll(() => context.close());

describe('a term deleted while relations to it are being created', () => {
  it('answers each create 201, 404 or 422, never 500, and leaves no relation pointing nowhere', async () => {
    const statuses = new Set<number>();
    for (let round = 0; round < 10; round++) {
      const target = await createTerm(context, user, { term: `Doomed target ${round}` });
      const sources = await Promise.all(
        Array.from({ length: 7 }, (_, index) =>
          createTerm(context, user, { term: `Racing source ${round}.${index}` }),
        ),
      );
      const [deleted, ...creates] = await Promise.all([
        context.app.inject({ method: 'DELETE', url: `/api/terms/${target.id}`, headers: user.auth }),
        ...sources.map((source) =>
          context.app.inject({
            method: 'POST',
            url: `/api/terms/${source.id}/relations`,
            headers: user.auth,
            payload: { type: 'related_to', target_id: target.id },
          }),
        ),
      ]);
      expect(deleted!.statusCode).toBe(204);
      for (const create of creates) {
        statuses.add(create.statusCode);
        expect([201, 404, 422], create.body).toContain(create.statusCode);
      }
    }
    const dangling = rowsOf<{ count: number }>(
      await context.database.db.execute(sql`
        SELECT count(*)::int AS count FROM relationships r
        WHERE NOT EXISTS (SELECT 1 FROM terms t WHERE t.id = r.target_id)`),
    );
    expect(dangling).toEqual([{ count: 0 }]);
    expect(statuses.has(500)).toBe(false);
  });
});

describe('a correctly signed token whose account no longer exists', () => {
  it('gets 401 account-missing on a write, not a 500', async () => {
    const doomed = await createUser(context);
    await context.database.db.execute(sql`DELETE FROM users WHERE id = ${doomed.id}::uuid`);
    const response = await context.app.inject({
      method: 'POST',
      url: '/api/terms',
      headers: doomed.auth,
      payload: { term: 'Written by a ghost', definition: 'Its author was deleted a moment ago.' },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('account-missing');
  });
});

describe('a validated term edited by its author', () => {
  it('goes back to review; a reviewer’s own edit keeps it validated', async () => {
    const term = await createTerm(context, user, {
      term: 'Moon',
      definition: 'The natural satellite of the Earth, orbiting it about every 27 days.',
    });
    const validate = async (id: string, version: number, status: string) =>
      context.app.inject({
        method: 'PATCH',
        url: `/api/terms/${id}`,
        headers: admin.auth,
        payload: {
          status,
          version,
          override_findings:
            status === 'validated' ? { reason: 'Reviewed by hand for this test.' } : undefined,
        },
      });
    let version = term.version;
    for (const status of ['proposed', 'in_review', 'validated']) {
      const response = await validate(term.id, version, status);
      expect(response.statusCode, response.body).toBe(200);
      version = response.json().version;
    }

    const rewritten = await context.app.inject({
      method: 'PATCH',
      url: `/api/terms/${term.id}`,
      headers: user.auth,
      payload: {
        term: 'Bob renamed',
        definition: 'The moon is made of cheese, and nobody checked.',
        version,
      },
    });
    expect(rewritten.statusCode).toBe(200);
    expect(rewritten.json()).toMatchObject({ term: 'Bob renamed', status: 'in_review' });

    const back = await validate(term.id, rewritten.json().version, 'validated');
    expect(back.statusCode, back.body).toBe(200);
    const byReviewer = await context.app.inject({
      method: 'PATCH',
      url: `/api/terms/${term.id}`,
      headers: admin.auth,
      payload: { level: 'advanced', version: back.json().version },
    });
    expect(byReviewer.json()).toMatchObject({ level: 'advanced', status: 'validated' });

    // The author may still change a validated term's status alone (e.g. deprecate it)…
    const deprecated = await context.app.inject({
      method: 'PATCH',
      url: `/api/terms/${term.id}`,
      headers: user.auth,
      payload: { status: 'deprecated', version: byReviewer.json().version },
    });
    expect(deprecated.json().status).toBe('deprecated');
  });
});
