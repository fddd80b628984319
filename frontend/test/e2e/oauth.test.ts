/**
 * "Continue with GitHub / Google" in a real browser, against identity providers on loopback: a stand-in
 * for GitHub that follows its documented OAuth and REST responses, and a real OpenID Provider
 * (oidc-provider) for Google. This file runs its own API (with the providers configured) and web app on
 * the shared database.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { startFakeGitHub, type FakeGitHub, type GitHubUser } from '@lexikon/harness/fakes/github';
import { startOidcIssuer, type OidcIssuer } from '@lexikon/harness/fakes/oidc-issuer';
import { ApiClient } from '../support/api.ts';
import {
  ACCESS_COOKIE,
  REFRESH_COOKIE,
  cookieValue,
  newContext,
  runAxe,
  screenshot,
} from '../support/browser.ts';
import { useBrowser } from '../support/e2e.ts';
import { freePort, randomSecret, startApi, startWeb, type Service } from '../support/stack.ts';

const browser = useBrowser();
const log = (line: string): void => void process.stderr.write(`[oauth] ${line}\n`);

let github: FakeGitHub;
let google: OidcIssuer;
let api: Service;
let web: Service;
let githubIds = 50_000;

beforeAll(async () => {
  const webPort = await freePort();
  const webUrl = `http://127.0.0.1:${webPort}`;
  github = await startFakeGitHub();
  google = await startOidcIssuer([`${webUrl}/oauth/callback/google`]);
  api = await startApi({
    databaseUrl: inject('databaseUrl'),
    jwtSecret: randomSecret(),
    log,
    env: {
      // Plain-http providers are refused in production; this API runs as in development for that reason.
      NODE_ENV: 'development',
      OAUTH_ALLOW_HTTP: 'true',
      PUBLIC_WEB_URL: webUrl,
      GITHUB_CLIENT_ID: github.clientId,
      GITHUB_CLIENT_SECRET: github.clientSecret,
      GITHUB_URL: github.url,
      GITHUB_API_URL: github.url,
      GOOGLE_CLIENT_ID: google.clientId,
      GOOGLE_CLIENT_SECRET: google.clientSecret,
      GOOGLE_ISSUER: google.issuer,
      OAUTH_TIMEOUT_MS: '2000',
    },
  });
  web = await startWeb({ apiUrl: api.url, webDir: inject('webDir'), port: webPort, log });
});

afterAll(async () => {
  await web?.stop();
  await api?.stop();
  await github?.close();
  await google?.close();
});

beforeEach(() => github.setOutage('none'));

function githubUser(email: string | null, verified = true): GitHubUser {
  const id = ++githubIds;
  return {
    id,
    login: `octo${id}`,
    name: `Octo ${id}`,
    email: null,
    emails: email ? [{ email, primary: true, verified, visibility: 'private' }] : [],
  };
}

/** A fresh browser whose every requested URL is recorded, to prove no token ever travels in one. */
async function recordedBrowser(): Promise<{ context: BrowserContext; page: Page; urls: string[] }> {
  const context = await newContext(browser());
  const urls: string[] = [];
  context.on('request', (request) => urls.push(request.url()));
  const page = await context.newPage();
  return { context, page, urls };
}

async function continueWith(page: Page, provider: 'GitHub' | 'Google'): Promise<void> {
  await page.goto(`${web.url}/login?next=${encodeURIComponent('/profile')}`);
  await page.getByRole('link', { name: `Continuer avec ${provider}` }).click();
  await page.waitForURL((url) => url.pathname === '/oauth/success' || url.pathname === '/login', {
    timeout: 20_000,
  });
}

