import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rowsOf } from '../../src/platform/database/client.ts';
import { trackReliability } from '@lexikon/harness/reliability/records';
import { INJECTION_STRINGS } from '@lexikon/harness/reliability/injection';
import { createTestContext, createUser, type TestContext, type TestUser } from '../support/test-app.ts';

// Real processes on a shared 2-core machine: generous deadlines, only to detect a hang.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

// SQL, JSON and HTML injection strings in every free-text field and query parameter: each is stored and
// returned exactly as sent (or refused with a 400 where the field has a narrower alphabet), never
// interpreted. The web app's side (rendered inert) is frontend/test/e2e/injection.test.ts.

let context: TestContext;
let user: TestUser;
beforeAll(async () => {
  context = await createTestContext();
  user = await createUser(context);
});
afterAll(() => context.close());

const get = (url: string) => context.app.inject({ method: 'GET', url, headers: user.auth });

describe('injection strings', () => {
  it('are stored and returned literally in every text field and query parameter', async () => {
    const record = await trackReliability({
      id: 'control-injection-api',
      kind: 'control',
      title: 'SQL/JSON/HTML injection strings stored and returned literally (API)',
      injected: `${INJECTION_STRINGS.length} injection strings as term, definition, domain (create and edit), full name and password, and as the q, domain, term and cursor query parameters`,
      expected:
        'Every accepted value read back byte for byte (API and database row), found by search and filters; no 5xx; tables intact',
    });
    const differences: string[] = [];
    const compare = (where: string, actual: unknown, expected: unknown) => {
      record.add('values compared');
      if (actual !== expected) differences.push(`${where}: ${JSON.stringify(actual)}`);
    };
    for (const [index, text] of INJECTION_STRINGS.entries()) {
      const label = `Injected ${index} ${text}`;
      const created = await context.app.inject({
        method: 'POST',
        url: '/api/terms',
        headers: user.auth,
        payload: { term: label, definition: text, domain: text },
      });
      record.add('requests');
      expect(created.statusCode, created.body).toBe(201);
      const id = created.json().id as string;
      const read = (await get(`/api/terms/${id}`)).json();
      compare(`GET term ${index}`, read.term, label);
      compare(`GET definition ${index}`, read.definition, text);
      compare(`GET domain ${index}`, read.domain, text);
      const [row] = rowsOf<{ term: string; definition: string; domain: string }>(
        await context.database.db.execute(sql`SELECT term, definition, domain FROM terms WHERE id = ${id}`),
      );
      compare(
        `row ${index}`,
        JSON.stringify(row),
        JSON.stringify({ term: label, definition: text, domain: text }),
      );

      const byDomain = await get(`/api/terms?domain=${encodeURIComponent(text)}`);
      const bySearch = await get(`/api/terms?q=${encodeURIComponent(text.slice(0, 200))}`);
      const byName = await get(
        `/api/graph/related?term=${encodeURIComponent(label)}&domain=${encodeURIComponent(text)}`,
      );
      const byCursor = await get(`/api/terms?cursor=${encodeURIComponent(text)}`);
      record.add('requests', 5);
      expect(byDomain.statusCode).toBe(200);
      compare(
        `domain filter ${index}`,
        byDomain
          .json()
          .items.map((item: { id: string }) => item.id)
          .join(),
        id,
      );
      expect(bySearch.statusCode, bySearch.body).toBe(200);
      expect(byName.statusCode, byName.body).toBe(200);
      compare(`traversal root ${index}`, byName.json().nodes[0]?.term, label);
      expect(byCursor.statusCode).toBe(400); // not a cursor this server issued: refused, not run

      const edited = await context.app.inject({
        method: 'PATCH',
        url: `/api/terms/${id}`,
        headers: user.auth,
        payload: { definition: `${text} (edited)`, version: 1 },
      });
      record.add('requests');
      compare(`PATCH definition ${index}`, edited.json().definition, `${text} (edited)`);

      const profile = await context.app.inject({
        method: 'PATCH',
        url: '/api/auth/me',
        headers: user.auth,
        payload: { full_name: text },
      });
      record.add('requests');
      compare(`full name ${index}`, profile.json().full_name, text);
      // A username has a narrow alphabet: refused with a field error, never a 500.
      const username = await context.app.inject({
        method: 'PATCH',
        url: '/api/auth/me',
        headers: user.auth,
        payload: { username: text },
      });
      record.add('requests');
      expect(username.statusCode).toBe(400);
    }

    // A password is compared literally too: the string signs in, a near miss does not.
    const password = `${INJECTION_STRINGS[0]} ${INJECTION_STRINGS[7]}`;
    const email = 'injection-password@example.org';
    expect(
      (await context.app.inject({ method: 'POST', url: '/api/auth/register', payload: { email, password } }))
        .statusCode,
    ).toBe(201);
    const login = (attempt: string) =>
      context.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: attempt } });
    expect((await login(password)).statusCode).toBe(200);
    expect((await login(`' OR '1'='1`)).statusCode).toBe(401);
    record.add('requests', 3);

    const [counts] = rowsOf<{ terms: number; users: number }>(
      await context.database.db.execute(
        sql`SELECT (SELECT count(*)::int FROM terms) AS terms, (SELECT count(*)::int FROM users) AS users`,
      ),
    );
    record.set('differences', differences.length);
    record.observe(
      differences.length === 0
        ? `every value read back as sent (${record.count('values compared')} comparisons); ${counts!.terms} terms and ${counts!.users} users still there; usernames with these strings refused with 400`
        : `differences: ${differences.slice(0, 3).join('; ')}`,
    );
    expect(differences).toEqual([]);
    expect(counts!.terms).toBe(INJECTION_STRINGS.length);
  });
});
