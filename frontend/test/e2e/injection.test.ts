/**
 * Injection strings rendered inert: terms whose name, definition and domain are HTML, script or SQL
 * payloads, shown on the term list, the term page (with its relations and graph) and in search results
 * in Chromium. Each payload is text on the page, no element it describes exists, and no script runs (no
 * dialog, no marker set by a handler). Plus the web app's security headers. The API side (stored and
 * returned literally) is backend/test/security/injection.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { trackReliability } from '@lexikon/harness/reliability/records';
import { INJECTION_STRINGS } from '@lexikon/harness/reliability/injection';
import { newContext, signIn, waitForHydration } from '../support/browser.ts';
import { apiClient, stackUrls, useBrowser } from '../support/e2e.ts';

const browser = useBrowser();

/** Payloads that would set a marker, open a dialog or add an element if the page ever interpreted them. */
const PAYLOADS = [
  `<img src=x onerror="window.__lexikonPwned='img'">`,
  `<script>window.__lexikonPwned='script'</script>`,
  `"><svg onload="window.__lexikonPwned='svg'"></svg>`,
  `<iframe srcdoc="<script>parent.__lexikonPwned='iframe'</script>"></iframe>`,
  `<a href="javascript:alert('pwned')">click</a>`,
  ...INJECTION_STRINGS.filter((text) => /[<>]/.test(text)),
];

describe('injection strings in the web app', () => {
  it('shows HTML and script payloads as text, and runs none of them', async () => {
    const record = await trackReliability({
      id: 'control-injection-web',
      kind: 'control',
      title: 'Injection strings rendered inert in the web app',
      injected: `${PAYLOADS.length} HTML/script payloads as term names, definitions and domains, related to each other, viewed on the term list, search results and each term page in Chromium`,
      expected:
        'Each payload visible as literal text; no element it describes in the page; no dialog, no script run',
      database: 'postgres',
    });
    const { webUrl } = stackUrls();
    const api = apiClient();
    const user = await api.createUser('inject');
    const { access_token: token } = await api.login(user);
    const domain = `Injection ${Date.now()}`;
    const terms = [];
    for (const [index, payload] of PAYLOADS.entries())
      terms.push(
        await api.createTerm(token, { term: `Payload ${index} ${payload}`, definition: payload, domain }),
      );
    for (let index = 1; index < terms.length; index++)
      await api.createRelation(token, terms[index]!.id, { target_id: terms[0]!.id, type: 'related_to' });

    const context = await newContext(browser());
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await signIn(page, webUrl, user.email, user.password);

    const injectedElements = () =>
      page.evaluate(
        () =>
          document.querySelectorAll(
            'main img[src="x"], main script, main svg[onload], main iframe[srcdoc], main a[href^="javascript:"]',
          ).length,
      );
    const marker = () =>
      page.evaluate(() => (window as unknown as { __lexikonPwned?: string }).__lexikonPwned);
    const problems: string[] = [];
    const check = async (where: string) => {
      record.add('pages checked');
      const count = await injectedElements();
      if (count > 0) problems.push(`${where}: ${count} injected element(s)`);
      const set = await marker();
      if (set) problems.push(`${where}: a payload ran (${set})`);
    };

    await page.goto(`${webUrl}/terms?domain=${encodeURIComponent(domain)}`);
    await waitForHydration(page);
    const listText = await page.getByTestId('term-list').innerText();
    for (const payload of PAYLOADS)
      if (!listText.includes(payload)) problems.push(`list: not shown as text: ${payload}`);
    await check('term list');

    await page.goto(`${webUrl}/terms?q=${encodeURIComponent('onerror')}`);
    await waitForHydration(page);
    await check('search results');

    for (const term of terms) {
      await page.goto(`${webUrl}/terms/${term.id}`);
      await waitForHydration(page);
      const title = await page.getByTestId('term-title').innerText();
      const definition = await page.getByTestId('term-definition').innerText();
      record.add('payloads compared', 2);
      if (title !== term.term) problems.push(`title of ${term.id}: ${title}`);
      if (definition.trim() !== term.definition) problems.push(`definition of ${term.id}: ${definition}`);
      await check(`term page ${term.id}`);
    }
    record.set('payloads', PAYLOADS.length);
    record.set('dialogs opened', dialogs.length);
    record.set('problems', problems.length);
    record.observe(
      problems.length === 0 && dialogs.length === 0
        ? `${PAYLOADS.length} payloads shown as literal text on the list and on each term page; no injected element, no dialog, no script run`
        : `problems: ${[...problems, ...dialogs.map((message) => `dialog "${message}"`)].slice(0, 4).join('; ')}`,
    );
    await context.close();
    expect(problems).toEqual([]);
    expect(dialogs).toEqual([]);
  });

  it('sends the security headers on its pages', async () => {
    const record = await trackReliability({
      id: 'control-web-headers',
      kind: 'control',
      title: 'Security headers on the web app',
      injected: 'Requests for the home, login and term list pages of the production web server over http',
      expected:
        "CSP with frame-ancestors 'none' and script-src limited to the app (nonces/hashes, no unsafe-inline), X-Content-Type-Options nosniff, a Referrer-Policy; no HSTS over plain http",
      database: 'postgres',
    });
    const { webUrl } = stackUrls();
    const missing: string[] = [];
    for (const path of ['/', '/login', '/terms']) {
      const response = await fetch(`${webUrl}${path}`, { redirect: 'manual' });
      record.add('responses checked');
      const csp = response.headers.get('content-security-policy') ?? '';
      const scriptSrc = csp.split(';').find((directive) => directive.trim().startsWith('script-src')) ?? '';
      const checks = {
        "CSP frame-ancestors 'none'": csp.includes("frame-ancestors 'none'") || response.status >= 300,
        'CSP script-src without unsafe-inline': !scriptSrc.includes('unsafe-inline'),
        'X-Content-Type-Options': response.headers.get('x-content-type-options') === 'nosniff',
        'Referrer-Policy': Boolean(response.headers.get('referrer-policy')),
        'no HSTS over http': response.headers.get('strict-transport-security') === null,
      };
      for (const [check, ok] of Object.entries(checks))
        if (!ok) missing.push(`${path} (${response.status}): ${check}`);
    }
    record.set('headers missing', missing.length);
    record.observe(
      missing.length === 0
        ? "CSP (frame-ancestors 'none', scripts by nonce/hash), nosniff and a Referrer-Policy on /, /login and /terms; no HSTS over http"
        : `missing: ${missing.join('; ')}`,
    );
    expect(missing).toEqual([]);
  });
});
