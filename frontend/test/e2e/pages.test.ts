/**
 * Every page, in light, dark and at 360 px: no serious or critical axe violation (WCAG 2.1 A/AA), no
 * horizontal scrolling on a phone, and a screenshot of each in test-results/screenshots/. Also: the login
 * form works with the keyboard alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { TestUser } from '../support/api.ts';
import { newContext, runAxe, screenshot, scrollWidth, signIn } from '../support/browser.ts';
import { apiClient, stackUrls, useBrowser } from '../support/e2e.ts';

const browser = useBrowser();

interface Seed {
  user: TestUser;
  termId: string;
  otherId: string;
}

interface PageCase {
  name: string;
  path: (seed: Seed) => string;
  signedIn: boolean;
  /** Where the browser must end (pathname only) after redirects, when not the requested page. */
  endsOn?: string;
  status?: number;
  /** After loading: put the page in the state worth checking (errors shown, graph drawn…). */
  prepare?: (page: Page) => Promise<void>;
}

const pages: PageCase[] = [
  { name: 'home', path: () => '/', signedIn: false },
  { name: 'home-signed-in', path: () => '/', signedIn: true },
  { name: 'login', path: () => '/login', signedIn: false },
  {
    name: 'login-errors',
    path: () => '/login',
    signedIn: false,
    prepare: async (page) => {
      await page.locator('main form button').click();
      await page.locator('#field-email-error').waitFor({ timeout: 10_000 });
    },
  },
  { name: 'register', path: () => '/register', signedIn: false },
  {
    name: 'register-errors',
    path: () => '/register',
    signedIn: false,
    prepare: async (page) => {
      await page.locator('#field-password').fill('short');
      await page.locator('main form button').click();
      await page.locator('#field-password-error').waitFor({ timeout: 10_000 });
    },
  },
  { name: 'profile', path: () => '/profile', signedIn: true },
  {
    name: 'terms',
    path: () => '/terms',
    signedIn: true,
    prepare: (page) => page.getByTestId('term-item').first().waitFor({ timeout: 10_000 }),
  },
  {
    name: 'terms-no-match',
    path: () => '/terms?q=zzzzzzzzzz',
    signedIn: true,
    prepare: (page) => page.getByTestId('term-empty').waitFor({ timeout: 10_000 }),
  },
  { name: 'term-new', path: () => '/terms/new', signedIn: true },
  {
    name: 'term-new-errors',
    path: () => '/terms/new',
    signedIn: true,
    prepare: async (page) => {
      await page.locator('main form button[type="submit"], main form button:not([type])').first().click();
      await page.locator('#field-term-error').waitFor({ timeout: 10_000 });
    },
  },
  {
    name: 'term-detail',
    path: (seed) => `/terms/${seed.termId}`,
    signedIn: true,
    prepare: (page) =>
      page.locator('[data-testid="term-graph"][data-node-count]').waitFor({ timeout: 10_000 }),
  },
  {
    name: 'oauth-success',
    path: () => '/oauth/success?next=%2Fterms',
    signedIn: true,
  },
  // The provider sends the browser back with a refusal, or with a state this browser never asked for:
  // the sign-in page, explaining.
  {
    name: 'oauth-denied',
    path: () => '/oauth/callback/github?error=access_denied&state=xyz',
    signedIn: false,
    endsOn: '/login',
    prepare: (page) => page.getByRole('alert').first().waitFor({ timeout: 10_000 }),
  },
  {
    name: 'oauth-bad-state',
    path: () => '/oauth/callback/google?code=abc&state=xyz',
    signedIn: false,
    endsOn: '/login',
    prepare: (page) => page.getByRole('alert').first().waitFor({ timeout: 10_000 }),
  },
  { name: 'not-found', path: () => '/no/such/page', signedIn: false, status: 404 },
  {
    name: 'term-not-found',
    path: () => '/terms/00000000-0000-4000-8000-000000000000',
    signedIn: true,
    status: 404,
  },
];

