/**
 * The API goes away and comes back. This file runs its own API and web app (on the shared database), so
 * stopping the API here cannot disturb the other files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { ApiClient } from '../support/api.ts';
import {
  ACCESS_COOKIE,
  REFRESH_COOKIE,
  cookieValue,
  newContext,
  runAxe,
  screenshot,
  signIn,
  submitLogin,
} from '../support/browser.ts';
import { useBrowser } from '../support/e2e.ts';
import { randomSecret, startApi, startWeb, type Service } from '../support/stack.ts';

const browser = useBrowser();
const log = (line: string): void => void process.stderr.write(`[api-down] ${line}\n`);

let api: Service;
let web: Service;
const jwtSecret = randomSecret();

beforeAll(async () => {
  api = await startApi({ databaseUrl: inject('databaseUrl'), jwtSecret, log });
  web = await startWeb({ apiUrl: api.url, webDir: inject('webDir'), log });
});

afterAll(async () => {
  await web?.stop();
  await api?.stop();
});

async function restartApi(): Promise<void> {
  api = await startApi({ databaseUrl: inject('databaseUrl'), jwtSecret, port: api.port, log });
}

const retryButton = (page: Page) => page.getByRole('button', { name: 'Réessayer' });

describe('when the API is down', () => {
  let context: BrowserContext;
  let page: Page;
  let email: string;

  beforeAll(async () => {
    const user = await new ApiClient(api.url).createUser('outage');
    email = user.email;
    context = await newContext(browser());
    page = await context.newPage();
    await signIn(page, web.url, user.email, user.password, '/profile');
    expect(await page.getByTestId('profile-email').textContent()).toBe(user.email);
    await api.stop();
  });

  afterAll(async () => {
    await context?.close();
  });

  it('pages that need it say so and offer a Retry button', async () => {
    for (const path of ['/', '/profile']) {
      const response = await page.goto(`${web.url}${path}`);
      expect(response?.status(), path).toBe(503);
      expect(await page.locator('h1').textContent()).toBe('Une erreur est survenue (503)');
      expect(await page.getByRole('alert').textContent()).toBe(
        'Le service est momentanément indisponible. Vérifiez votre connexion puis réessayez.',
      );
      expect(await retryButton(page).isVisible()).toBe(true);
    }
    await screenshot(page, 'error-503-light');
    const axe = await runAxe(page);
    expect(axe.blocking, axe.report).toBe(0);
  });

  it('the login page still renders, and signing in explains the outage', async () => {
    const anonymous = await newContext(browser());
    const login = await anonymous.newPage();
    const response = await login.goto(`${web.url}/login`);
    expect(response?.status()).toBe(200);
    await submitLogin(login, email, 'whatever passphrase');
    await expect
      .poll(() => login.getByRole('alert').textContent())
      .toBe('Le service est momentanément indisponible. Vérifiez votre connexion puis réessayez.');
    expect(await login.locator('#field-email').inputValue()).toBe(email);
    await anonymous.close();
  });

  it('keeps the session cookies while the API cannot refresh them', async () => {
    const refreshBefore = await cookieValue(context, REFRESH_COOKIE);
    await context.clearCookies({ name: ACCESS_COOKIE });
    await page.goto(`${web.url}/profile`);
    // Anonymous for this request (so the sign-in page), but nothing is thrown away.
    expect(await cookieValue(context, REFRESH_COOKIE)).toBe(refreshBefore);
  });

  it('Retry works once the API is back, still signed in', async () => {
    await page.goto(`${web.url}/`);
    expect(await retryButton(page).isVisible()).toBe(true);

    await restartApi();
    await retryButton(page).click();
    await page.waitForLoadState('load');
    await expect.poll(() => page.getByTestId('home-counts').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Se déconnecter' }).isVisible()).toBe(true);

    // The refresh token kept during the outage still works.
    await page.goto(`${web.url}/profile`);
    expect(new URL(page.url()).pathname).toBe('/profile');
    expect(await page.getByTestId('profile-email').textContent()).toBe(email);
  });
});
