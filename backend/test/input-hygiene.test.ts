import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/platform/database/client.ts';
import {
  createTerm,
  createTestContext,
  createUser,
  relate,
  type TestContext,
  type TestUser,
} from './support/test-app.ts';

/**
 * Input that once got a 500, was accepted when it should not have been, or was stored as typed when it
 * should have been canonicalised (issue 14): ids in upper case, invisible characters, a strength too small
 * to store, a NUL byte in a name, a domain spelled another way.
 */

let context: TestContext;
let user: TestUser;

beforeAll(async () => {
  context = await createTestContext();
  user = await createUser(context);
});
afterAll(() => context.close());

const inject = (
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: Record<string, unknown>,
) => context.app.inject({ method, url, headers: user.auth, ...(payload === undefined ? {} : { payload }) });

describe('ids in upper case', () => {
  it('are the same ids: a relation to itself, a traversal, a deletion', async () => {
    const term = await createTerm(context, user, { term: 'Case of ids' });
    const other = await createTerm(context, user, { term: 'Case of ids, other end' });
    const upper = term.id.toUpperCase();

    const self = await inject('POST', `/api/terms/${term.id}/relations`, { type: 'is_a', target_id: upper });
    expect(self.statusCode).toBe(422);
    expect(self.json().code).toBe('self-relation');

    const related = await inject('GET', `/api/terms/${upper}/related?depth=1`);
    expect(related.statusCode).toBe(200);
    expect(related.json().start.id).toBe(term.id);

    const created = await relate(context, user, term.id, other.id.toUpperCase(), 'related_to');
    expect(created.statusCode).toBe(201);
    expect((created.body.target as { id: string }).id).toBe(other.id);
    const removed = await inject(
      'DELETE',
      `/api/terms/${upper}/relations/${String(created.body.id).toUpperCase()}`,
    );
    expect(removed.statusCode).toBe(204);
  });
});

describe('invisible characters', () => {
  it('drops zero-width spaces, so a look-alike label is the same label', async () => {
    await createTerm(context, user, { term: 'Alpha term', domain: 'Invisible' });
    const twin = await inject('POST', '/api/terms', {
      term: 'Alpha\u200B term\u200B',
      definition: 'The same label with zero-width spaces hidden in it.',
      domain: 'Invisible',
    });
    expect(twin.statusCode).toBe(409);
    expect(twin.json().code).toBe('term-exists');
  });

  it('finds a label made only of invisible characters empty, and refuses bidirectional overrides', async () => {
    for (const [term, message] of [
      ['\u200B\u2060\uFEFF', 'Must not be empty.'],
      [
        'report\u202Efdp.exe',
        'Must not contain invisible formatting characters (such as a right-to-left override).',
      ],
    ] as const) {
      const response = await inject('POST', '/api/terms', {
        term,
        definition: 'A definition of some length.',
      });
      expect(response.statusCode, term).toBe(400);
      expect(response.json().errors).toEqual([{ path: 'body.term', message }]);
    }
    const definition = await inject('POST', '/api/terms', {
      term: 'Override in prose',
      definition: 'A definition that hides \u202Ea reversed part.',
    });
    expect(definition.json().errors).toEqual([
      {
        path: 'body.definition',
        message: 'Must not contain invisible formatting characters (such as a right-to-left override).',
      },
    ]);
  });

  it('keeps the joiners that Persian and emoji need', async () => {
    const persian = await createTerm(context, user, { term: 'می‌خواهم', domain: 'Invisible' });
    expect(persian.term).toBe('می\u200Cخواهم');
  });
});

describe('values a field cannot hold', () => {
  it('names the field of a strength too small to store, instead of a generic 400', async () => {
    const source = await createTerm(context, user, { term: 'Tiny strength source' });
    const target = await createTerm(context, user, { term: 'Tiny strength target' });
    const response = await inject('POST', `/api/terms/${source.id}/relations`, {
      type: 'related_to',
      target_id: target.id,
      strength: 1e-50,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([
      { path: 'body.strength', message: 'Use 0, or a value of at least 0.000001.' },
    ]);
  });

  it('names the field of a NUL byte in a full name', async () => {
    const response = await inject('PATCH', '/api/auth/me', { full_name: 'Ada\u0000Lovelace' });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([
      { path: 'body.full_name', message: 'Must not contain control characters.' },
    ]);
  });
});

describe('domains', () => {
  it('keep the spelling they were first given, and are listed with their counts', async () => {
    const first = await createTerm(context, user, {
      term: 'Réseau de neurones',
      domain: 'Intelligence artificielle',
    });
    const typed = await createTerm(context, user, {
      term: 'Perceptron',
      domain: '  intelligence   ARTIFICIELLE ',
    });
    expect(first.domain).toBe('Intelligence artificielle');
    expect(typed.domain).toBe('Intelligence artificielle');
    const edited = await inject('PATCH', `/api/terms/${typed.id}`, {
      domain: 'INTELLIGENCE ARTIFICIELLE',
      version: typed.version,
    });
    expect(edited.json().domain).toBe('Intelligence artificielle');

    const domains = await inject('GET', '/api/domains');
    expect(domains.statusCode).toBe(200);
    const items = domains.json().items as { domain: string; terms: number }[];
    expect(items.find((item) => item.domain === 'Intelligence artificielle')).toEqual({
      domain: 'Intelligence artificielle',
      terms: 2,
    });
    const folded = items.map((item) => item.domain.toLowerCase());
    expect(new Set(folded).size).toBe(folded.length);
    expect([...folded].sort((a, b) => a.localeCompare(b))).toEqual(folded);
  });

  it('let the only term of a domain change its spelling', async () => {
    const alone = await createTerm(context, user, { term: 'Lonely', domain: 'Typo domian' });
    const fixed = await inject('PATCH', `/api/terms/${alone.id}`, { domain: 'TYPO DOMIAN', version: 1 });
    expect(fixed.json().domain).toBe('TYPO DOMIAN');
    const rows = rowsOf<{ domain: string }>(
      await context.database.db.execute(sql`SELECT domain FROM terms WHERE id = ${alone.id}::uuid`),
    );
    expect(rows).toEqual([{ domain: 'TYPO DOMIAN' }]);
  });
});
