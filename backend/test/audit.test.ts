/**
 * The audit log: security-relevant actions recorded with who, when and from where, append-only, read by
 * administrators only — over HTTP, on PGlite and on PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
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

let context: TestContext;
let admin: TestUser;

beforeAll(async () => {
  context = await createTestContext();
  admin = await createUser(context, { role: 'admin' });
});
afterAll(() => context.close());

const post = (url: string, payload: Record<string, unknown>, user?: TestUser) =>
  context.app.inject({
    method: 'POST',
    url,
    payload,
    remoteAddress: '203.0.113.7',
    headers: user ? user.auth : {},
  });

async function audit(query = '') {
  const response = await context.app.inject({
    method: 'GET',
    url: `/api/audit${query}`,
    headers: admin.auth,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as {
    items: {
      id: number;
      action: string;
      actor: { id: string | null; email: string | null } | null;
      source_address: string;
      target: { type: string; id: string } | null;
      details: Record<string, unknown>;
    }[];
    next_before: number | null;
  };
}

describe('the audit log', () => {
  it('records account creation, sign-ins, failed sign-ins and sign-outs with their source address', async () => {
    const email = `audited-${randomUUID().slice(0, 8)}@example.org`;
    const password = 'a long and correct passphrase';
    expect((await post('/api/auth/register', { email, password })).statusCode).toBe(201);
    expect((await post('/api/auth/login', { email, password: 'not the passphrase' })).statusCode).toBe(401);
    const login = await post('/api/auth/login', { email, password });
    expect(login.statusCode).toBe(200);
    expect((await post('/api/auth/logout', { refresh_token: login.json().refresh_token })).statusCode).toBe(
      204,
    );

    const mine = (await audit('?limit=200')).items.filter(
      (event) => event.actor?.email === email || event.details.email === email,
    );
    expect(mine.map((event) => event.action)).toEqual([
      'auth.sign_out',
      'auth.sign_in',
      'auth.sign_in_failed',
      'account.created',
    ]);
    for (const event of mine) expect(event.source_address).toBe('203.0.113.7');
    expect(mine[2]!.details).toEqual({ method: 'password', reason: 'wrong_password' });
    expect(mine[1]!.actor?.id).toBe(mine[3]!.actor?.id);
    // A failed sign-in with an unknown address names the address tried, no account.
    expect((await post('/api/auth/login', { email: `nobody-${email}`, password })).statusCode).toBe(401);
    const [failed] = (await audit('?action=auth.sign_in_failed&limit=1')).items;
    expect(failed).toMatchObject({
      actor: { id: null, email: `nobody-${email}` },
      details: { reason: 'unknown_email' },
    });
  });

  it('records vocabularies created and changed, and roles granted, changed and revoked, by whom', async () => {
    const owner = await createUser(context);
    const member = await createUser(context);
    const slug = `audit-${randomUUID().slice(0, 8)}`;
    expect(
      (await post('/api/vocabularies', { slug, title: { en: 'Audited' }, default_language: 'en' }, owner))
        .statusCode,
    ).toBe(201);
    expect(
      (await post(`/api/vocabularies/${slug}/members`, { email: member.email, role: 'viewer' }, owner))
        .statusCode,
    ).toBe(200);
    const changed = await context.app.inject({
      method: 'PUT',
      url: `/api/vocabularies/${slug}/members/${member.id}`,
      headers: owner.auth,
      payload: { role: 'editor' },
    });
    expect(changed.statusCode).toBe(200);
    const revoked = await context.app.inject({
      method: 'DELETE',
      url: `/api/vocabularies/${slug}/members/${member.id}`,
      headers: owner.auth,
    });
    expect(revoked.statusCode).toBe(204);
    const updated = await context.app.inject({
      method: 'PATCH',
      url: `/api/vocabularies/${slug}`,
      headers: owner.auth,
      payload: { visibility: 'public', version: 1 },
    });
    expect(updated.statusCode, updated.body).toBe(200);

    const events = (await audit(`?actor_id=${owner.id}`)).items;
    expect(events.map((event) => [event.action, event.target, event.details])).toEqual([
      [
        'vocabulary.updated',
        { type: 'vocabulary', id: slug },
        { changed: ['visibility'], visibility: 'public' },
      ],
      ['member.revoked', { type: 'user', id: member.id }, { vocabulary: slug, role: 'editor' }],
      [
        'member.changed',
        { type: 'user', id: member.id },
        { vocabulary: slug, role: 'editor', previous_role: 'viewer' },
      ],
      ['member.granted', { type: 'user', id: member.id }, { vocabulary: slug, role: 'viewer' }],
      ['vocabulary.created', { type: 'vocabulary', id: slug }, { visibility: 'private' }],
      ['auth.sign_in', null, { method: 'password' }],
      ['account.created', null, {}],
    ]);
  });

  it('records an administrator’s bulk validation run', async () => {
    expect((await post('/api/validation/runs', { scope: 'changed' }, admin)).statusCode).toBe(202);
    const [run] = (await audit('?action=admin.validation_run&limit=1')).items;
    expect(run).toMatchObject({ actor: { id: admin.id }, details: { scope: 'changed' } });
  });

  it('pages newest first, and is readable by administrators only', async () => {
    const first = await audit('?limit=2');
    expect(first.items).toHaveLength(2);
    expect(first.items[0]!.id).toBeGreaterThan(first.items[1]!.id);
    const next = await audit(`?limit=2&before=${first.next_before}`);
    expect(next.items[0]!.id).toBeLessThan(first.items[1]!.id);
    const user = await createUser(context);
    expect(
      (await context.app.inject({ method: 'GET', url: '/api/audit', headers: user.auth })).statusCode,
    ).toBe(403);
    expect((await context.app.inject({ method: 'GET', url: '/api/audit' })).statusCode).toBe(401);
    expect(
      (await context.app.inject({ method: 'GET', url: '/api/audit?action=made.up', headers: admin.auth }))
        .statusCode,
    ).toBe(400);
  });

  it('is append-only, and keeps who acted (and their history) once the account is deleted', async () => {
    const leaving = await createUser(context);
    const term = await createTerm(context, leaving, { term: `Left behind ${randomUUID().slice(0, 8)}` });
    const refusal = (statement: ReturnType<typeof sql>) =>
      context.database.db.execute(statement).then(
        () => 'done',
        (error: Error) => String((error.cause as Error | undefined)?.message ?? error.message),
      );
    expect(await refusal(sql`UPDATE audit_events SET source_address = 'forged'`)).toMatch(/append-only/);
    expect(await refusal(sql`DELETE FROM audit_events`)).toMatch(/append-only/);

    await context.database.db.execute(sql`DELETE FROM users WHERE id = ${leaving.id}::uuid`);
    const events = rowsOf<{ actor_id: string | null; actor_email: string }>(
      await context.database.db.execute(
        sql`SELECT actor_id, actor_email FROM audit_events WHERE actor_email = ${leaving.email}`,
      ),
    );
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(event.actor_id).toBeNull();
    const history = await context.app.inject({
      method: 'GET',
      url: `/api/terms/${term.id}/history`,
      headers: admin.auth,
    });
    expect(history.json().items[0].author).toBeNull();
  });
});
