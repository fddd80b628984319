/** French by default; the language switch is a plain form whose choice outlives navigation and reloads. */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { newContext, signIn } from '../support/browser.ts';
import { apiClient, stackUrls, useBrowser } from '../support/e2e.ts';

const browser = useBrowser();

const htmlLang = (page: Page) => page.locator('html').getAttribute('lang');

describe('language', () => {
  it('is French by default, whatever the browser prefers', async () => {
    const { webUrl } = stackUrls();
    for (const locale of ['fr-FR', 'en-US']) {
      const context = await newContext(browser(), { locale });
      const page = await context.newPage();
      await page.goto(`${webUrl}/login`);
      expect(await htmlLang(page)).toBe('fr');
      expect(await page.locator('h1').textContent()).toBe('Se connecter');
      expect(await page.title()).toBe('Se connecter · Lexikon');
      expect(await page.getByRole('button', { name: 'Français' }).getAttribute('aria-pressed')).toBe('true');
      await context.close();
    }
  });

  it('switches to English, stays on the same page, and keeps English across navigation and reload', async () => {
    const { webUrl } = stackUrls();
    const user = await apiClient().createUser('language');
    const context = await newContext(browser());
    const page = await context.newPage();
    await page.goto(`${webUrl}/login?next=%2Fprofile`);

    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => htmlLang(page)).toBe('en');
    const here = new URL(page.url());
    expect(here.pathname + here.search).toBe('/login?next=%2Fprofile');
    expect(await page.locator('h1').textContent()).toBe('Sign in');
    expect(await page.getByRole('button', { name: 'English' }).getAttribute('aria-pressed')).toBe('true');

    // Signing in, client-side navigation, full loads and a reload all stay English.
    await signIn(page, webUrl, user.email, user.password, '/profile');
    expect(await htmlLang(page)).toBe('en');
    expect(await page.locator('h1').textContent()).toBe('My profile');
    await page.locator('header a[href="/"]').click();
    await page.waitForURL(`${webUrl}/`);
    expect(await page.getByTestId('home-counts').textContent()).toMatch(/terms?, .* relations?, .* domains?/);
    await page.reload();
    expect(await htmlLang(page)).toBe('en');
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    await page.goto(`${webUrl}/profile`);
    expect(await htmlLang(page)).toBe('en');

    const cookie = (await context.cookies()).find((item) => item.name === 'lexikon_locale');
    expect(cookie?.value).toBe('en');
    expect(cookie?.expires).toBeGreaterThan(Date.now() / 1000 + 300 * 24 * 3600);

    // And back.
    await page.getByRole('button', { name: 'Français' }).click();
    await expect.poll(() => htmlLang(page)).toBe('fr');
    expect(await page.locator('h1').textContent()).toBe('Mon profil');
    await context.close();
  });

  it('ignores an unknown language', async () => {
    const { webUrl } = stackUrls();
    const context = await newContext(browser());
    const page = await context.newPage();
    await page.goto(`${webUrl}/login`);
    const status = await page.evaluate(async () => {
      const body = new URLSearchParams({ locale: 'de', next: '/login' });
      return (await fetch('/language', { method: 'POST', body })).status;
    });
    expect(status).toBe(200);
    await page.reload();
    expect(await htmlLang(page)).toBe('fr');
    await context.close();
  });
});
