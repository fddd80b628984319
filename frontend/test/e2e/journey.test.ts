/**
 * The issue's journey, in one browser, as a new contributor would live it: register, sign in, create a
 * term, relate it to another, see the relation in the graph, lose an edit race to someone else (and keep
 * their own text), sign out, and come back to a protected page through the sign-in page.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Term } from '@lexikon/contracts/terms';
import {
  cookieValue,
  newContext,
  REFRESH_COOKIE,
  submitLogin,
  waitForHydration,
} from '../support/browser.ts';
import { apiClient, stackUrls, useBrowser } from '../support/e2e.ts';

const browser = useBrowser();

const path = (page: Page) => {
  const url = new URL(page.url());
  return url.pathname + url.search;
};

describe('journey', () => {
  it('register → sign in → create → relate → graph → concurrent edit → sign out → protected page', async () => {
    const { webUrl } = stackUrls();
    const api = apiClient();
    const id = randomUUID().slice(0, 8);
    const user = {
      email: `journey-${id}@example.org`,
      password: `journey passphrase ${id}`,
      username: `journey_${id}`,
    };
    const context = await newContext(browser());
    const page = await context.newPage();

    // 1. Register (which signs the new account in), then sign out and in again through the login page.
    await page.goto(`${webUrl}/`);
    await page.locator('header').getByRole('link', { name: 'Créer un compte' }).click();
    await page.waitForURL(`${webUrl}/register`);
    await page.locator('#field-email').fill(user.email);
    await page.locator('#field-password').fill(user.password);
    await page.locator('#field-username').fill(user.username);
    await page.locator('main form button').click();
    await page.waitForURL((url) => url.pathname === '/terms');
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    await submitLogin(page, user.email, user.password);
    await page.waitForURL((url) => url.pathname === '/terms');
    expect(await page.getByRole('button', { name: 'Se déconnecter' }).isVisible()).toBe(true);

    // 2. Create a term through the form.
    const termName = `Intelligence artificielle ${id}`;
    await page.locator('header').getByRole('link', { name: 'Nouveau terme' }).click();
    await page.waitForURL(`${webUrl}/terms/new`);
    await page.locator('#field-term').fill(termName);
    await page
      .locator('#field-definition')
      .fill(
        'Domaine de l’informatique qui conçoit des systèmes capables de tâches associées à l’intelligence humaine.',
      );
    await page.locator('#field-domain').fill('Informatique');
    await page.locator('#field-level').selectOption('beginner');
    await page.getByTestId('new-term-form').locator('button').last().click();
    await page.waitForURL((url) => /^\/terms\/[0-9a-f-]{36}$/.test(url.pathname));
    const termId = new URL(page.url()).pathname.split('/').pop()!;
    expect(await page.getByTestId('term-title').textContent()).toBe(termName);
    expect(await page.getByTestId('term-version').textContent()).toBe('1');

    // The same user, elsewhere (another tab, a script): a second term, and later a competing edit.
    const { access_token: token } = await api.login(user);
    const other = await api.createTerm(token, {
      term: `Apprentissage automatique ${id}`,
      definition: 'Branche de l’intelligence artificielle où les systèmes apprennent à partir de données.',
      domain: 'Informatique',
    });

    // 3. Relate the two through the picker.
    await page.reload();
    await page.locator('#relation-type').selectOption('related_to');
    await page.getByTestId('relation-target').fill(`Apprentissage ${id}`);
    await page.getByTestId('relation-target-option').filter({ hasText: other.term }).click();
    await expect.poll(() => page.getByTestId('relation-target-picked').textContent()).toContain(other.term);
    await page.getByTestId('add-relation-form').getByRole('button', { name: 'Ajouter la relation' }).click();
    await expect.poll(() => page.getByTestId('relation-item').count()).toBe(1);
    expect(await page.getByTestId('relation-item').textContent()).toContain(other.term);
    const relations = await api.listRelations(token, termId);
    expect(relations.items).toHaveLength(1);
    expect(relations.items[0]).toMatchObject({ type: 'related_to', target: { id: other.id } });

    // 4. The graph shows both terms.
    await expect
      .poll(() => page.getByTestId('term-graph').getAttribute('data-node-count'), { timeout: 15_000 })
      .toBe('2');
    await page.getByTestId('graph-list-view').locator('summary').click();
    expect(await page.getByTestId('graph-node-link').allTextContents()).toEqual(
      expect.arrayContaining([termName, other.term]),
    );
    // The legend names the relation types drawn; unticking one hides its relations, in the list too.
    const graphEdges = page.getByTestId('graph-list-view').locator('#graph-edges');
    expect(await graphEdges.count()).toBe(1);
    await page.getByTestId('graph-type-related_to').uncheck();
    await expect.poll(() => graphEdges.count()).toBe(0);
    await page.getByTestId('graph-type-related_to').check();
    await expect.poll(() => graphEdges.count()).toBe(1);

    // 5. Edit; meanwhile someone saves the same term first. The save is refused with a conflict notice
    //    showing both versions, and the text typed here is still in the form.
    await page.getByTestId('edit-term').locator('summary').click();
    const mine = `Ma définition, écrite pendant que quelqu’un d’autre modifiait le terme (${id}).`;
    await page.getByTestId('edit-term-form').locator('#field-definition').fill(mine);
    const before: Term = await api.getTerm(token, termId);
    const theirs = `Leur définition, enregistrée en premier (${id}).`;
    await api.updateTerm(token, before, { definition: theirs });

    await page.getByTestId('save-term').click();
    const notice = page.getByTestId('conflict-notice');
    await notice.waitFor({ timeout: 10_000 });
    expect(await notice.getAttribute('role')).toBe('alert');
    expect(
      await page.getByTestId('conflict-theirs').locator('[data-field="definition"]').textContent(),
    ).toContain(theirs);
    expect(
      await page.getByTestId('conflict-yours').locator('[data-field="definition"]').textContent(),
    ).toContain(mine);
    expect(await page.getByTestId('edit-term-form').locator('#field-definition').inputValue()).toBe(mine);
    expect((await api.getTerm(token, termId)).definition).toBe(theirs);

    // Keeping mine on top of theirs, knowingly.
    await page.getByTestId('conflict-overwrite').click();
    await expect.poll(() => page.getByTestId('term-definition').textContent()).toContain(mine);
    expect(await page.getByTestId('term-version').textContent()).toBe(String(before.version + 2));
    expect((await api.getTerm(token, termId)).definition).toBe(mine);

    // 6. Sign out.
    const refreshToken = await cookieValue(context, REFRESH_COOKIE);
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    expect((await api.refresh(refreshToken!)).status).toBe(401);

    // 7. A protected page sends to the sign-in page, which brings back to it.
    await page.goto(`${webUrl}/terms/${termId}`);
    expect(path(page)).toBe(`/login?next=${encodeURIComponent(`/terms/${termId}`)}`);
    await submitLogin(page, user.email, user.password);
    await page.waitForURL((url) => url.pathname !== '/login');
    expect(path(page)).toBe(`/terms/${termId}`);
    expect(await page.getByTestId('term-definition').textContent()).toContain(mine);

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    await page.goto(`${webUrl}/profile`);
    expect(path(page)).toBe('/login?next=%2Fprofile');
    await submitLogin(page, user.email, user.password);
    await page.waitForURL((url) => url.pathname === '/profile');
    expect(await page.getByTestId('profile-email').textContent()).toBe(user.email);
    await context.close();
  });

  it('keeps a new term’s draft when the session ran out on submit, and restores it after signing in', async () => {
    const { webUrl } = stackUrls();
    const user = await apiClient().createUser('draft');
    const context = await newContext(browser());
    const page = await context.newPage();
    await page.goto(`${webUrl}/login?next=%2Fterms%2Fnew`);
    await submitLogin(page, user.email, user.password);
    await page.waitForURL(`${webUrl}/terms/new`);
    await waitForHydration(page); // the draft is saved by the page's script as one types

    const termName = `Traitement automatique des langues ${user.username}`;
    await page.locator('#field-term').fill(termName);
    await page
      .locator('#field-definition')
      .fill('Faire comprendre et produire du langage humain aux machines.');
    // Both cookies gone: the session is over (expired refresh token, signed out in another tab…).
    await context.clearCookies();
    await page.getByTestId('new-term-form').locator('button').last().click();
    await page.waitForURL((url) => url.pathname === '/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/terms/new');

    await submitLogin(page, user.email, user.password);
    await page.waitForURL(`${webUrl}/terms/new`);
    await page.getByTestId('draft-notice').waitFor({ timeout: 10_000 });
    expect(await page.locator('#field-term').inputValue()).toBe(termName);
    await page.getByTestId('new-term-form').locator('button').last().click();
    await page.waitForURL((url) => /^\/terms\/[0-9a-f-]{36}$/.test(url.pathname));
    expect(await page.getByTestId('term-title').textContent()).toBe(termName);

    // Created: the draft is gone.
    await page.goto(`${webUrl}/terms/new`);
    expect(await page.locator('#field-term').inputValue()).toBe('');
    expect(await page.getByTestId('draft-notice').count()).toBe(0);
    await context.close();
  });

  it('lists, searches and pages through terms', async () => {
    const { webUrl } = stackUrls();
    const api = apiClient();
    const user = await api.createUser('lister');
    const { access_token: token } = await api.login(user);
    for (let i = 1; i <= 23; i++)
      await api.createTerm(token, {
        term: `Liste ${user.username} ${String(i).padStart(2, '0')}`,
        definition: i === 7 ? 'Une définition avec le mot zéphyrin dedans.' : `Définition ${i}.`,
      });
    const context = await newContext(browser());
    const page = await context.newPage();
    await page.goto(`${webUrl}/login?next=${encodeURIComponent('/terms?mine=1')}`);
    await submitLogin(page, user.email, user.password);
    await page.waitForURL((url) => url.pathname === '/terms');

    await expect.poll(() => page.getByTestId('term-item').count()).toBe(20);
    await page.getByTestId('next-page').click();
    await page.waitForURL((url) => url.searchParams.has('cursor'));
    await expect.poll(() => page.getByTestId('term-item').count()).toBe(3);
    await page.getByTestId('first-page').click();
    await expect.poll(() => page.getByTestId('term-item').count()).toBe(20);

    // Accent-insensitive full-text search, from the search form.
    await page.locator('#terms-q').fill('zephyrin');
    await page.locator('#terms-q').press('Enter');
    await page.waitForURL((url) => url.searchParams.get('q') === 'zephyrin');
    await expect.poll(() => page.getByTestId('term-item').count()).toBe(1);
    expect(await page.getByTestId('term-item').textContent()).toContain(`Liste ${user.username} 07`);
    await page.getByTestId('term-item').getByRole('link').click();
    await page.waitForURL((url) => /^\/terms\/[0-9a-f-]{36}$/.test(url.pathname));
    expect(await page.getByTestId('term-title').textContent()).toBe(`Liste ${user.username} 07`);
    await context.close();
  });
});
