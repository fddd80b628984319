/**
 * The change feed under concurrent writers (on PostgreSQL, several connections at once): a client that
 * keeps passing `next_after` back sees every change exactly once, in order, while the writes go on.
 */
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
let writer: TestUser;

beforeAll(async () => {
  context = await createTestContext();
  writer = await createUser(context);
});
afterAll(() => context.close());

const WRITERS = 4;
const ROUNDS = 8;

describe('the change feed with writers running concurrently', () => {
  it('never misses or repeats a change', async () => {
    const slug = `race-${Date.now().toString(36)}`;
    const created = await context.app.inject({
      method: 'POST',
      url: '/api/vocabularies',
      headers: writer.auth,
      payload: { slug, title: { en: 'Race' }, default_language: 'en', languages: ['en'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const anchor = await createTerm(context, writer, { term: 'Race anchor', vocabulary: slug });

    let writing = true;
    const seen: { seq: number; term_id: string; revision: number }[] = [];
    const gaps: string[] = [];
    let cursor = '0';
    const poll = async () => {
      const page = await context.app.inject({
        method: 'GET',
        url: `/api/vocabularies/${slug}/changes?after=${cursor}&limit=7`,
        headers: writer.auth,
      });
      expect(page.statusCode, page.body).toBe(200);
      const body = page.json() as { items: typeof seen; next_after: string; has_more: boolean };
      let expected = Number(cursor) + 1;
      for (const item of body.items) {
        // A hole here would be a change committed after a later one was served: the client would skip it.
        if (item.seq !== expected) gaps.push(`expected ${expected}, got ${item.seq}`);
        expected = item.seq + 1;
        seen.push({ seq: item.seq, term_id: item.term_id, revision: item.revision });
      }
      cursor = body.next_after;
      return body.has_more;
    };
    const reader = (async () => {
      while (writing) {
        await poll();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const writers = Array.from({ length: WRITERS }, async (_, index) => {
      for (let round = 0; round < ROUNDS; round++) {
        const term = await createTerm(context, writer, {
          term: `Racer ${index}-${round}`,
          definition: `Written by racer ${index} in round ${round}, concurrently with others.`,
          vocabulary: slug,
        });
        const edited = await context.app.inject({
          method: 'PATCH',
          url: `/api/terms/${term.id}`,
          headers: writer.auth,
          payload: { version: term.version, level: 'advanced', comment: `round ${round}` },
        });
        expect(edited.statusCode, edited.body).toBe(200);
        const related = await context.app.inject({
          method: 'POST',
          url: `/api/terms/${term.id}/relations`,
          headers: writer.auth,
          payload: { target_id: anchor.id, type: 'related_to' },
        });
        expect(related.statusCode, related.body).toBe(201);
        if (round % 2 === 1) {
          const deleted = await context.app.inject({
            method: 'DELETE',
            url: `/api/terms/${term.id}`,
            headers: writer.auth,
          });
          expect(deleted.statusCode, deleted.body).toBe(204);
        }
      }
    });
    await Promise.all(writers);
    writing = false;
    await reader;
    while (await poll());

    const stored = rowsOf<{ seq: number; term_id: string; revision: number }>(
      await context.database.db.execute(sql`
        SELECT r.seq::int AS seq, r.term_id, r.revision FROM term_revisions r
        JOIN vocabularies v ON v.id = r.vocabulary_id WHERE v.slug = ${slug} ORDER BY r.seq`),
    );
    expect(gaps).toEqual([]);
    // The anchor's creation, then per round a creation, an edit and a relation (a revision of its source,
    // the racer), and every other round a tombstone (the anchor has no relation of its own to lose).
    expect(stored).toHaveLength(1 + WRITERS * ROUNDS * 3 + (WRITERS * ROUNDS) / 2);
    expect(seen).toEqual(stored);
    expect(new Set(seen.map((item) => item.seq)).size).toBe(seen.length);
  });
});
