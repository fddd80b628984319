/**
 * A concept's history in a real browser against the real API: the timeline with its word-level diff,
 * restoring an old revision, and a deleted concept found again through its history and restored.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newContext, signIn, waitForHydration } from '../support/browser.ts';
import { apiClient, stackUrls, useBrowser } from '../support/e2e.ts';

const browser = useBrowser();

describe('the history page', () => {
  it('shows what each revision changed, restores an old one, and brings a deleted concept back', async () => {
    const api = apiClient();
    const { webUrl } = stackUrls();
    const id = randomUUID().slice(0, 8);
    const author = await api.createUser('history');
    const { access_token: token } = await api.login(author);
    const created = await api.createTerm(token, {
      term: `Fenêtre de contexte ${id}`,
      definition: 'Le nombre de jetons qu’un modèle lit.',
      domain: `IA ${id}`,
    });
    const edited = await api.updateTerm(token, created, {
      definition: 'Le nombre maximal de jetons qu’un modèle de langue lit à la fois.',
      comment: 'Préciser « maximal ».',
    });

    const context = await newContext(browser());
    await context.addCookies([{ name: 'lexikon_locale', value: 'en', url: webUrl }]);
    const page = await context.newPage();
    await signIn(page, webUrl, author.email, author.password, `/terms/${created.id}`);
    await waitForHydration(page);
    await page.getByTestId('history-link').click();
    await page.waitForURL(`**/terms/${created.id}/history`);
    await waitForHydration(page);

    const revisions = page.getByTestId('revision');
    expect(await revisions.count()).toBe(2);
    const latest = revisions.first();
    expect(await latest.getByTestId('revision-action').textContent()).toBe('Edited');
    expect(await latest.getByTestId('revision-comment').textContent()).toBe('“Préciser « maximal ».”');
    const definition = latest.locator('[data-testid="revision-change"][data-field="definition"]');
    expect(await definition.locator('ins').allTextContents()).toEqual([
      'maximal ',
      'de langue lit à la fois.',
    ]);
    expect(await definition.locator('del').allTextContents()).toEqual(['lit.']);

    // Restore the first revision: a third one, equal to it.
    const first = page.locator('[data-testid="revision"][data-revision="1"]');
    await first.locator('summary').click();
    await first.locator('input[name="comment"]').fill('Back to the short one.');
    await first.getByTestId('restore-submit').click();
    await page.getByTestId('history-restored').waitFor();
    expect(await page.getByTestId('history-restored').textContent()).toContain(
      'Revision 1 restored: it is now revision 3.',
    );
    await page.locator('[data-testid="revision"][data-revision="3"]').waitFor();
    expect(
      await page
        .locator('[data-testid="revision"][data-revision="3"] [data-testid="revision-action"]')
        .textContent(),
    ).toBe('Restored revision 1');
    expect((await api.getTerm(token, created.id)).definition).toBe('Le nombre de jetons qu’un modèle lit.');

    // Deleted behind the browser's back: the concept's page leads to its history, which restores it.
    const current = await api.getTerm(token, created.id);
    expect(current.version).toBe(edited.version + 1);
    const deleted = await api.request('DELETE', `/api/terms/${created.id}`, { token });
    expect(deleted.status).toBe(204);
    await page.goto(`${webUrl}/terms/${created.id}`);
    await page.waitForURL(`**/terms/${created.id}/history`);
    await waitForHydration(page);
    await page.getByTestId('term-deleted').waitFor();
    const tombstone = page.locator('[data-testid="revision"][data-revision="4"]');
    expect(await tombstone.getByTestId('revision-action').textContent()).toBe('Deleted');
    await tombstone.locator('summary').click();
    await tombstone.getByTestId('restore-submit').click();
    await page.getByTestId('history-restored').waitFor();
    const back = await api.getTerm(token, created.id);
    expect(back).toMatchObject({ id: created.id, iri: created.iri, definition: current.definition });
    await context.close();
  });
});

describe('a concept IRI', () => {
  it('leads to the concept, and answers 410 once it is deleted', async () => {
    const api = apiClient();
    const { webUrl } = stackUrls();
    const id = randomUUID().slice(0, 8);
    const owner = await api.createUser('iri_owner');
    const { access_token: token } = await api.login(owner);
    const slug = `iri-${id}`;
    await api.json('POST', '/api/vocabularies', {
      token,
      body: {
        slug,
        title: { en: 'Resolvable' },
        default_language: 'en',
        visibility: 'public',
        base_iri: `${webUrl}/vocabularies/${slug}/`,
      },
    });
    const concept = await api.createTerm(token, {
      vocabulary: slug,
      term: `Morpheme ${id}`,
      definition: 'The smallest unit of meaning in a word.',
      notation: `m-${id}`,
    });
    expect(concept.iri).toBe(`${webUrl}/vocabularies/${slug}/m-${id}`);
    const context = await newContext(browser());
    const page = await context.newPage();
    const live = await page.goto(concept.iri);
    expect(live?.status()).toBe(200);
    expect(page.url()).toBe(`${webUrl}/browse/${slug}/${concept.id}`);
    await api.request('DELETE', `/api/terms/${concept.id}`, { token });
    const gone = await page.goto(concept.iri);
    expect(gone?.status()).toBe(410);
    expect(await page.textContent('body')).toContain('This concept was deleted (revision 2');
    const unknown = await page.goto(`${webUrl}/vocabularies/${slug}/nothing-here`);
    expect(unknown?.status()).toBe(404);
    await context.close();
  });
});