const variants: { name: string; options: BrowserContextOptions; mobile: boolean }[] = [
  { name: 'light', options: { colorScheme: 'light', viewport: { width: 1280, height: 800 } }, mobile: false },
  { name: 'dark', options: { colorScheme: 'dark', viewport: { width: 1280, height: 800 } }, mobile: false },
  {
    name: '360',
    options: { colorScheme: 'light', viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true },
    mobile: true,
  },
];

let seed: Seed;

beforeAll(async () => {
  const api = apiClient();
  const user = await api.createUser('pages');
  const { access_token: token } = await api.login(user);
  const term = await api.createTerm(token, {
    term: `Intelligence artificielle ${user.username}`,
    definition:
      'Domaine de l’informatique qui conçoit des systèmes capables d’effectuer des tâches associées à l’intelligence humaine.',
    domain: 'Informatique',
    level: 'beginner',
  });
  const other = await api.createTerm(token, {
    term: `Apprentissage automatique ${user.username}`,
    definition: 'Branche de l’intelligence artificielle où les systèmes apprennent à partir de données.',
    domain: 'Informatique',
    level: 'intermediate',
    status: 'proposed',
  });
  await api.createRelation(token, other.id, { target_id: term.id, type: 'part_of' });
  seed = { user, termId: term.id, otherId: other.id };
});

describe.each(variants)('$name', (variant) => {
  let anonymous: BrowserContext;
  let signedIn: BrowserContext;

  beforeAll(async () => {
    const { webUrl } = stackUrls();
    anonymous = await newContext(browser(), variant.options);
    signedIn = await newContext(browser(), variant.options);
    const page = await signedIn.newPage();
    await signIn(page, webUrl, seed.user.email, seed.user.password);
    await page.close();
  });

  afterAll(async () => {
    await anonymous?.close();
    await signedIn?.close();
  });

  it.each(pages)('$name', async (pageCase) => {
    const { webUrl } = stackUrls();
    const page = await (pageCase.signedIn ? signedIn : anonymous).newPage();
    try {
      const response = await page.goto(`${webUrl}${pageCase.path(seed)}`);
      expect(response?.status(), 'HTTP status').toBe(pageCase.status ?? 200);
      const landed = new URL(page.url());
      if (pageCase.endsOn) expect(landed.pathname).toBe(pageCase.endsOn);
      else expect(landed.pathname + landed.search).toBe(pageCase.path(seed));
      await pageCase.prepare?.(page);

      await screenshot(page, `${pageCase.name}-${variant.name}`);
      const axe = await runAxe(page);
      expect.soft(axe.blocking, `serious/critical axe violations:\n${axe.report}`).toBe(0);
      if (variant.mobile) {
        const width = await scrollWidth(page);
        expect
          .soft(width, `horizontal scrolling at 360 px (content is ${width} px wide)`)
          .toBeLessThanOrEqual(360);
      }
    } finally {
      await page.close();
    }
  });
});

describe('keyboard', () => {
  it('signs in with Tab and Enter only, starting from the skip link', async () => {
    const { webUrl } = stackUrls();
    const context = await newContext(browser());
    const page = await context.newPage();
    await page.goto(`${webUrl}/login?next=%2Fprofile`);
    const focused = () =>
      page.evaluate(() => {
        const element = document.activeElement;
        return element
          ? `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}|${element.textContent?.trim() ?? ''}`
          : '';
      });

    await page.keyboard.press('Tab');
    expect(await focused()).toBe('a|Aller au contenu');
    expect(await page.locator('a[href="#main"]').isVisible(), 'the skip link shows when focused').toBe(true);
    await page.keyboard.press('Enter');
    expect(await focused()).toMatch(/^main#main\|/);
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('input#field-email|');
    await page.keyboard.type(seed.user.email);
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('input#field-password|');
    await page.keyboard.type(seed.user.password);
    await page.keyboard.press('Enter');

    // (The #main fragment of the skip link may stay in the URL: browsers carry it across redirects.)
    await page.waitForURL((url) => url.pathname === '/profile');
    expect(await page.getByTestId('profile-email').textContent()).toBe(seed.user.email);
    await context.close();
  });
});