async function expectNoTokenInUrls(context: BrowserContext, urls: string[]): Promise<void> {
  const secrets = [
    await cookieValue(context, ACCESS_COOKIE),
    await cookieValue(context, REFRESH_COOKIE),
  ].filter((value): value is string => Boolean(value));
  for (const url of urls) {
    expect(url).not.toMatch(/[?&#](access_token|refresh_token|id_token|token)=/i);
    for (const secret of secrets) expect(url).not.toContain(secret);
  }
}

describe('signing in with a provider', () => {
  it('shows the buttons of configured providers only', async () => {
    const { context, page } = await recordedBrowser();
    await page.goto(`${web.url}/login`);
    expect(await page.getByRole('link', { name: 'Continuer avec GitHub' }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Continuer avec Google' }).isVisible()).toBe(true);
    await screenshot(page, 'login-with-providers');
    expect((await runAxe(page)).blocking).toBe(0);
    await context.close();
  });

  it('creates an account with GitHub (private email) and lands on the profile with a session', async () => {
    const email = `octo-${Date.now()}@users.example`;
    github.signInAs(githubUser(email));
    const { context, page, urls } = await recordedBrowser();
    await continueWith(page, 'GitHub');
    expect(new URL(page.url()).pathname).toBe('/oauth/success');
    await page.getByRole('link', { name: 'Continuer' }).click();
    await page.waitForURL((url) => url.pathname === '/profile');
    expect(await page.getByTestId('profile-email').textContent()).toBe(email);
    expect(await page.getByText('github', { exact: true }).count()).toBeGreaterThan(0);
    const cookies = await context.cookies();
    expect(cookies.find((cookie) => cookie.name === REFRESH_COOKIE)).toMatchObject({
      httpOnly: true,
      sameSite: 'Lax',
    });
    expect(urls.some((url) => url.startsWith(github.url))).toBe(true);
    await expectNoTokenInUrls(context, urls);
    await context.close();
  });

  it('creates an account with Google (OpenID Connect)', async () => {
    const email = `grace-${Date.now()}@gmail.example`;
    google.signInAs({ sub: `google-${Date.now()}`, email, email_verified: true, name: 'Grace Hopper' });
    const { context, page, urls } = await recordedBrowser();
    await continueWith(page, 'Google');
    expect(new URL(page.url()).pathname).toBe('/oauth/success');
    await page.goto(`${web.url}/profile`);
    expect(await page.getByTestId('profile-email').textContent()).toBe(email);
    expect(urls.some((url) => url.startsWith(google.issuer))).toBe(true);
    await expectNoTokenInUrls(context, urls);
    await context.close();
  });

  it('links to the existing account with the same verified email', async () => {
    const user = await new ApiClient(api.url).createUser('linked');
    github.signInAs(githubUser(user.email));
    const { context, page } = await recordedBrowser();
    await continueWith(page, 'GitHub');
    await page.goto(`${web.url}/profile`);
    expect(await page.getByTestId('profile-email').textContent()).toBe(user.email);
    expect(await page.locator('dd', { hasText: 'Mot de passe, github' }).count()).toBe(1);
    await context.close();
  });
});

describe('every failure ends on the login page with an explanation and no session', () => {
  async function expectRefused(page: Page, context: BrowserContext, message: RegExp, shot: string) {
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.getByRole('alert').first().textContent()).toMatch(message);
    expect(await cookieValue(context, REFRESH_COOKIE)).toBeUndefined();
    await screenshot(page, shot);
  }

  it('refuses an unverified email', async () => {
    const user = await new ApiClient(api.url).createUser('unverified');
    github.signInAs(githubUser(user.email, false));
    const { context, page } = await recordedBrowser();
    await continueWith(page, 'GitHub');
    await expectRefused(page, context, /n’est pas vérifiée/, 'oauth-unverified');
    await context.close();
  });

  it('reports a denied consent', async () => {
    github.signInAs(null);
    const { context, page } = await recordedBrowser();
    await continueWith(page, 'GitHub');
    await expectRefused(page, context, /annulée chez le fournisseur/, 'oauth-denied');
    await context.close();
  });

  it('refuses a callback whose state this browser never started (forged state)', async () => {
    const { context, page } = await recordedBrowser();
    await page.goto(`${web.url}/oauth/callback/github?code=attacker-code&state=attacker-state`);
    await expectRefused(page, context, /ne vient pas de ce navigateur/, 'oauth-forged-state');
    await context.close();
  });

  it('refuses a replayed callback', async () => {
    github.signInAs(githubUser(`replay-${Date.now()}@users.example`));
    const { context, page, urls } = await recordedBrowser();
    await continueWith(page, 'GitHub');
    const callback = urls.find((url) => url.startsWith(`${web.url}/oauth/callback/github?`));
    expect(callback).toBeDefined();
    await context.clearCookies();
    // Even with this browser's state cookie put back, the API has already consumed the state and code.
    const state = new URL(callback!).searchParams.get('state')!;
    await context.addCookies([{ name: 'lexikon_oauth_state', value: state, url: `${web.url}/oauth` }]);
    await page.goto(callback!);
    await expectRefused(page, context, /expiré ou ne vient pas/, 'oauth-replayed');
    await context.close();
  });

  it('says when the provider is down (502 page)', async () => {
    github.signInAs(githubUser(`down-${Date.now()}@users.example`));
    github.setOutage('bad-gateway');
    const { context, page } = await recordedBrowser();
    await continueWith(page, 'GitHub');
    await expectRefused(page, context, /ne répond pas correctement/, 'oauth-provider-down');
    await context.close();
  });
});

describe('linking and unlinking from the profile', () => {
  it('links GitHub to a password account and unlinks it again', async () => {
    const client = new ApiClient(api.url);
    const user = await client.createUser('linker');
    github.signInAs(githubUser(`other-${Date.now()}@users.example`));
    const { context, page } = await recordedBrowser();
    await page.goto(`${web.url}/login?next=/profile`);
    await page.locator('#field-email').fill(user.email);
    await page.locator('#field-password').fill(user.password);
    await page.locator('main form button').first().click();
    await page.waitForURL((url) => url.pathname === '/profile');
    await page.getByRole('link', { name: 'Lier GitHub' }).click();
    await page.waitForURL((url) => url.pathname === '/profile' && url.searchParams.has('linked'));
    expect(await page.getByText('GitHub est maintenant lié à votre compte.').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Délier GitHub' }).click();
    await expect.poll(() => page.getByText('GitHub n’est plus lié à votre compte.').isVisible()).toBe(true);
    await context.close();
  });
});
