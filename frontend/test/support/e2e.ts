/** What every end-to-end test file needs: the stack's URLs, an API client and one browser per file. */
import { afterAll, beforeAll, inject } from 'vitest';
import type { Browser } from 'playwright-core';
import { ApiClient } from './api.ts';
import { launchChromium } from './browser.ts';

export function stackUrls(): { apiUrl: string; webUrl: string } {
  return { apiUrl: inject('apiUrl'), webUrl: inject('webUrl') };
}

export function apiClient(): ApiClient {
  return new ApiClient(inject('apiUrl'));
}

/** Launches Chromium before the file's tests and closes it after them; call the result inside tests. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('the browser is not running (beforeAll failed?)');
    return browser;
  };
}
