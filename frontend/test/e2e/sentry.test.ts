/**
 * Error tracking in the web app, end to end: a web server with SENTRY_DSN_FRONTEND pointed at a loopback
 * Sentry (it speaks the envelope protocol), real Chromium pages, real errors. What must hold: browser and
 * server faults arrive with our stack, environment and release; the browser's go through the same-origin
 * tunnel; expected errors (404, refused forms, redirects) send nothing; nothing private leaves, replays
 * included; and without a DSN no Sentry code is even downloaded.
 */
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Page, Request } from 'playwright-core';
import { startFakeSentry, type FakeSentry } from '@lexikon/harness/fakes/sentry';
import { promoteToAdmin, type TestUser } from '../support/api.ts';
import {
  ACCESS_COOKIE,
  REFRESH_COOKIE,
  cookieValue,
  newContext,
  submitLogin,
  waitForHydration,
} from '../support/browser.ts';
import { apiClient, stackUrls, useBrowser } from '../support/e2e.ts';
import { startWeb, type Service } from '../support/stack.ts';

const browser = useBrowser();
const log = (line: string): void => void process.stderr.write(`[sentry] ${line}\n`);

const ENVIRONMENT = 'e2e-sentry';
const RELEASE = 'lexikon-web@e2e-sentry';
const BROWSER_ERROR = 'Debug error: raised on purpose in the browser';
const SERVER_ERROR = 'Debug error: raised on purpose by the web server';

let sentry: FakeSentry;
let web: Service;
let admin: TestUser;
let adminId: string;

beforeAll(async () => {
  sentry = await startFakeSentry();
  web = await startWeb({
    apiUrl: inject('apiUrl'),
    webDir: inject('webDir'),
    log,
    env: {
      SENTRY_DSN_FRONTEND: sentry.dsn,
      SENTRY_ENVIRONMENT: ENVIRONMENT,
      SENTRY_RELEASE: RELEASE,
      DEBUG_ROUTES: 'true',
      // Every trace and every error replay, so the "nothing private" checks cover them too.
      SENTRY_TRACES_SAMPLE_RATE: '1',
      SENTRY_REPLAYS_SESSION_SAMPLE_RATE: '0',
      SENTRY_REPLAYS_ON_ERROR_SAMPLE_RATE: '1',
    },
  });
  admin = await apiClient().createUser('sentry_admin');
  promoteToAdmin(inject('databaseUrl'), inject('jwtSecret'), admin.email);
  const { access_token } = await apiClient().login(admin);
  adminId = (JSON.parse(Buffer.from(access_token.split('.')[1]!, 'base64url').toString()) as { sub: string })
    .sub;
});

afterAll(async () => {
  await web?.stop();
  await sentry?.close();
});

type SentryEvent = Record<string, unknown> & {
  environment?: string;
  release?: string;
  user?: Record<string, unknown>;
  request?: { url?: string; headers?: Record<string, string> };
  transaction?: string;
  exception?: {
    values?: {
      value?: string;
      mechanism?: Record<string, unknown>;
      stacktrace?: { frames?: { filename?: string }[] };
    }[];
  };
};

const messageOf = (event: SentryEvent): string | undefined => event.exception?.values?.[0]?.value;

/** Waits until an error event with this exception message has arrived at the fake Sentry. */
async function eventWith(message: string, after = 0): Promise<SentryEvent> {
  let found: SentryEvent | undefined;
  await expect
    .poll(
      () => {
        found = (sentry.events().slice(after) as SentryEvent[]).find((event) => messageOf(event) === message);
        return found !== undefined;
      },
      { timeout: 30_000, interval: 100 },
    )
    .toBe(true);
  return found!;
}

/** Resolves once the lazily loaded SDK has started in the page. */
async function sentryLoaded(page: Page): Promise<void> {
  await page.waitForFunction(() => '__SENTRY__' in window, undefined, { timeout: 30_000 });
}

/** Every JavaScript file the page fetched, with its body. */
function recordScripts(page: Page): Map<string, Promise<string>> {
  const scripts = new Map<string, Promise<string>>();
  page.on('response', (response) => {
    if (response.request().resourceType() === 'script' || response.url().endsWith('.js'))
      scripts.set(
        response.url(),
        response.text().catch(() => ''),
      );
  });
  return scripts;
}

