/** The end-to-end tests' browser helpers: contexts, sign-in, cookies, axe and screenshots. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { repoRoot } from './stack.ts';

export { launchChromium } from './stack.ts';

export const ACCESS_COOKIE = 'lexikon_access';
export const REFRESH_COOKIE = 'lexikon_refresh';
export const screenshotDir = join(repoRoot, 'test-results/screenshots');

/** A fresh context (own cookies, storage and cache), French unless told otherwise. */
export function newContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ locale: 'fr-FR', ...options });
}

/** Waits until the page's scripts have taken over (enhanced forms, client-side checks). */
export async function waitForHydration(page: Page): Promise<void> {
  await page.waitForSelector('html[data-hydrated]', { state: 'attached', timeout: 30_000 });
}

/** Fills and submits the login form of the page it is on (the page must be /login). */
export async function submitLogin(page: Page, email: string, password: string): Promise<void> {
  await page.locator('#field-email').fill(email);
  await page.locator('#field-password').fill(password);
  await page.locator('main form button').click();
}

/** Signs in through the login page and waits until the browser has left it. */
export async function signIn(page: Page, webUrl: string, email: string, password: string, next?: string) {
  await page.goto(`${webUrl}/login${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  await submitLogin(page, email, password);
  await page.waitForURL((url) => url.pathname !== '/login', { timeout: 15_000 });
}

export async function cookieValue(context: BrowserContext, name: string): Promise<string | undefined> {
  return (await context.cookies()).find((cookie) => cookie.name === name)?.value;
}

export interface AxeSummary {
  blocking: number;
  report: string;
}

/** axe with the WCAG 2.1 A/AA rules; `blocking` counts serious and critical violations. */
export async function runAxe(page: Page): Promise<AxeSummary> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const blocking = results.violations.filter(
    (violation) => violation.impact === 'serious' || violation.impact === 'critical',
  );
  const report = blocking
    .map((violation) => {
      const nodes = violation.nodes
        .slice(0, 8)
        .map(
          (node) =>
            `      - ${node.target.join(' ')}\n        ${node.failureSummary?.replace(/\n/g, ' ') ?? ''}`,
        )
        .join('\n');
      return `  [${violation.impact}] ${violation.id}: ${violation.help} (${violation.nodes.length} element(s))\n    ${violation.helpUrl}\n${nodes}`;
    })
    .join('\n');
  return { blocking: blocking.length, report: `${page.url()}\n${report}` };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

/** Widest content on the page: more than the viewport means horizontal scrolling. */
export function scrollWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}
