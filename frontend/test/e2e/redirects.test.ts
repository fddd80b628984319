/**
 * Where signing in leads: back to the protected page that asked for it, and never off the site, whatever
 * `?next=` says.
 */
import { describe, expect, it } from 'vitest';
import type { Page, Route } from 'playwright-core';
import { newContext, signIn, submitLogin } from '../support/browser.ts';
import { apiClient, stackUrls, useBrowser } from '../support/e2e.ts';

const browser = useBrowser();

/** Answers any request to evil.example locally, so an escape shows up as a URL instead of a DNS error. */
async function trapEvilExample(page: Page): Promise<string[]> {
  const escapes: string[] = [];
  await page.route(
    (url) => url.hostname.endsWith('evil.example'),
    (route: Route) => {
      escapes.push(route.request().url());
      return route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>evil</h1>' });
    },
  );
  return escapes;
}

describe('protected pages', () => {
  it.each([
    ['/profile', '/profile'],
    ['/terms', '/terms'],
    ['/terms?q=intelligence&level=beginner', '/terms?q=intelligence&level=beginner'],
    ['/terms/new', '/terms/new'],
  ])('%s sends an anonymous visitor to sign in, then back', async (path, expected) => {
    const { webUrl } = stackUrls();
    const user = await apiClient().createUser('protected');
    const context = await newContext(browser());
    const page = await context.newPage();

    await page.goto(`${webUrl}${path}`);
    const login = new URL(page.url());
    expect(login.pathname).toBe('/login');
    expect(login.searchParams.get('next')).toBe(path);

    await submitLogin(page, user.email, user.password);
    await page.waitForURL((url) => url.pathname !== '/login');
    const landed = new URL(page.url());
    expect(landed.pathname + landed.search).toBe(expected);
    await context.close();
  });
});

describe('open redirects', () => {
  it.each([
    '//evil.example',
    '//evil.example/terms',
    'https://evil.example',
    'https://evil.example/login',
    '/\\evil.example',
    'javascript:alert(document.domain)',
  ])('next=%s ends on this site after signing in', async (next) => {
    const { webUrl } = stackUrls();
    const user = await apiClient().createUser('redirect');
    const context = await newContext(browser());
    const page = await context.newPage();
    const escapes = await trapEvilExample(page);

    await page.goto(`${webUrl}/login?next=${encodeURIComponent(next)}`);
    await submitLogin(page, user.email, user.password);
    await page.waitForURL((url) => url.pathname !== '/login' || url.origin !== webUrl);

    expect(new URL(page.url()).origin).toBe(webUrl);
    expect(new URL(page.url()).pathname).toBe('/terms');
    // Signed in already: the login page forwards at once, still on this site.
    await page.goto(`${webUrl}/login?next=${encodeURIComponent(next)}`);
    expect(new URL(page.url()).origin).toBe(webUrl);
    expect(escapes).toEqual([]);
    await context.close();
  });

  it('the language switch does not redirect off the site either', async () => {
    const { webUrl } = stackUrls();
    const context = await newContext(browser());
    const page = await context.newPage();
    const escapes = await trapEvilExample(page);
    await page.goto(`${webUrl}/login`);
    // As `use:enhance` would send it: SvelteKit answers with the redirect as JSON.
    const answer = await page.evaluate(async () => {
      const body = new URLSearchParams({ locale: 'en', next: '//evil.example' });
      const response = await fetch('/language', {
        method: 'POST',
        body,
        headers: { accept: 'application/json' },
      });
      return (await response.json()) as { type: string; location?: string };
    });
    expect(answer).toMatchObject({ type: 'redirect', location: '/' });
    // Follow the same form for real.
    await page.evaluate(() => {
      const form = document.createElement('form');
      form.method = 'POST';
      form.action = '/language';
      for (const [name, value] of [
        ['locale', 'en'],
        ['next', 'https://evil.example/x'],
      ] as const) {
        const input = document.createElement('input');
        input.type = 'hidden';
        input.name = name;
        input.value = value;
        form.append(input);
      }
      document.body.append(form);
      form.submit();
    });
    await page.waitForLoadState('load');
    await expect.poll(() => new URL(page.url()).origin).toBe(webUrl);
    expect(escapes).toEqual([]);
    await context.close();
  });

  // Regression (see src/lib/navigation.test.ts): "/.//evil.example" used to come out of safeNextPath as
  // "//evil.example". Each test below covers one place that takes a `next`.
  describe('a dot segment in next (/.//evil.example)', () => {
    const next = encodeURIComponent('/.//evil.example/phish');

    async function signedInPage() {
      const { webUrl } = stackUrls();
      const user = await apiClient().createUser('dotsegment');
      const context = await newContext(browser());
      const page = await context.newPage();
      const escapes = await trapEvilExample(page);
      await signIn(page, webUrl, user.email, user.password);
      return { webUrl, context, page, escapes };
    }

    // SvelteKit 3's redirect() refuses the external target: the reader gets a 500 page.
    it('signed-in /login?next= forwards on the site instead of failing', async () => {
      const { webUrl, context, page } = await signedInPage();
      const response = await page.goto(`${webUrl}/login?next=${next}`);
      expect(response?.status()).toBeLessThan(400);
      expect(new URL(page.url()).origin).toBe(webUrl);
      await context.close();
    });

    // The real open redirect: nothing stops the value in an href.
    it('the OAuth success page’s Continue link stays on the site', async () => {
      const { webUrl, context, page, escapes } = await signedInPage();
      await page.goto(`${webUrl}/oauth/success?next=${next}`);
      const href = await page.getByRole('link', { name: 'Continuer' }).getAttribute('href');
      expect(new URL(href!, webUrl).origin).toBe(webUrl);
      await page.getByRole('link', { name: 'Continuer' }).click();
      await page.waitForLoadState('load');
      expect(escapes).toEqual([]);
      await context.close();
    });

    it('the language switch redirects on the site instead of failing', async () => {
      const { context, page } = await signedInPage();
      const status = await page.evaluate(async () => {
        const body = new URLSearchParams({ locale: 'en', next: '/.//evil.example' });
        return (await fetch('/language', { method: 'POST', body })).status;
      });
      expect(status).toBe(200);
      await context.close();
    });
  });
});