async function scriptsContaining(scripts: Map<string, Promise<string>>, text: string): Promise<string[]> {
  const found: string[] = [];
  for (const [url, body] of scripts) if ((await body).includes(text)) found.push(url);
  return found;
}

interface RawItem {
  header: { type: string; length?: number };
  payload: Buffer;
}

/** Binary-safe envelope parsing (replay recordings are compressed bytes). */
function envelopeItems(body: Buffer): RawItem[] {
  let offset = body.indexOf(0x0a) + 1;
  const items: RawItem[] = [];
  while (offset > 0 && offset < body.length) {
    const headerEnd = body.indexOf(0x0a, offset);
    if (headerEnd === -1) break;
    const header = JSON.parse(body.subarray(offset, headerEnd).toString()) as RawItem['header'];
    const start = headerEnd + 1;
    const end =
      typeof header.length === 'number'
        ? start + header.length
        : body.indexOf(0x0a, start) === -1
          ? body.length
          : body.indexOf(0x0a, start);
    items.push({ header, payload: body.subarray(start, end) });
    offset = end + 1;
  }
  return items;
}

/** A replay segment: `{"segment_id":…}` then the recording, compressed by the replay worker. */
function replayRecording(payload: Buffer): { compressed: boolean; json: string } {
  const data = payload.subarray(payload.indexOf(0x0a) + 1);
  try {
    return { compressed: true, json: inflateSync(data).toString() };
  } catch {
    return { compressed: false, json: data.toString() };
  }
}

async function secretsOf(context: BrowserContext, user: TestUser): Promise<string[]> {
  const cookies = [await cookieValue(context, ACCESS_COOKIE), await cookieValue(context, REFRESH_COOKIE)];
  return [user.email, user.password, ...cookies.filter((value): value is string => !!value)];
}

