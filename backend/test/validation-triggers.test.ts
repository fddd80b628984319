/**
 * What queues a validation, so findings never go stale: relations (both ends), duplicates (mutually,
 * without ping-pong), deletions of a term others' findings name, and reviewers' bulk runs, which wait
 * behind anything a person is waiting for.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/platform/database/client.ts';
import { jobsRepository } from '../src/validation/jobs/repository.ts';
import { createTerm, createUser, relate, type TestUser } from './support/test-app.ts';
import { createValidationContext, type ValidationTestContext } from './support/validation-context.ts';

let context: ValidationTestContext;
let author: TestUser;
let admin: TestUser;

beforeAll(async () => {
  context = await createValidationContext();
  author = await createUser(context);
  admin = await createUser(context, { role: 'admin' });
});
afterAll(() => context?.close());

interface RecordView {
  trigger: string;
  findings: {
    rule: string | null;
    explanation: string;
    related_term_ids: string[];
    translations: Record<string, { explanation: string; suggestion: string | null }> | null;
  }[];
}

async function latest(termId: string): Promise<RecordView | undefined> {
  const response = await context.app.inject({
    method: 'GET',
    url: `/api/terms/${termId}/validations`,
    headers: author.auth,
  });
  expect(response.statusCode).toBe(200);
  return response.json().items[0];
}

const rulesOf = (record: RecordView | undefined) => (record?.findings ?? []).map((finding) => finding.rule);
const drain = () => context.app.validation.worker.drain();

describe('relations', () => {
  it('queue a validation of both ends, so a synonym that is also an opposite is flagged without a manual run', async () => {
    const day = await createTerm(context, author, {
      term: 'Daylight',
      definition: 'The natural light of the sun seen during the hours between dawn and dusk.',
      domain: 'Astronomy',
    });
    const night = await createTerm(context, author, {
      term: 'Nightfall',
      definition: 'The moment evening ends and darkness settles over a landscape after sunset.',
      domain: 'Astronomy',
    });
    await drain();
    expect(rulesOf(await latest(day.id))).not.toContain('synonym-and-opposite');

    const created: Record<string, string> = {};
    for (const type of ['part_of', 'opposes', 'synonym']) {
      const relation = await relate(context, author, day.id, night.id, type);
      expect(relation.statusCode).toBe(201);
      created[type] = relation.body.id as string;
    }
    // Three relations in a row: one waiting run per term, not three.
    const waiting = await context.database.db.execute(
      sql`SELECT count(*)::int AS n FROM validation_jobs WHERE status = 'queued'`,
    );
    expect(rowsOf<{ n: number }>(waiting)[0]!.n).toBe(2);
    await drain();
    const flagged = await latest(day.id);
    expect(flagged?.trigger).toBe('job');
    expect(rulesOf(flagged)).toContain('synonym-and-opposite');

    // Removing the synonym clears it, again without a manual run.
    const synonym = { id: created.synonym! };
    const removed = await context.app.inject({
      method: 'DELETE',
      url: `/api/terms/${day.id}/relations/${synonym.id}`,
      headers: author.auth,
    });
    expect(removed.statusCode).toBe(204);
    await drain();
    expect(rulesOf(await latest(day.id))).not.toContain('synonym-and-opposite');
  });
});

describe('duplicates', () => {
  const shared = 'A written record kept by a ship captain listing each voyage, its crew and its cargo.';

  it('are flagged on both terms, once, and forgotten when one of them is deleted', async () => {
    const first = await createTerm(context, author, { term: 'Logbook', definition: shared, domain: 'Sea' });
    await drain();
    expect(rulesOf(await latest(first.id))).not.toContain('duplicate-definition');

    const second = await createTerm(context, author, { term: 'Ship log', definition: shared, domain: 'Sea' });
    const firstPass = await drain();
    expect(firstPass.done).toBeGreaterThanOrEqual(1);
    const secondRecord = await latest(second.id);
    expect(
      secondRecord?.findings.find((item) => item.rule === 'duplicate-definition')?.related_term_ids,
    ).toEqual([first.id]);
    // The older term was validated again and now names the newer one…
    const firstRecord = await latest(first.id);
    expect(
      firstRecord?.findings.find((item) => item.rule === 'duplicate-definition')?.related_term_ids,
    ).toEqual([second.id]);
    // …and that did not queue the newer one yet again: the queue is quiet.
    expect(await drain()).toEqual({ done: 0, failed: 0, skipped: 0, retried: 0 });

    const deleted = await context.app.inject({
      method: 'DELETE',
      url: `/api/terms/${second.id}`,
      headers: admin.auth,
    });
    expect(deleted.statusCode).toBe(204);
    await drain();
    expect(rulesOf(await latest(first.id))).not.toContain('duplicate-definition');
  });
});

describe('findings', () => {
  it("carry the rules' text in both languages of the web app", async () => {
    const term = await createTerm(context, author, {
      term: 'Widget',
      definition: 'A widget is some kind of thing used for various stuff in many situations.',
      domain: 'Engineering',
    });
    await drain();
    const record = await latest(term.id);
    expect(record?.findings.length).toBeGreaterThan(0);
    for (const finding of record!.findings) {
      expect(Object.keys(finding.translations ?? {}).sort()).toEqual(['en', 'fr']);
      expect(finding.translations!.en!.explanation).not.toBe(finding.translations!.fr!.explanation);
      // The definition is in English: the explanation itself is the English text.
      expect(finding.explanation).toBe(finding.translations!.en!.explanation);
    }
  });
});

describe('bulk validation', () => {
  const run = (user: TestUser, scope: string) =>
    context.app.inject({
      method: 'POST',
      url: '/api/validation/runs',
      headers: user.auth,
      payload: { scope },
    });

  it('is for reviewers, and validates all terms or only those whose text changed since their latest record', async () => {
    await drain();
    expect((await run(author, 'all')).statusCode).toBe(403);
    expect((await run(admin, 'some')).statusCode).toBe(400);

    const terms = await context.database.db.execute(sql`SELECT count(*)::int AS n FROM terms`);
    const total = rowsOf<{ n: number }>(terms)[0]!.n;
    const unchanged = await run(admin, 'changed');
    expect(unchanged.statusCode).toBe(202);
    expect(unchanged.json()).toEqual({ scope: 'changed', considered: total, queued: 0 });

    // A text changed behind the API's back (as a migration or a script would): only it is due.
    const stale = await createTerm(context, author, {
      term: 'Anchor',
      definition: 'A heavy metal device dropped to the sea floor to keep a vessel in place.',
      domain: 'Sea',
    });
    await drain();
    await context.database.db.execute(
      sql`UPDATE terms SET definition = definition || ' Usually attached by a chain.' WHERE id = ${stale.id}`,
    );
    const changed = await run(admin, 'changed');
    expect(changed.json()).toEqual({ scope: 'changed', considered: total + 1, queued: 1 });
    await drain();

    const all = await run(admin, 'all');
    expect(all.json()).toEqual({ scope: 'all', considered: total + 1, queued: total + 1 });
    // Asking again while they wait queues nothing more.
    expect((await run(admin, 'all')).json()).toMatchObject({ queued: 0 });

    // A person's edit is claimed before the bulk work queued earlier.
    const edited = await context.app.inject({
      method: 'PATCH',
      url: `/api/terms/${stale.id}`,
      headers: author.auth,
      payload: {
        definition: 'A heavy hooked weight lowered to the sea bed so that a ship stays put.',
        version: 1,
      },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    const [first] = await jobsRepository.claim(context.database.db, {
      limit: 1,
      workerId: 'priority-probe',
      now: context.clock.now(),
      leaseMs: 1,
    });
    expect(first?.termId).toBe(stale.id);
    expect(first?.termVersion).toBe(edited.json().version);
    context.clock.advance(10);
    await drain();
  });
});
