/**
 * The vocabulary pages in a real browser against the real API: create a vocabulary, change its settings,
 * add a member and change their role; a member without the right sees the settings read-only; every page
 * axe-clean and without horizontal scrolling at 360 px.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newContext, runAxe, scrollWidth, signIn, waitForHydration } from '../support/browser.ts';
import { apiClient, stackUrls, useBrowser } from '../support/e2e.ts';

const browser = useBrowser();

describe('the vocabulary pages', () => {
  it('create a vocabulary, change its settings, and manage its members', async () => {
    const api = apiClient();
    const owner = await api.createUser('vocab-owner');
    const colleague = await api.createUser('vocab-colleague');
    const { webUrl } = stackUrls();
    const context = await newContext(browser());
    await context.addCookies([{ name: 'lexikon_locale', value: 'en', url: webUrl }]);
    const page = await context.newPage();
    await signIn(page, webUrl, owner.email, owner.password, '/vocabularies');
    await waitForHydration(page);
    const slug = `e2e-${randomUUID().slice(0, 8)}`;

    // A bad language tag is named by its field; the typed values stay.
    const create = page.getByTestId('create-vocabulary');
    await create.locator('#field-slug').fill(slug);
    await create.locator('#field-title').fill('Clinical terms');
    await create.locator('#field-default_language').fill('english');
    await create.locator('button[type=submit]').click();
    await expect.poll(() => page.locator('#field-default_language-error').count()).toBe(1);
    expect(await create.locator('#field-slug').inputValue()).toBe(slug);
    await create.locator('#field-default_language').fill('en');
    await create.locator('#field-languages').fill('en, fr');
    await create.locator('button[type=submit]').click();
    await page.waitForURL((url) => url.pathname === `/vocabularies/${slug}`);
    expect(await page.locator('h1').textContent()).toBe('Clinical terms');
    expect(await page.getByRole('status').first().textContent()).toContain('you are its owner');

    // Settings: visibility and licence.
    const settings = page.getByTestId('vocabulary-settings');
    await settings.locator('input[name=visibility][value=public]').check();
    await settings.locator('#field-license').fill('CC-BY-4.0');
    await settings.locator('button[type=submit]').click();
    await expect.poll(() => page.getByText('Settings saved.').count()).toBeGreaterThan(0);
    const { access_token: token } = await api.login(owner);
    const stored = await api.json('GET', `/api/vocabularies/${slug}`, { token });
    expect(stored).toMatchObject({ visibility: 'public', license: 'CC-BY-4.0', version: 2 });

    // Members: add the colleague as a viewer, then make them an editor.
    const grant = page.getByTestId('grant-role');
    await grant.locator('#field-email').fill(colleague.email);
    await grant.locator('select[name=role]').selectOption('viewer');
    await grant.locator('button[type=submit]').click();
    await expect.poll(() => page.getByTestId('member').count()).toBe(2);
    // The colleague's row: the owner's own row offers to leave instead.
    const row = page
      .getByTestId('member')
      .filter({ hasNot: page.getByRole('button', { name: 'Leave this vocabulary' }) });
    await row.locator('select[name=role]').selectOption('editor');
    await row.getByRole('button', { name: 'Change the role' }).click();
    await expect.poll(() => row.locator('select[name=role]').inputValue()).toBe('editor');
    const members = await api.json<{ items: { role: string }[] }>(
      'GET',
      `/api/vocabularies/${slug}/members`,
      {
        token,
      },
    );
    expect(members.items.map((member) => member.role).sort()).toEqual(['editor', 'owner']);

    const axe = await runAxe(page);
    expect(axe.blocking, axe.report).toBe(0);
    await page.setViewportSize({ width: 360, height: 800 });
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    await context.close();

    // The colleague, an editor, reads the settings but cannot change them.
    const theirs = await newContext(browser());
    await theirs.addCookies([{ name: 'lexikon_locale', value: 'en', url: webUrl }]);
    const theirPage = await theirs.newPage();
    await signIn(theirPage, webUrl, colleague.email, colleague.password, `/vocabularies/${slug}`);
    expect(await theirPage.getByText('Only owners change these settings.').count()).toBe(1);
    expect(await theirPage.getByTestId('vocabulary-settings').count()).toBe(0);
    expect(await theirPage.getByTestId('grant-role').count()).toBe(0);
    await theirPage.goto(`${webUrl}/vocabularies`);
    const axeList = await runAxe(theirPage);
    expect(axeList.blocking, axeList.report).toBe(0);
    expect(await theirPage.getByTestId('vocabulary').filter({ hasText: 'Clinical terms' }).count()).toBe(1);
    await theirs.close();
  });
});