describe('with SENTRY_DSN_FRONTEND set', () => {
  let context: BrowserContext;
  let page: Page;
  const tunnelPosts: Request[] = [];
  const otherOrigins: string[] = [];
  const cspViolations: string[] = [];
  let scripts: Map<string, Promise<string>>;

  beforeAll(async () => {
    context = await newContext(browser());
    page = await context.newPage();
    scripts = recordScripts(page);
    const sentryOrigin = new URL(sentry.dsn).host;
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.host === sentryOrigin) otherOrigins.push(request.url());
      if (url.origin === web.url && url.pathname === '/monitoring' && request.method() === 'POST')
        tunnelPosts.push(request);
    });
    page.on('console', (message) => {
      if (/content security policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await page.goto(`${web.url}/login?next=${encodeURIComponent('/debug/error')}`);
    await waitForHydration(page);
    await sentryLoaded(page);
    // Typed while the replay buffer records: the password and email must not reach any replay.
    await submitLogin(page, admin.email, admin.password);
    await page.waitForURL(`${web.url}/debug/error`);
  });

  afterAll(async () => {
    await context?.close();
  });

  it('reports a browser error through the tunnel, with our stack, environment and release', async () => {
    const before = sentry.events().length;
    await page.getByRole('button', { name: 'Raise a browser error' }).click();

    const event = await eventWith(BROWSER_ERROR, before);
    expect(event.environment).toBe(ENVIRONMENT);
    expect(event.release).toBe(RELEASE);
    // The frame of our own code: the debug page's chunk, the one that holds the message.
    const [pageChunk, ...others] = await scriptsContaining(scripts, BROWSER_ERROR);
    expect(others).toEqual([]);
    const frames = event.exception?.values?.[0]?.stacktrace?.frames ?? [];
    expect(frames.map((frame) => frame.filename)).toContain(pageChunk);
    expect(pageChunk).toMatch(/\/_app\/immutable\/nodes\//);

    // It came from the browser through our own origin, never straight to Sentry.
    expect(tunnelPosts.length).toBeGreaterThan(0);
    expect(otherOrigins).toEqual([]);

    // The error sends the replay buffer: compressed, all text and inputs masked.
    let recording: { compressed: boolean; json: string } | undefined;
    await expect
      .poll(
        async () => {
          for (const request of tunnelPosts) {
            const body = request.postDataBuffer();
            const item =
              body && envelopeItems(body).find((entry) => entry.header.type === 'replay_recording');
            if (item) recording = replayRecording(item.payload);
          }
          return recording !== undefined;
        },
        { timeout: 30_000, interval: 200 },
      )
      .toBe(true);
    // Compressed: the worker served from our origin ran under the CSP (no blob: worker).
    expect(recording!.compressed).toBe(true);
    expect(cspViolations).toEqual([]);
    // The DOM is in it, its text is not.
    expect(recording!.json).toContain('"tagName":"h1"');
    expect(recording!.json).not.toContain('Error tracking check');
    expect(recording!.json).not.toContain('Raise a browser error');
    for (const secret of await secretsOf(context, admin)) expect(recording!.json).not.toContain(secret);
  });

  it('reports a server error in a load function, with the user id and no cookie', async () => {
    const before = sentry.events().length;
    const response = await page.goto(`${web.url}/debug/error?where=server`);
    expect(response?.status()).toBe(500);
    expect(await page.getByRole('alert').textContent()).not.toContain('Debug error');

    const event = await eventWith(SERVER_ERROR, before);
    expect(event.environment).toBe(ENVIRONMENT);
    expect(event.release).toBe(RELEASE);
    expect(event.user).toEqual({ id: adminId });
    expect(event.request?.url).toBe(`${web.url}/debug/error`);
    expect(Object.keys(event.request?.headers ?? {}).map((name) => name.toLowerCase())).not.toContain(
      'cookie',
    );
    // Caught by the handleError hook, inside the request's trace (named after its route). The frames
    // themselves are not checked here: SvelteKit trims frames under node_modules from server stacks,
    // and the tests run the build from a copy under node_modules (see snapshotWebBuild).
    expect(event.exception?.values?.[0]?.mechanism).toEqual({
      type: 'sveltekit.handle_error',
      handled: false,
    });
    expect(event.transaction).toBe('GET /debug/error');
  });

  it('sends nothing private in any envelope: no cookie, token, email or password', async () => {
    const secrets = await secretsOf(context, admin);
    expect(sentry.envelopes.length).toBeGreaterThan(0);
    for (const envelope of sentry.envelopes)
      for (const secret of [...secrets, ACCESS_COOKIE, REFRESH_COOKIE])
        expect(envelope.raw, `an envelope contains "${secret}"`).not.toContain(secret);
    for (const request of tunnelPosts) {
      const body = request.postDataBuffer()?.toString('latin1') ?? '';
      for (const secret of secrets) expect(body).not.toContain(secret);
    }
  });
});

describe('expected errors are not reported', () => {
  it('a 404 (server and client side), a refused login and a redirect send no event', async () => {
    const before = sentry.events().length;
    const context = await newContext(browser());
    const page = await context.newPage();

    const missing = await page.goto(`${web.url}/no/such/page`);
    expect(missing?.status()).toBe(404);
    await page.goto(`${web.url}/login?next=${encodeURIComponent('/profile')}`);
    await waitForHydration(page);
    await sentryLoaded(page);
    // A client-side navigation to a page that does not exist.
    await page.evaluate(() => {
      const link = Object.assign(document.createElement('a'), { href: '/missing/client/side' });
      document.body.append(link);
      link.click();
    });
    await expect.poll(() => page.locator('h1').textContent()).toContain('404');
    // A refused login (a form failure) and a redirect to the login page.
    await page.goto(`${web.url}/login`);
    await waitForHydration(page);
    await submitLogin(page, admin.email, 'not the right passphrase');
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('E-mail ou mot de passe incorrect.');
    const redirected = await page.goto(`${web.url}/profile`);
    expect(new URL(redirected!.url()).pathname).toBe('/login');
    // A closed debug route is a plain 404 for anyone but an administrator.
    expect((await page.goto(`${web.url}/debug/error?where=server`))?.status()).toBe(404);

    // A marker from the same page: once it has arrived, anything sent before it has too.
    await waitForHydration(page);
    await sentryLoaded(page);
    await page.evaluate(() => {
      setTimeout(() => {
        throw new Error('e2e marker: after the expected errors');
      });
    });
    await eventWith('e2e marker: after the expected errors', before);
    const sent = (sentry.events().slice(before) as SentryEvent[]).map(messageOf);
    expect(sent).toEqual(['e2e marker: after the expected errors']);
    await context.close();
  });
});

describe('the SDK arrives after the page', () => {
  it('is not in the HTML’s scripts and loads once the page has hydrated and painted', async () => {
    const context = await newContext(browser());
    const page = await context.newPage();
    // Records when the root layout marks the page hydrated (CSP does not apply to init scripts).
    await page.addInitScript(() => {
      new MutationObserver((_records, observer) => {
        if (!document.documentElement.hasAttribute('data-hydrated')) return;
        performance.mark('hydrated');
        observer.disconnect();
      }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
    });
    const scripts = recordScripts(page);
    const response = await page.goto(`${web.url}/login`);
    const html = (await response?.text()) ?? '';
    await sentryLoaded(page);

    const [sdkChunk, ...others] = await scriptsContaining(scripts, '__SENTRY__');
    expect(sdkChunk).toBeDefined();
    expect(others).toEqual([]);
    expect(html).not.toContain(new URL(sdkChunk!).pathname);
    const order = await page.evaluate((chunk) => {
      const start = (name: string) => performance.getEntriesByName(name)[0]?.startTime ?? Number.NaN;
      return {
        hydrated: start('hydrated'),
        paint: start('first-contentful-paint'),
        sdk: start(chunk),
      };
    }, sdkChunk!);
    expect(order.sdk).toBeGreaterThan(order.hydrated);
    expect(order.sdk).toBeGreaterThan(order.paint);
    await context.close();
  });
});

describe('without SENTRY_DSN_FRONTEND', () => {
  it('/login downloads no Sentry code and sends nothing anywhere', async () => {
    const { webUrl } = stackUrls();
    const context = await newContext(browser());
    const page = await context.newPage();
    const scripts = recordScripts(page);
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    const before = sentry.envelopes.length;

    await page.goto(`${webUrl}/login`);
    await waitForHydration(page);
    // Past the point where the SDK would load: hydrated, then idle, then the network quiet.
    await page.evaluate(
      () => new Promise<void>((resolve) => requestIdleCallback(() => resolve(), { timeout: 5000 })),
    );
    await page.waitForLoadState('networkidle');
    await page.evaluate(() => {
      setTimeout(() => {
        throw new Error('an error nobody tracks');
      });
    });
    await page.waitForLoadState('networkidle');

    expect(scripts.size).toBeGreaterThan(0);
    expect(await scriptsContaining(scripts, '__SENTRY__')).toEqual([]);
    expect(await page.evaluate(() => '__SENTRY__' in window)).toBe(false);
    expect(requests.filter((url) => new URL(url).pathname === '/monitoring')).toEqual([]);
    expect(requests.filter((url) => new URL(url).origin !== webUrl)).toEqual([]);
    expect(sentry.envelopes.length).toBe(before);
    await context.close();
  });

  it('has no tunnel and no debug route, even for an administrator', async () => {
    const { webUrl } = stackUrls();
    const tunnel = await fetch(`${webUrl}/monitoring`, {
      method: 'POST',
      headers: { origin: webUrl, 'content-type': 'text/plain' },
      body: `{"dsn":"${sentry.dsn}"}\n{"type":"event"}\n{}`,
    });
    expect(tunnel.status).toBe(404);
    expect(tunnel.headers.get('content-type')).toBe('application/problem+json');

    const context = await newContext(browser());
    const page = await context.newPage();
    await page.goto(`${webUrl}/login?next=%2Fprofile`);
    await submitLogin(page, admin.email, admin.password);
    await page.waitForURL(`${webUrl}/profile`);
    expect((await page.goto(`${webUrl}/debug/error`))?.status()).toBe(404);
    await context.close();
  });
});

describe('debug routes with DEBUG_ROUTES=true in production', () => {
  it('are for administrators only', async () => {
    const user = await apiClient().createUser('sentry_user');
    const context = await newContext(browser());
    const page = await context.newPage();
    expect((await page.goto(`${web.url}/debug/error`))?.status()).toBe(404);
    await page.goto(`${web.url}/login?next=%2Fprofile`);
    await submitLogin(page, user.email, user.password);
    await page.waitForURL(`${web.url}/profile`);
    expect((await page.goto(`${web.url}/debug/error`))?.status()).toBe(404);
    await context.close();
  });
});
