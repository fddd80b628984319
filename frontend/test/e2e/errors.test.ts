/**
 * What the reader sees when things go wrong in the forms: refused credentials, invalid fields, a request
 * that never arrived, a page that does not exist. Never a blank page, never lost input.
 */
import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { newContext, signIn, submitLogin, waitForHydration } from '../support/browser.ts';
import { apiClient, stackUrls, useBrowser } from '../support/e2e.ts';

const browser = useBrowser();

describe('login errors', () => {
  it.each([
    ['fr', 'E-mail ou mot de passe incorrect.'],
    ['en', 'Email or password is incorrect.'],
  ])(
    'a wrong password says so in the reader’s language (%s) and keeps the email',
    async (locale, message) => {
      const { webUrl } = stackUrls();
      const user = await apiClient().createUser('wrongpw');
      const context = await newContext(browser());
      await context.addCookies([{ name: 'lexikon_locale', value: locale, url: webUrl }]);
      const page = await context.newPage();
      await page.goto(`${webUrl}/login`);

      await submitLogin(page, user.email, 'not the right passphrase');

      await expect.poll(() => page.getByRole('alert').textContent()).toBe(message);
      expect(new URL(page.url()).pathname).toBe('/login');
      expect(await page.locator('#field-email').inputValue()).toBe(user.email);
      await context.close();
    },
  );

  it('shows field errors next to their fields, linked for screen readers', async () => {
    const { webUrl } = stackUrls();
    const context = await newContext(browser());
    const page = await context.newPage();
    await page.goto(`${webUrl}/login`);
    await page.locator('main form button').click();

    const email = page.locator('#field-email');
    await expect.poll(() => email.getAttribute('aria-invalid')).toBe('true');
    expect(await email.getAttribute('aria-describedby')).toBe('field-email-error');
    expect(await page.locator('#field-email-error').textContent()).toBe('Adresse e-mail invalide.');
    expect(await page.locator('#field-password-error').textContent()).toBe('Ce champ est obligatoire.');
    await context.close();
  });

  it('a request that never reached the server keeps the form and offers to retry', async () => {
    const { webUrl } = stackUrls();
    const user = await apiClient().createUser('network');
    const context = await newContext(browser());
    const page = await context.newPage();
    await page.goto(`${webUrl}/login?next=%2Fprofile`);
    // Without its scripts the form would post natively, and an aborted native post shows the browser's
    // own error page: this test is about the enhanced form.
    await waitForHydration(page);
    await page.route('**/login*', (route) =>
      route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.continue(),
    );

    await submitLogin(page, user.email, user.password);

    await expect.poll(() => page.getByRole('alert').textContent()).toContain('La requête n’a pas abouti');
    expect(await page.locator('h1').textContent()).toBe('Se connecter');
    expect(await page.locator('#field-email').inputValue()).toBe(user.email);
    expect(await page.locator('#field-password').inputValue()).toBe(user.password);
    const retry = page.locator('main form button');
    expect(await retry.textContent()).toBe('Réessayer');
    expect(await retry.isEnabled()).toBe(true);

    // The network is back: the same button finishes the job.
    await page.unroute('**/login*');
    await retry.click();
    await page.waitForURL(`${webUrl}/profile`);
    await context.close();
  });

  it('going offline while registering keeps what was typed', async () => {
    const { webUrl } = stackUrls();
    const context = await newContext(browser());
    const page = await context.newPage();
    await page.goto(`${webUrl}/register`);
    await waitForHydration(page);
    await page.locator('#field-email').fill('offline@example.org');
    await page.locator('#field-password').fill('a long offline passphrase');
    await page.locator('#field-username').fill('offline_user');

    await context.setOffline(true);
    await page.locator('main form button').click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('La requête n’a pas abouti');
    expect(await page.locator('#field-email').inputValue()).toBe('offline@example.org');
    expect(await page.locator('#field-username').inputValue()).toBe('offline_user');
    expect(await page.locator('h1').textContent()).toBe('Créer un compte');
    await context.setOffline(false);
    await context.close();
  });
});

