/**
 * Review before serving in a real browser against the real API: an editor submits a concept from its page,
 * a reviewer approves it from the queue; the editor's next change waits with a banner while anonymous
 * readers keep the published definition; a request for changes goes back to the editor's queue.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newContext, signIn, waitForHydration } from '../support/browser.ts';
import { apiClient, stackUrls, useBrowser } from '../support/e2e.ts';

const browser = useBrowser();

describe('review before serving', () => {
  it('submits, approves from the queue, serves the published revision while a change waits, sends back', async () => {
    const api = apiClient();
    const { webUrl } = stackUrls();
    const id = randomUUID().slice(0, 8);
    const slug = `review-${id}`;
    const [owner, editor, reviewer] = await Promise.all([
      api.createUser('rv_owner'),
      api.createUser('rv_editor'),
      api.createUser('rv_reviewer'),
    ]);
    const { access_token: ownerToken } = await api.login(owner);
    await api.json('POST', '/api/vocabularies', {
      token: ownerToken,
      body: { slug, title: { en: 'Reviewed' }, default_language: 'en', visibility: 'public' },
    });
    for (const [member, role] of [
      [editor, 'editor'],
      [reviewer, 'reviewer'],
    ] as const)
      await api.json('POST', `/api/vocabularies/${slug}/members`, {
        token: ownerToken,
        body: { email: member.email, role },
      });
    const { access_token: editorToken } = await api.login(editor);
    const concept = await api.createTerm(editorToken, {
      vocabulary: slug,
      term: `Lemma ${id}`,
      definition: 'The form of a word a dictionary lists it under.',
      domain: 'Linguistics',
    });

    // The editor submits it from its page.
    const editorContext = await newContext(browser());
    await editorContext.addCookies([{ name: 'lexikon_locale', value: 'en', url: webUrl }]);
    const editorPage = await editorContext.newPage();
    await signIn(editorPage, webUrl, editor.email, editor.password, `/terms/${concept.id}`);
    await waitForHydration(editorPage);
    const panel = editorPage.getByTestId('review-panel');
    expect(await panel.getAttribute('data-status')).toBe('draft');
    await panel.getByTestId('review-submit').locator('input[name="comment"]').fill('Ready for a look.');
    await panel.getByTestId('review-submit').getByRole('button').click();
    await editorPage.getByTestId('review-done').waitFor();
    expect(await editorPage.getByTestId('review-done').textContent()).toBe('Submitted for review.');
    expect(await panel.getAttribute('data-status')).toBe('in_review');

    // The reviewer approves it from the queue.
    const reviewerContext = await newContext(browser());
    await reviewerContext.addCookies([{ name: 'lexikon_locale', value: 'en', url: webUrl }]);
    const reviewerPage = await reviewerContext.newPage();
    await signIn(reviewerPage, webUrl, reviewer.email, reviewer.password, '/review');
    await waitForHydration(reviewerPage);
    const item = reviewerPage.locator(`[data-testid="queue-item"][data-id="${concept.id}"]`);
    expect(await item.getByTestId('queue-comment').textContent()).toBe('Ready for a look.');
    await item.getByTestId('queue-approve').click();
    await reviewerPage.getByTestId('queue-done').waitFor();
    expect(await reviewerPage.getByTestId('queue-done').textContent()).toBe('Approved and published.');
    expect(await reviewerPage.locator(`[data-testid="queue-item"][data-id="${concept.id}"]`).count()).toBe(0);

    // The editor's change waits for review: a banner for them, the published definition for everyone else.
    const published = await api.getTerm(editorToken, concept.id);
    await api.updateTerm(editorToken, published, {
      definition: 'The canonical form of a word, as a dictionary lists it.',
    });
    await editorPage.goto(`${webUrl}/terms/${concept.id}`);
    await editorPage.getByTestId('pending-banner').waitFor();
    expect(await editorPage.getByTestId('term-definition').textContent()).toContain('canonical form');
    const anonymous = await newContext(browser());
    const reader = await anonymous.newPage();
    await reader.goto(`${webUrl}/browse/${slug}/${concept.id}`);
    expect(await reader.getByTestId('concept-definition').textContent()).toContain(
      'The form of a word a dictionary lists it under.',
    );

    // The reviewer sends it back from the term page, saying why; it lands in the editor's queue.
    await reviewerPage.goto(`${webUrl}/terms/${concept.id}`);
    await waitForHydration(reviewerPage);
    const request = reviewerPage.getByTestId('review-request-changes');
    await request.locator('textarea[name="comment"]').fill('Name the dictionary.');
    await request.getByRole('button').click();
    await reviewerPage.getByTestId('review-done').waitFor();
    expect(await reviewerPage.getByTestId('review-done').textContent()).toBe(
      'Changes requested: the concept goes back to its author.',
    );
    await editorPage.goto(`${webUrl}/review`);
    const returned = editorPage.locator(`[data-testid="queue-returned"] [data-id="${concept.id}"]`);
    expect(await returned.getByTestId('queue-comment').textContent()).toBe('Name the dictionary.');
    await reader.reload();
    expect(await reader.getByTestId('concept-definition').textContent()).toContain('under.');
    for (const context of [editorContext, reviewerContext, anonymous]) await context.close();
  });
});
