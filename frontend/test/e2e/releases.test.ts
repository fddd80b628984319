/**
 * Releases in a real browser against the real API: an owner publishes two releases from the page, compares
 * them (a changed definition shown word by word), and downloads an export whose SHA-256 is the one shown.
 */
import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newContext, signIn, waitForHydration } from '../support/browser.ts';
import { apiClient, stackUrls, useBrowser } from '../support/e2e.ts';

const browser = useBrowser();

describe('the releases page', () => {
  it('publishes, compares and exports releases', async () => {
    const api = apiClient();
    const { webUrl } = stackUrls();
    const id = randomUUID().slice(0, 8);
    const slug = `releases-${id}`;
    const owner = await api.createUser('rel_owner');
    const { access_token: token } = await api.login(owner);
    await api.json('POST', '/api/vocabularies', {
      token,
      body: { slug, title: { en: 'Released' }, default_language: 'en' },
    });
    let concept = await api.createTerm(token, {
      vocabulary: slug,
      term: `Lemma ${id}`,
      definition: 'The form of a word a dictionary lists.',
      domain: 'Linguistics',
    });
    for (const status of ['proposed', 'in_review', 'validated'])
      concept = await api.updateTerm(token, concept, { status });

    const context = await newContext(browser());
    await context.addCookies([{ name: 'lexikon_locale', value: 'en', url: webUrl }]);
    const page = await context.newPage();
    await signIn(page, webUrl, owner.email, owner.password, `/vocabularies/${slug}`);
    await page.getByTestId('releases-link').click();
    await page.waitForURL(`**/vocabularies/${slug}/releases`);
    await waitForHydration(page);
    const publish = async (name: string) => {
      await page.getByTestId('publish-release').locator('input[name="name"]').fill(name);
      await page.getByTestId('publish-release').getByRole('button').click();
      await page.locator(`[data-testid="release"][data-name="${name}"]`).waitFor();
    };
    await publish('2026.12');
    expect(await page.getByTestId('release-published').textContent()).toBe(
      'Release 2026.12 published: 1 concept(s).',
    );
    await api.updateTerm(token, concept, { definition: 'The canonical form of a word a dictionary lists.' });
    await publish('2027.01');
    // A name used already is refused, saying why.
    await page.getByTestId('publish-release').locator('input[name="name"]').fill('2026.12');
    await page.getByTestId('publish-release').getByRole('button').click();
    await page.getByTestId('release-error').waitFor();
    expect(await page.getByTestId('release-error').textContent()).toContain(
      'A release has this name already',
    );

    await page.getByTestId('compare-form').getByRole('button').click();
    await page.waitForURL('**/releases?from=2026.12&to=2027.01');
    const changed = page.getByTestId('compare-changed');
    expect(await changed.locator('ins').allTextContents()).toEqual(['canonical ']);
    expect(await page.getByTestId('compare-added').textContent()).toContain('(0)');

    const digest = await page
      .locator('[data-testid="release"][data-name="2026.12"] [data-testid="release-digest"]')
      .textContent();
    const download = await page.request.get(`${webUrl}/vocabularies/${slug}/releases/2026.12/export`);
    expect(download.status()).toBe(200);
    expect(
      createHash('sha256')
        .update(await download.body())
        .digest('hex'),
    ).toBe(digest);
    await context.close();
  });
});
