import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/platform/database/client.ts';
import { httpStatus, startFakeLlm, verdict, type FakeLlm } from '@lexikon/harness/fakes/llm';
import { createTerm, createUser, type TestUser } from './support/test-app.ts';
import {
  createValidationContext,
  llmEnvironment,
  type ValidationTestContext,
} from './support/validation-context.ts';

/** Open findings (errors, warnings) keep a term from becoming `validated` unless a reviewer overrides them. */

let context: ValidationTestContext;
let author: TestUser;
let reviewer: TestUser;
let llm: FakeLlm;

beforeAll(async () => {
  llm = await startFakeLlm();
  context = await createValidationContext(llmEnvironment(llm.url, { LLM_MAX_ATTEMPTS: '1' }));
  [author, reviewer] = await Promise.all([createUser(context), createUser(context, { role: 'admin' })]);
});
afterAll(async () => {
  await context?.close();
  await llm?.close();
});

const patch = (user: TestUser, id: string, payload: object) =>
  context.app.inject({ method: 'PATCH', url: `/api/terms/${id}`, headers: user.auth, payload });
const validate = async (user: TestUser, id: string) => {
  const response = await context.app.inject({
    method: 'POST',
    url: `/api/terms/${id}/validate`,
    headers: user.auth,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
};

/** Creates a term and walks it to in_review (status changes keep its text, so its findings still apply). */
async function inReview(term: string, definition: string, domain: string | null = 'Geography') {
  const created = await createTerm(context, author, { term, definition, domain });
  let version = created.version;
  for (const status of ['proposed', 'in_review']) {
    const step = await patch(author, created.id, { status, version });
    expect(step.statusCode, step.body).toBe(200);
    version = step.json().version;
  }
  return { id: created.id, version };
}

describe('a term with open findings', () => {
  it('cannot become validated: 422 open-findings lists them', async () => {
    llm.reset();
    const term = await createTerm(context, author, {
      term: 'Volcano',
      definition: 'A mountain that maybe spits lava and stuff.',
    });
    // Validated at version 1; the two status changes below keep the text, so the findings still hold.
    const record = await validate(author, term.id);
    let version = 1;
    for (const status of ['proposed', 'in_review'])
      version = (await patch(author, term.id, { status, version })).json().version;

    const refused = await patch(reviewer, term.id, { status: 'validated', version });
    expect(refused.statusCode).toBe(422);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
    const problem = refused.json();
    expect(problem.code).toBe('open-findings');
    expect(problem.detail).toMatch(/2 open findings.*override_findings/);
    expect(
      problem.findings
        .map((finding: { rule: string; severity: string }) => `${finding.rule}/${finding.severity}`)
        .sort(),
    ).toEqual(['hedging/warning', 'vague-wording/warning']);
    expect(
      problem.findings
        .map((finding: { id: string }) => finding.id)
        .every((id: string) => record.findings.some((f: { id: string }) => f.id === id)),
    ).toBe(true);
    const unchanged = await context.app.inject({
      method: 'GET',
      url: `/api/terms/${term.id}`,
      headers: author.auth,
    });
    expect(unchanged.json()).toMatchObject({ status: 'in_review', version });
  });

  it('becomes validated with a reviewer’s override, which is recorded (who, when, why, which findings)', async () => {
    llm.reset();
    const { id, version } = await inReview('Geyser', 'A hot spring that perhaps erupts now and then.');
    const record = await validate(author, id);
    expect(record.findings.map((finding: { rule: string }) => finding.rule)).toEqual(['hedging']);
    const reason = 'Eruption intervals genuinely vary; the hedge is deliberate here.';

    const accepted = await patch(reviewer, id, {
      status: 'validated',
      version,
      override_findings: { reason },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({ status: 'validated', version: version + 1 });

    const [latest] = (
      await context.app.inject({ method: 'GET', url: `/api/terms/${id}/validations`, headers: author.auth })
    ).json().items;
    expect(latest.findings[0].override).toEqual({
      id: expect.any(String),
      reason,
      overridden_by: reviewer.id,
      term_version: version + 1,
      created_at: expect.any(String),
    });
    const rows = rowsOf<{ reason: string; overridden_by: string; findings: number }>(
      await context.database.db.execute(sql`
        SELECT o.reason, o.overridden_by, count(f.finding_id)::int AS findings
        FROM validation_overrides o JOIN validation_override_findings f ON f.override_id = o.id
        WHERE o.term_id = ${id} GROUP BY o.id`),
    );
    expect(rows).toEqual([{ reason, overridden_by: reviewer.id, findings: 1 }]);
  });

  it('refuses an override from someone who may not validate, or with no real reason', async () => {
    const { id, version } = await inReview('Caldera', 'A large crater formed by something collapsing.');
    await validate(author, id);
    const byAuthor = await patch(author, id, {
      status: 'validated',
      version,
      override_findings: { reason: 'I am sure this is fine as it is.' },
    });
    expect(byAuthor.statusCode).toBe(403);

    const terse = await patch(reviewer, id, {
      status: 'validated',
      version,
      override_findings: { reason: ' ok ' },
    });
    expect(terse.statusCode).toBe(400);
    expect(terse.json().errors[0].path).toBe('body.override_findings.reason');

    const misplaced = await patch(reviewer, id, {
      level: 'expert',
      version,
      override_findings: { reason: 'An override needs a validation to go with.' },
    });
    expect(misplaced.statusCode).toBe(400);
    expect(misplaced.json().errors[0].path).toBe('body.override_findings');
  });

  it('is not blocked by info-level findings, nor by findings about a text it no longer has', async () => {
    const info = await inReview(
      'Archipelago',
      'A group of islands scattered over a sea, such as the Azores, the Canaries, etc.',
    );
    expect(
      (await validate(author, info.id)).findings.map((finding: { severity: string }) => finding.severity),
    ).toEqual(['info']);
    expect((await patch(reviewer, info.id, { status: 'validated', version: info.version })).statusCode).toBe(
      200,
    );

    const fixed = await inReview('Plateau', 'A high flat area of stuff.');
    expect((await validate(author, fixed.id)).findings.length).toBeGreaterThan(0);
    const edit = await patch(author, fixed.id, {
      definition:
        'An area of high ground that is flat on top and bounded by steep slopes on at least one side.',
      version: fixed.version,
    });
    expect(edit.statusCode).toBe(200);
    const record = (
      await context.app.inject({
        method: 'GET',
        url: `/api/terms/${fixed.id}/validations`,
        headers: author.auth,
      })
    ).json().items[0];
    expect(record.current).toBe(false);
    expect(
      (await patch(reviewer, fixed.id, { status: 'validated', version: edit.json().version })).statusCode,
    ).toBe(200);
  });

  it('keeps the LLM’s findings open when a later run could not reach the LLM', async () => {
    llm.reset();
    const { id, version } = await inReview(
      'Moraine',
      'An accumulation of rock debris carried and deposited by a glacier along its edges or at its front.',
    );
    llm.script(
      verdict([
        {
          type: 'wrong_domain',
          severity: 'warning',
          explanation: 'This is glaciology.',
          evidence: 'Geography',
          suggestion: 'Glaciology',
        },
      ]),
      httpStatus(500),
    );
    expect((await validate(author, id)).status).toBe('ok');
    expect((await validate(author, id)).status).toBe('failed');
    const refused = await patch(reviewer, id, { status: 'validated', version });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().findings).toEqual([
      expect.objectContaining({ source: 'llm', type: 'wrong_domain' }),
    ]);

    // A later verdict without findings clears it.
    llm.script(verdict([]));
    expect((await validate(author, id)).status).toBe('ok');
    expect((await patch(reviewer, id, { status: 'validated', version })).statusCode).toBe(200);
  });

  it('can be validated once its findings are fixed and validated again', async () => {
    llm.reset();
    const { id, version } = await inReview('Tributary', 'A river or stream flowing into something larger.');
    await validate(author, id);
    expect((await patch(reviewer, id, { status: 'validated', version })).statusCode).toBe(422);
    const edit = await patch(author, id, {
      definition: 'A river or stream that flows into a larger river or a lake rather than into the sea.',
      version,
    });
    expect((await validate(author, id)).findings).toEqual([]);
    expect(
      (await patch(reviewer, id, { status: 'validated', version: edit.json().version })).statusCode,
    ).toBe(200);
  });
});