describe('registration errors', () => {
  it('an email already in use is refused in French, the other fields kept', async () => {
    const { webUrl } = stackUrls();
    const existing = await apiClient().createUser('taken');
    const context = await newContext(browser());
    const page = await context.newPage();
    await page.goto(`${webUrl}/register`);
    await page.locator('#field-email').fill(existing.email);
    await page.locator('#field-password').fill('another long passphrase');
    await page.locator('#field-full_name').fill('Ada Lovelace');
    await page.locator('main form button').click();

    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('Un compte existe déjà avec cette adresse e-mail.');
    expect(await page.locator('#field-full_name').inputValue()).toBe('Ada Lovelace');
    await context.close();
  });

  it('a new account is signed straight in', async () => {
    const { webUrl } = stackUrls();
    const context = await newContext(browser());
    const page = await context.newPage();
    const email = `new-${Date.now()}@example.org`;
    await page.goto(`${webUrl}/register`);
    await page.locator('#field-email').fill(email);
    await page.locator('#field-password').fill('a brand new passphrase');
    await page.locator('main form button').click();
    await page.waitForURL((url) => url.pathname !== '/register');
    await page.goto(`${webUrl}/profile`);
    expect(await page.getByTestId('profile-email').textContent()).toBe(email);
    await context.close();
  });
});

describe('missing pages', () => {
  it('answer 404 with a page in the reader’s language and a way home', async () => {
    const { webUrl } = stackUrls();
    const context = await newContext(browser());
    const page = await context.newPage();
    const response = await page.goto(`${webUrl}/no/such/page`);
    expect(response?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toContain('404');
    expect(await page.getByRole('alert').textContent()).toBe('Page introuvable.');
    await page.getByRole('link', { name: 'Retour à l’accueil' }).click();
    await page.waitForURL(`${webUrl}/`);
    await context.close();
  });
});

describe('a term that does not exist', () => {
  it.each([
    ['a deleted or unknown id', () => `/terms/${randomUUID()}`],
    ['a malformed id', () => '/terms/not-an-id'],
  ])('(%s) says so and leads back to the list, not "something went wrong"', async (_case, path) => {
    const { webUrl } = stackUrls();
    const reader = await apiClient().createUser('missingterm');
    const context = await newContext(browser());
    await context.addCookies([{ name: 'lexikon_locale', value: 'en', url: webUrl }]);
    const page = await context.newPage();
    await signIn(page, webUrl, reader.email, reader.password);
    const response = await page.goto(`${webUrl}${path()}`);
    expect(response?.status()).toBe(404);
    expect((await page.locator('h1').textContent())?.trim()).toBe('This term does not exist');
    expect(await page.getByTestId('error-message').textContent()).toBe(
      'It may have been deleted, or the link is wrong.',
    );
    await page.getByRole('link', { name: 'See the list of terms' }).click();
    await page.waitForURL(`${webUrl}/terms`);
    await context.close();
  });
});

describe('served directly over http, as `npm start` does', () => {
  // adapter-node 6 takes every request for https unless told otherwise; frontend/server.js tells it the
  // connection's real protocol. Without that, every form post from http://… failed SvelteKit's CSRF
  // origin check ("403 Cross-site POST form submissions are forbidden").
  it('accepts form posts from the page’s own http origin, with cookies that are not Secure-only', async () => {
    const { webUrl } = stackUrls();
    const user = await apiClient().createUser('direct');
    const context = await newContext(browser());
    const page = await context.newPage();
    await page.goto(`${webUrl}/login?next=%2Fprofile`);
    const post = page.waitForResponse((response) => response.request().method() === 'POST');
    await submitLogin(page, user.email, user.password);
    expect((await post).status()).toBeLessThan(400);
    await page.waitForURL(`${webUrl}/profile`);
    for (const cookie of await context.cookies()) expect(cookie.secure, cookie.name).toBe(false);
    await context.close();
  });

  it('refuses a form post from another origin', async () => {
    const { webUrl } = stackUrls();
    const response = await fetch(`${webUrl}/login`, {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=a%40b.c&password=x',
    });
    expect(response.status).toBe(403);
  });

  it('does not believe a client claiming https (no proxy is trusted by default)', async () => {
    const { webUrl } = stackUrls();
    const response = await fetch(`${webUrl}/login`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('strict-transport-security')).toBeNull();
  });
});
