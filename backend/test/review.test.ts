/**
 * Review before serving: submit, approve (as many approvals as the vocabulary asks, never one's own unless
 * allowed), request changes, withdraw; readers and anonymous visitors keep the published revision while a
 * change waits; the review queue — over HTTP, on PGlite and on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, createUser, type TestContext, type TestUser } from './support/test-app.ts';

let context: TestContext;
let owner: TestUser;
let editor: TestUser;
let reviewer: TestUser;
let secondReviewer: TestUser;
let viewer: TestUser;
let counter = 0;

beforeAll(async () => {
  context = await createTestContext();
  [owner, editor, reviewer, secondReviewer, viewer] = await Promise.all([
    createUser(context),
    createUser(context),
    createUser(context),
    createUser(context),
    createUser(context),
  ]);
});
afterAll(() => context.close());

const call = (user: TestUser | null, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
  context.app.inject({
    method,
    url,
    headers: user ? user.auth : {},
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });

async function ok(user: TestUser | null, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) {
  const response = await call(user, method, url, payload);
  expect(response.statusCode, response.body).toBe(
    method === 'POST' && (url.endsWith('/terms') || url.endsWith('/vocabularies')) ? 201 : 200,
  );
  return response.json();
}

async function vocabulary(settings: Record<string, unknown> = {}) {
  const slug = `review-${++counter}-${Date.now().toString(36)}`;
  await ok(owner, 'POST', '/api/vocabularies', {
    slug,
    title: { en: 'Reviewed terms' },
    default_language: 'en',
    visibility: 'public',
    ...settings,
  });
  for (const [member, role] of [
    [editor, 'editor'],
    [reviewer, 'reviewer'],
    [secondReviewer, 'reviewer'],
    [viewer, 'viewer'],
  ] as const)
    await ok(owner, 'POST', `/api/vocabularies/${slug}/members`, { email: member.email, role });
  return slug;
}

const create = (user: TestUser, slug: string, term: string, definition: string) =>
  ok(user, 'POST', '/api/terms', { vocabulary: slug, term, definition, domain: 'Review' });

const act = (user: TestUser, id: string, action: string, payload: Record<string, unknown>) =>
  call(user, 'POST', `/api/terms/${id}/review/${action}`, payload);

describe('review before serving', () => {
  it('publishes an approved change; readers keep the published revision while the next one waits', async () => {
    const slug = await vocabulary();
    const concept = await create(editor, slug, 'Lemma', 'The form of a word a dictionary lists it under.');
    expect(concept.publication).toEqual({ published_revision: null, pending: false, showing: 'current' });

    // The author may not approve; a reviewer may, and that publishes it.
    const submitted = await act(editor, concept.id, 'submit', {
      version: concept.version,
      comment: 'Ready.',
    });
    expect(submitted.statusCode, submitted.body).toBe(200);
    expect(submitted.json().concept.status).toBe('in_review');
    const version = submitted.json().concept.version;
    expect((await act(editor, concept.id, 'approve', { version })).statusCode).toBe(403);
    expect((await act(viewer, concept.id, 'approve', { version })).statusCode).toBe(403);
    const approved = await act(reviewer, concept.id, 'approve', { version, comment: 'Clear.' });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({
      published: true,
      concept: { status: 'validated', publication: { published_revision: 3, pending: false } },
      review: { pending: false, published_revision: 3, latest_revision: 3 },
    });

    // The editor's change of it waits for review; the viewer and an anonymous visitor get revision 3.
    const edited = await ok(editor, 'PATCH', `/api/terms/${concept.id}`, {
      version: approved.json().concept.version,
      definition: 'The canonical form of a word, the one a dictionary lists.',
      comment: 'Say canonical.',
    });
    expect(edited).toMatchObject({
      status: 'in_review',
      publication: { published_revision: 3, pending: true },
    });
    for (const reader of [viewer, null]) {
      const read = await ok(reader, 'GET', `/api/vocabularies/${slug}/terms/${concept.id}`);
      expect(read).toMatchObject({
        status: 'validated',
        definition: 'The form of a word a dictionary lists it under.',
        publication: { published_revision: 3, pending: false, showing: 'published' },
      });
      const list = await ok(reader, 'GET', `/api/vocabularies/${slug}/terms`);
      expect(list.items.find((item: { id: string }) => item.id === concept.id)).toMatchObject({
        status: 'validated',
        definition: 'The form of a word a dictionary lists it under.',
      });
    }
    // Found by a word of the pending text, it still shows the published one, and not what matched.
    const found = await ok(viewer, 'GET', `/api/terms?vocabulary=${slug}&q=canonical`);
    expect(found.items.find((item: { id: string }) => item.id === concept.id)).toMatchObject({
      definition: 'The form of a word a dictionary lists it under.',
      match: null,
    });
    const tree = await ok(null, 'GET', `/api/vocabularies/${slug}/hierarchy`);
    expect(tree.items.find((item: { id: string }) => item.id === concept.id)).toMatchObject({
      status: 'validated',
    });
    for (const privileged of [editor, reviewer, owner])
      expect((await ok(privileged, 'GET', `/api/terms/${concept.id}`)).definition).toBe(
        'The canonical form of a word, the one a dictionary lists.',
      );

    // It is in the reviewers' queue, not in the editor's.
    const queue = await ok(reviewer, 'GET', '/api/review/queue');
    expect(queue.to_review.find((item: { id: string }) => item.id === concept.id)).toMatchObject({
      vocabulary_slug: slug,
      approvals: 0,
      approvals_required: 1,
      published_revision: 3,
      comment: 'Say canonical.',
    });
    expect(
      (await ok(editor, 'GET', '/api/review/queue')).to_review.map((item: { id: string }) => item.id),
    ).not.toContain(concept.id);

    // Changes requested: a comment is required; the change goes back to its author, still unpublished.
    const noComment = await act(reviewer, concept.id, 'request-changes', { version: edited.version });
    expect(noComment.statusCode).toBe(400);
    const sentBack = await act(reviewer, concept.id, 'request-changes', {
      version: edited.version,
      comment: 'Cite a dictionary.',
    });
    expect(sentBack.statusCode, sentBack.body).toBe(200);
    expect(sentBack.json().concept.status).toBe('draft');
    const returned = (await ok(editor, 'GET', '/api/review/queue')).returned;
    expect(returned.find((item: { id: string }) => item.id === concept.id)).toMatchObject({
      comment: 'Cite a dictionary.',
      submitted_by: { id: reviewer.id },
    });
    expect((await ok(null, 'GET', `/api/vocabularies/${slug}/terms/${concept.id}`)).status).toBe('validated');

    const resubmitted = await act(editor, concept.id, 'submit', { version: sentBack.json().concept.version });
    const published = await act(reviewer, concept.id, 'approve', {
      version: resubmitted.json().concept.version,
    });
    expect(published.json().published).toBe(true);
    expect((await ok(null, 'GET', `/api/vocabularies/${slug}/terms/${concept.id}`)).definition).toBe(
      'The canonical form of a word, the one a dictionary lists.',
    );

    const history = await ok(editor, 'GET', `/api/terms/${concept.id}/history`);
    expect(history.items.map((item: { action: string }) => item.action).reverse()).toEqual([
      'created',
      'submitted',
      'approved',
      'updated',
      'changes_requested',
      'submitted',
      'approved',
    ]);
    const state = await ok(editor, 'GET', `/api/terms/${concept.id}/review`);
    expect(state.decisions.map((decision: { decision: string }) => decision.decision)).toEqual([
      'approved',
      'changes_requested',
      'approved',
    ]);
    expect((await call(viewer, 'GET', `/api/terms/${concept.id}/review`)).statusCode).toBe(403);
  });

  it('needs as many approvals as the vocabulary sets, never the author’s own unless allowed', async () => {
    const slug = await vocabulary({ contribution: 'signed_in', approvals_required: 2 });
    const own = await create(reviewer, slug, 'Stem', 'The part of a word that carries its meaning.');
    const submitted = (await act(reviewer, own.id, 'submit', { version: own.version })).json();
    const version = submitted.concept.version;
    expect(submitted.review.may).toMatchObject({ approve: false, withdraw: true });
    expect(submitted.review.refusal).toMatch(/You made this change/);
    const selfApproved = await act(reviewer, own.id, 'approve', { version });
    expect(selfApproved.statusCode).toBe(403);
    expect(selfApproved.json().code).toBe('self-approval');

    const first = await act(secondReviewer, own.id, 'approve', { version });
    expect(first.json()).toMatchObject({ published: false, concept: { status: 'in_review' } });
    expect(first.json().review.approvals.map((a: { reviewer: { id: string } }) => a.reviewer.id)).toEqual([
      secondReviewer.id,
    ]);
    const twice = await act(secondReviewer, own.id, 'approve', { version });
    expect([twice.statusCode, twice.json().code]).toEqual([409, 'already-approved']);
    // PATCH to validated is an approval too, under the same rules: one more is not two.
    const patched = await call(secondReviewer, 'PATCH', `/api/terms/${own.id}`, {
      version,
      status: 'validated',
    });
    expect([patched.statusCode, patched.json().code]).toEqual([409, 'already-approved']);
    // The owner completes the count (owners may approve anything).
    const done = await act(owner, own.id, 'approve', { version });
    expect(done.json()).toMatchObject({ published: true, concept: { status: 'validated' } });

    const other = await create(editor, slug, 'Root', 'The core of a word, without any affix.');
    const inReview = (await act(editor, other.id, 'submit', { version: other.version })).json().concept;
    const alone = await call(reviewer, 'PATCH', `/api/terms/${other.id}`, {
      version: inReview.version,
      status: 'validated',
    });
    expect([alone.statusCode, alone.json().code, alone.json().required]).toEqual([
      409,
      'approvals-required',
      2,
    ]);

    // Allowing self-approval lets the author count as one of the two.
    const settings = await ok(owner, 'GET', `/api/vocabularies/${slug}`);
    await ok(owner, 'PATCH', `/api/vocabularies/${slug}`, { version: settings.version, self_approval: true });
    const mine = await create(reviewer, slug, 'Affix', 'A part added to a word to change its meaning.');
    const mineInReview = (await act(reviewer, mine.id, 'submit', { version: mine.version })).json().concept;
    const counted = await act(reviewer, mine.id, 'approve', { version: mineInReview.version });
    expect(counted.statusCode, counted.body).toBe(200);
    expect(counted.json().review.approvals).toHaveLength(1);
  });

  it('withdraws a change, refuses actions out of turn and on a stale version, clearly', async () => {
    const slug = await vocabulary();
    const concept = await create(editor, slug, 'Morpheme', 'The smallest unit of a word that has a meaning.');
    const draftApprove = await act(reviewer, concept.id, 'approve', { version: concept.version });
    expect([draftApprove.statusCode, draftApprove.json().code], draftApprove.body).toEqual([
      409,
      'not-in-review',
    ]);
    const noVersion = await act(editor, concept.id, 'submit', {});
    expect(noVersion.statusCode).toBe(428);
    const submitted = (await act(editor, concept.id, 'submit', { version: concept.version })).json().concept;
    const stale = await act(reviewer, concept.id, 'approve', { version: concept.version });
    expect([stale.statusCode, stale.json().code]).toEqual([409, 'version-conflict']);
    const staleIfMatch = await context.app.inject({
      method: 'POST',
      url: `/api/terms/${concept.id}/review/approve`,
      headers: { ...reviewer.auth, 'if-match': `"${concept.version}"` },
      payload: {},
    });
    expect(staleIfMatch.statusCode).toBe(412);
    expect((await act(viewer, concept.id, 'withdraw', { version: submitted.version })).statusCode).toBe(403);
    const withdrawn = await act(editor, concept.id, 'withdraw', {
      version: submitted.version,
      comment: 'Not yet.',
    });
    expect(withdrawn.json().concept.status).toBe('draft');
    const again = await act(editor, concept.id, 'withdraw', { version: withdrawn.json().concept.version });
    expect([again.statusCode, again.json().code]).toEqual([409, 'not-in-review']);
    expect(
      (await call(null, 'POST', `/api/terms/${concept.id}/review/submit`, { version: 1 })).statusCode,
    ).toBe(401);
    const unknown = await act(editor, '00000000-0000-4000-8000-000000000000', 'submit', { version: 1 });
    expect(unknown.statusCode).toBe(404);
  });
  it('reviews a relation change like an edit: readers keep the published relations until it is approved', async () => {
    const slug = await vocabulary();
    const lemma = await create(editor, slug, 'Lemma', 'The form of a word a dictionary lists it under.');
    const word = await create(editor, slug, 'Word', 'A unit of language that carries a meaning.');
    const submitted = (await act(editor, lemma.id, 'submit', { version: lemma.version })).json().concept;
    const published = (await act(reviewer, lemma.id, 'approve', { version: submitted.version })).json();
    expect(published.published).toBe(true);

    const related = await call(editor, 'POST', `/api/terms/${lemma.id}/relations`, {
      target_id: word.id,
      type: 'related_to',
    });
    expect(related.statusCode, related.body).toBe(201);
    const after = await ok(editor, 'GET', `/api/terms/${lemma.id}`);
    expect(after).toMatchObject({ status: 'in_review', publication: { pending: true } });
    const relationsOf = async (user: TestUser | null) =>
      (await ok(user, 'GET', `/api/vocabularies/${slug}/terms/${lemma.id}/relations`)).items.map(
        (relation: { target: { id: string } }) => relation.target.id,
      );
    expect(await relationsOf(editor)).toEqual([word.id]);
    expect(await relationsOf(viewer)).toEqual([]);
    expect(await relationsOf(null)).toEqual([]);
    expect((await ok(viewer, 'GET', `/api/vocabularies/${slug}/terms/${lemma.id}`)).status).toBe('validated');
    const reached = async (user: TestUser) => {
      const graph = await ok(user, 'GET', `/api/terms/${lemma.id}/related?depth=2`);
      return {
        nodes: graph.nodes.map((node: { id: string }) => node.id).sort(),
        edges: graph.edges.length,
        start: graph.start.status,
      };
    };
    expect(await reached(editor)).toEqual({
      nodes: [lemma.id, word.id].sort(),
      edges: 1,
      start: 'in_review',
    });
    expect(await reached(viewer)).toEqual({ nodes: [lemma.id], edges: 0, start: 'validated' });

    await act(reviewer, lemma.id, 'approve', { version: after.version });
    expect(await relationsOf(viewer)).toEqual([word.id]);
    expect(await reached(viewer)).toEqual({
      nodes: [lemma.id, word.id].sort(),
      edges: 1,
      start: 'validated',
    });
  });
  it('applies the validated gate to every approval, not only the one that publishes', async () => {
    const slug = await vocabulary({ approvals_required: 2 });
    const circular = await create(editor, slug, 'Stem', 'A stem is the stem of a word.');
    const validated = await call(editor, 'POST', `/api/terms/${circular.id}/validate`);
    expect(validated.statusCode, validated.body).toBe(201);
    expect(validated.json().findings.length).toBeGreaterThan(0);
    const submitted = (await act(editor, circular.id, 'submit', { version: circular.version })).json()
      .concept;
    const refused = await act(reviewer, circular.id, 'approve', { version: submitted.version });
    expect([refused.statusCode, refused.json().code]).toEqual([422, 'open-findings']);
    const overridden = await act(reviewer, circular.id, 'approve', {
      version: submitted.version,
      override_findings: { reason: 'The repetition is deliberate here, for the example.' },
    });
    expect(overridden.statusCode, overridden.body).toBe(200);
    expect(overridden.json()).toMatchObject({
      published: false,
      review: { approvals: [{ reviewer: { id: reviewer.id } }] },
    });
  });
});
