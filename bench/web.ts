/**
 * `npm run bench:web`: how much JavaScript the web app ships and how fast the term list renders, measured
 * in headless Chromium against a fresh production build, the real API and a throwaway PostgreSQL holding
 * 1,000 terms. Writes docs/benchmarks/web.md and prints a summary. Everything it starts, it stops.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext } from 'playwright-core';
import {
  ensureChromium,
  launchChromium,
  repoRoot,
  startStack,
  type Stack,
} from '../frontend/test/support/stack.ts';
import { gitCommit as gitCommitOf } from './lib/git.ts';

const TERMS = 1_000;
const RUNS = 15;
const TARGETS = { loginJsGzipBytes: 100_000, termsFirstRenderMs: 1_000 };
const ROW = '[data-testid="term-item"]';
const out = path.join(repoRoot, 'docs/benchmarks/web.md');

const log = (line: string): void => void process.stderr.write(`[bench:web] ${line}\n`);

interface JsResource {
  url: string;
  bytes: number;
  gzip: number;
  transferred: number;
}

interface JsReport {
  path: string;
  files: JsResource[];
  bytes: number;
  gzip: number;
  transferred: number;
}

interface Timing {
  ttfb: number;
  fcp: number;
  firstRow: number;
  rows: number;
}

interface RenderReport {
  path: string;
  runs: Timing[];
  median: Timing;
  min: Timing;
  max: Timing;
}

// ---- seeding ---------------------------------------------------------------------------------------

async function api<T>(
  stack: Stack,
  method: string,
  route: string,
  body?: unknown,
  token?: string,
): Promise<T> {
  const response = await fetch(`${stack.apiUrl}${route}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

const levels = ['beginner', 'intermediate', 'advanced', 'expert'] as const;
const domains = ['Intelligence artificielle', 'Linguistique', 'Statistique', 'Informatique', 'Logique'];

async function seed(stack: Stack): Promise<{ access: string; refresh: string }> {
  const user = { email: 'bench@example.org', password: 'a long benchmark passphrase' };
  await api(stack, 'POST', '/api/auth/register', user);
  const { access_token: token } = await api<{ access_token: string }>(stack, 'POST', '/api/auth/login', user);
  const started = performance.now();
  let created = 0;
  const next = { index: 0 };
  const worker = async (): Promise<void> => {
    while (next.index < TERMS) {
      const i = next.index++;
      await api(
        stack,
        'POST',
        '/api/terms',
        {
          term: `Terme de référence ${String(i + 1).padStart(4, '0')}`,
          definition:
            `Définition synthétique numéro ${i + 1}, assez longue pour ressembler à une vraie : elle décrit ` +
            `le concept, son usage et ses limites dans le domaine, comme le ferait un glossaire relu. `.repeat(
              2,
            ),
          domain: domains[i % domains.length],
          level: levels[i % levels.length],
          status: i % 3 === 0 ? 'proposed' : 'draft',
        },
        token,
      );
      created++;
      if (created % 100 === 0) log(`terms: ${created}/${TERMS}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  log(`terms: ${TERMS} created in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  // Fresh tokens for the browser: the access token lives 15 minutes, far longer than the measurements.
  const tokens = await api<{ access_token: string; refresh_token: string }>(
    stack,
    'POST',
    '/api/auth/login',
    user,
  );
  return { access: tokens.access_token, refresh: tokens.refresh_token };
}

// ---- measurements ----------------------------------------------------------------------------------

async function context(
  browser: Browser,
  webUrl: string,
  session: { access: string; refresh: string } | null,
): Promise<BrowserContext> {
  const created = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    locale: 'fr-FR',
  });
  if (session)
    await created.addCookies([
      { name: 'lexikon_access', value: session.access, url: webUrl, httpOnly: true, sameSite: 'Lax' },
      { name: 'lexikon_refresh', value: session.refresh, url: webUrl, httpOnly: true, sameSite: 'Lax' },
    ]);
  return created;
}

async function measureJs(
  browser: Browser,
  webUrl: string,
  route: string,
  session: { access: string; refresh: string } | null,
): Promise<JsReport> {
  const ctx = await context(browser, webUrl, session);
  const page = await ctx.newPage();
  const pending: Promise<JsResource | null>[] = [];
  page.on('response', (response) => {
    const type = response.headers()['content-type'] ?? '';
    if (!/javascript|ecmascript/.test(type)) return;
    pending.push(
      (async () => {
        const body = await response.body();
        const sizes = await response.request().sizes();
        return {
          url: new URL(response.url()).pathname,
          bytes: body.length,
          gzip: gzipSync(body, { level: 9 }).length,
          transferred: sizes.responseBodySize,
        };
      })().catch(() => null),
    );
  });
  const response = await page.goto(`${webUrl}${route}`, { waitUntil: 'networkidle' });
  if (response?.status() !== 200) throw new Error(`${route} answered ${response?.status()}`);
  const files = (await Promise.all(pending)).filter((file): file is JsResource => file !== null);
  await ctx.close();
  const sum = (key: 'bytes' | 'gzip' | 'transferred') => files.reduce((total, file) => total + file[key], 0);
  return { path: route, files, bytes: sum('bytes'), gzip: sum('gzip'), transferred: sum('transferred') };
}

// Runs in the page from the very start. As soon as the parser inserts the first term row, it is marked for
// the Element Timing API, whose entry gives the time that row's text was painted (presented). Kept as a
// string: this script is type-checked without the DOM library.
const FIRST_ROW_PROBE = `(() => {
  const selector = ${JSON.stringify(ROW)};
  const mark = () => {
    const row = document.querySelector(selector);
    if (!row) return false;
    for (const element of [row, ...row.querySelectorAll('*')]) element.setAttribute('elementtiming', 'first-row');
    return true;
  };
  const observer = new MutationObserver(() => { if (mark()) observer.disconnect(); });
  observer.observe(document, { childList: true, subtree: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      if (entry.identifier === 'first-row' && window.__firstRow === undefined)
        window.__firstRow = entry.renderTime || entry.startTime;
  }).observe({ type: 'element', buffered: true });
})();`;

// What the page functions below see (they run in the page, so no helper from here may be called in them);
// typed here because this script is checked without the DOM library.
interface PageWindow {
  __firstRow?: number;
  document: { querySelectorAll(selector: string): { length: number } };
  performance: {
    getEntriesByType(type: string): { responseStart?: number }[];
    getEntriesByName(name: string): { startTime: number }[];
  };
}
async function coldLoad(
  browser: Browser,
  webUrl: string,
  route: string,
  session: { access: string; refresh: string },
): Promise<Timing> {
  const ctx = await context(browser, webUrl, session);
  await ctx.addInitScript({ content: FIRST_ROW_PROBE });
  const page = await ctx.newPage();
  const response = await page.goto(`${webUrl}${route}`, { waitUntil: 'load' });
  if (response?.status() !== 200 || new URL(page.url()).pathname !== '/terms')
    throw new Error(`${route} answered ${response?.status()} at ${page.url()} (not signed in?)`);
  // Functions, not strings: the page's CSP forbids eval, which string predicates would need.
  await page.waitForFunction(
    () => (globalThis as unknown as PageWindow).__firstRow !== undefined,
    undefined,
    { timeout: 15_000 },
  );
  // FCP is reported asynchronously; give it a moment.
  await page.waitForFunction(
    () =>
      (globalThis as unknown as PageWindow).performance.getEntriesByName('first-contentful-paint').length > 0,
    undefined,
    { timeout: 5_000 },
  );
  const timing = await page.evaluate((row) => {
    const win = globalThis as unknown as PageWindow;
    return {
      ttfb: win.performance.getEntriesByType('navigation')[0]?.responseStart ?? NaN,
      fcp: win.performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      firstRow: win.__firstRow ?? NaN,
      rows: win.document.querySelectorAll(row).length,
    };
  }, ROW);
  await ctx.close();
  return timing;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

function summarise(runs: Timing[], p: number): Timing {
  const pick = (key: keyof Timing) =>
    percentile(
      runs.map((run) => run[key]),
      p,
    );
  return { ttfb: pick('ttfb'), fcp: pick('fcp'), firstRow: pick('firstRow'), rows: pick('rows') };
}

async function measureRender(
  browser: Browser,
  webUrl: string,
  route: string,
  session: { access: string; refresh: string },
): Promise<RenderReport> {
  // One discarded load first: the first request after start-up pays the servers' warm-up.
  await coldLoad(browser, webUrl, route, session);
  const runs: Timing[] = [];
  for (let run = 1; run <= RUNS; run++) {
    runs.push(await coldLoad(browser, webUrl, route, session));
  }
  log(`${route}: median first row ${summarise(runs, 50).firstRow.toFixed(0)} ms over ${RUNS} cold loads`);
  return {
    path: route,
    runs,
    median: summarise(runs, 50),
    min: summarise(runs, 0),
    max: summarise(runs, 100),
  };
}

// ---- report ----------------------------------------------------------------------------------------

function gitCommit(): string {
  return gitCommitOf(repoRoot);
}

const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(0)} ms` : 'n/a');
const mark = (ok: boolean) => (ok ? '✅' : '❌');

interface Report {
  date: string;
  commit: string;
  machine: string;
  chromium: string;
  node: string;
  js: JsReport[];
  render: RenderReport[];
  loadBefore: number[];
  loadAfter: number[];
}

function verdicts(report: Report): { label: string; measured: string; ok: boolean }[] {
  const login = report.js.find((item) => item.path === '/login')!;
  return [
    {
      label: `JavaScript for \`/login\` ≤ ${kB(TARGETS.loginJsGzipBytes)} gzip`,
      measured: `${kB(login.gzip)} gzip (${kB(login.bytes)} raw, ${kB(login.transferred)} transferred)`,
      ok: login.gzip <= TARGETS.loginJsGzipBytes,
    },
    ...report.render.map((item) => ({
      label: `\`${item.path}\` first render ≤ ${TARGETS.termsFirstRenderMs.toLocaleString('en')} ms (median first term row visible)`,
      measured: `${ms(item.median.firstRow)} (FCP ${ms(item.median.fcp)})`,
      ok: item.median.firstRow <= TARGETS.termsFirstRenderMs && item.median.fcp <= TARGETS.termsFirstRenderMs,
    })),
  ];
}

function renderMarkdown(report: Report): string {
  const lines: string[] = [];
  lines.push('# Web app benchmark', '');
  lines.push(
    'Generated by `npm run bench:web` (`bench/web.ts`); rerun it rather than editing this file.',
    'Every figure below was measured in the run described here, on a shared machine: compare runs with care.',
    '',
  );
  lines.push('## Verdict', '', '| Target | Measured | Verdict |', '| --- | --- | --- |');
  for (const verdict of verdicts(report))
    lines.push(`| ${verdict.label} | ${verdict.measured} | ${mark(verdict.ok)} |`);
  lines.push('');

  lines.push('## JavaScript shipped', '');
  lines.push(
    'Every JavaScript response of one page load in a fresh context (empty cache) until the network is idle:',
    '`raw` is the decoded body, `gzip` that body through `zlib.gzipSync` (level 9), `transferred` what went',
    'over the wire (the server sends its precompressed brotli files when the browser accepts them).',
    '',
    '| Page | files | raw | gzip | transferred |',
    '| --- | ---: | ---: | ---: | ---: |',
  );
  for (const item of report.js)
    lines.push(
      `| \`${item.path}\`${item.path === '/terms' ? ' (signed in)' : ''} | ${item.files.length} | ${kB(item.bytes)} | ${kB(item.gzip)} | ${kB(item.transferred)} |`,
    );
  for (const item of report.js) {
    lines.push('', `<details><summary>Files of <code>${item.path}</code></summary>`, '');
    lines.push('| File | raw | gzip | transferred |', '| --- | ---: | ---: | ---: |');
    for (const file of [...item.files].sort((a, b) => b.gzip - a.gzip))
      lines.push(`| \`${file.url}\` | ${kB(file.bytes)} | ${kB(file.gzip)} | ${kB(file.transferred)} |`);
    lines.push('', '</details>');
  }
  lines.push('');

  lines.push(`## First render of the term list (${TERMS.toLocaleString('en')} terms in the database)`, '');
  lines.push(
    `Signed in, ${RUNS} cold loads each (a new browser context every time: no cache, no open connection),`,
    'after one discarded warm-up load. Times from navigation start: `TTFB` to the first byte of the HTML,',
    '`FCP` to the first contentful paint, `first row` to the paint of the first term row (Element Timing',
    'API: the row is marked `elementtiming` as soon as the HTML parser inserts it).',
    '',
    '| Page | rows | TTFB (median) | FCP (median) | first row (median) | first row (min – max) |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const item of report.render)
    lines.push(
      `| \`${item.path}\` | ${item.median.rows} | ${ms(item.median.ttfb)} | ${ms(item.median.fcp)} | ${ms(item.median.firstRow)} | ${ms(item.min.firstRow)} – ${ms(item.max.firstRow)} |`,
    );
  lines.push('');

  lines.push('## Run', '', '| | |', '| --- | --- |');
  lines.push(`| Date | ${report.date} |`);
  lines.push(`| Commit | ${report.commit} |`);
  lines.push(`| Machine | ${report.machine} |`);
  lines.push(
    `| Load average (1/5/15 min) | before ${report.loadBefore.map((value) => value.toFixed(2)).join(' / ')}, after ${report.loadAfter.map((value) => value.toFixed(2)).join(' / ')} |`,
  );
  lines.push(`| Browser | Chromium ${report.chromium} (Debian package, headless, playwright-core) |`);
  lines.push(`| Node.js | ${report.node} |`);
  lines.push(
    `| Stack | production build of the web app (\`node frontend/build/index.js\`), API in production mode, throwaway local PostgreSQL; all on this machine, over loopback |`,
  );
  lines.push(`| Data | ${TERMS.toLocaleString('en')} synthetic terms created through the API |`);
  lines.push('');
  return lines.join('\n');
}

// ---- main ------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const loadBefore = os.loadavg();
  ensureChromium(log);
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  const cleanUp = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    browser = undefined;
    await stack?.stop();
    stack = undefined;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      log(`${signal}: stopping what was started`);
      void cleanUp().finally(() => process.exit(130));
    });

  try {
    stack = await startStack({ log, build: true });
    const session = await seed(stack);
    browser = await launchChromium();
    log(`Chromium ${browser.version()}`);

    const js = [
      await measureJs(browser, stack.webUrl, '/login', null),
      await measureJs(browser, stack.webUrl, '/terms', session),
    ];
    for (const item of js) log(`${item.path}: ${item.files.length} JS files, ${kB(item.gzip)} gzip`);
    const render = [
      await measureRender(browser, stack.webUrl, '/terms', session),
      await measureRender(browser, stack.webUrl, '/terms?limit=100', session),
    ];

    const cpus = os.cpus();
    const report: Report = {
      date: new Date().toISOString(),
      commit: gitCommit(),
      machine: `${os.type()} ${os.release()} (${os.arch()}); ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}; ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
      chromium: browser.version(),
      node: process.version,
      js,
      render,
      loadBefore,
      loadAfter: os.loadavg(),
    };
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, renderMarkdown(report));

    const summary = verdicts(report)
      .map((verdict) => `  ${mark(verdict.ok)} ${verdict.label.replaceAll('`', '')}: ${verdict.measured}`)
      .join('\n');
    process.stdout.write(`\nWeb benchmark (${path.relative(repoRoot, out)})\n${summary}\n`);
  } finally {
    await cleanUp();
  }
}

await main();
