import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { trackReliability } from '@lexikon/harness/reliability/records';
import { expectLogsFreeOfSecrets, LogWatch } from '@lexikon/harness/reliability/logs';
import { signUp, startProductionServer, type ProductionServer } from '@lexikon/harness/reliability/server';
import { createTestContext, createTestDatabaseUrl, testDatabaseKind } from '../support/test-app.ts';

// Real processes on a shared 2-core machine: generous deadlines, only to detect a hang.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

// What a production deployment shows the outside: security headers, CORS for the configured origin
// only, no debug route, metrics behind their token. Checked on the real entry point in its own process.
const ALLOWED_ORIGIN = 'https://lexikon.example';
let server: ProductionServer;
let dataDir: string | undefined;
const logs = new LogWatch();

beforeAll(async () => {
  let database: Record<string, string>;
  if (testDatabaseKind() === 'postgres') database = { DATABASE_URL: (await createTestDatabaseUrl())! };
  else {
    dataDir = mkdtempSync(join(tmpdir(), 'lexikon-surface-'));
    database = { LEXIKON_DATA_DIR: dataDir };
  }
  server = await startProductionServer({ ...database, CORS_ORIGINS: ALLOWED_ORIGIN }, { watch: logs });
});
afterAll(async () => {
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('a production server, seen from outside', () => {
  it('sends the security headers on data, on problems and on the docs; HSTS only when configured', async () => {
    const record = await trackReliability({
      id: 'control-api-headers',
      kind: 'control',
      title: 'Security headers on the API (HSTS when configured for TLS)',
      injected:
        'Requests for data (200), for a problem (401) and for the docs UI to a production server; then HSTS=true',
      expected:
        "CSP with default-src 'none' and frame-ancestors 'none', X-Content-Type-Options nosniff, Referrer-Policy no-referrer on each; Strict-Transport-Security only with HSTS=true",
    });
    const user = await signUp(server.baseUrl, 'surface');
    logs.secret('password', user.password);
    logs.secret('access token', user.accessToken);
    logs.secret('refresh token', user.refreshToken);
    const responses = {
      data: await server.call('/api/terms', { token: user.accessToken }),
      problem: await server.call('/api/terms'),
      docs: await server.call('/docs/'),
    };
    expect(responses.data.status).toBe(200);
    expect(responses.problem.status).toBe(401);
    expect(responses.docs.status).toBe(200);
    const missing: string[] = [];
    for (const [label, response] of Object.entries(responses)) {
      record.add('responses checked');
      const csp = response.headers.get('content-security-policy') ?? '';
      const checks = {
        "CSP default-src 'none'": csp.includes("default-src 'none'"),
        "CSP frame-ancestors 'none'": csp.includes("frame-ancestors 'none'"),
        'X-Content-Type-Options': response.headers.get('x-content-type-options') === 'nosniff',
        'Referrer-Policy': response.headers.get('referrer-policy') === 'no-referrer',
        'no HSTS over plain http': response.headers.get('strict-transport-security') === null,
      };
      for (const [check, ok] of Object.entries(checks)) if (!ok) missing.push(`${label}: ${check}`);
    }
    const tls = await createTestContext({ HSTS: 'true' });
    const hsts = (await tls.app.inject('/health')).headers['strict-transport-security'];
    await tls.close();
    record.set('headers missing', missing.length);
    record.observe(
      missing.length === 0
        ? `CSP (default-src and frame-ancestors 'none'), nosniff and no-referrer on data, problem and docs responses; HSTS absent by default, "${hsts}" with HSTS=true`
        : `missing: ${missing.join('; ')}`,
    );
    expect(missing).toEqual([]);
    expect(hsts).toBe('max-age=31536000; includeSubDomains');
  });

  it('answers CORS for the configured origin only', async () => {
    const record = await trackReliability({
      id: 'control-cors',
      kind: 'control',
      title: 'CORS only for configured origins',
      injected: `Preflights and simple requests from ${ALLOWED_ORIGIN} (configured) and from two other origins`,
      expected: 'Access-Control-Allow-Origin echoed for the configured origin only, never *',
    });
    const preflight = (origin: string) =>
      server.call('/api/terms', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization',
        },
      });
    const simple = (origin: string) => server.call('/api/stats', { headers: { origin } });
    const allowed = [await preflight(ALLOWED_ORIGIN), await simple(ALLOWED_ORIGIN)];
    const foreign = [
      await preflight('https://evil.example'),
      await simple('https://evil.example'),
      await preflight('https://lexikon.example.evil.example'),
      await simple('null'),
    ];
    const allowOrigin = (response: { headers: Headers }) =>
      response.headers.get('access-control-allow-origin');
    record.set('requests', allowed.length + foreign.length);
    record.set(
      'allowed for the configured origin',
      allowed.filter((r) => allowOrigin(r) === ALLOWED_ORIGIN).length,
    );
    record.set('allowed for another origin', foreign.filter((r) => allowOrigin(r) !== null).length);
    record.observe(
      `configured origin: ${allowed.map(allowOrigin).join(', ')}; others: ${foreign.map((r) => allowOrigin(r) ?? 'none').join(', ')}`,
    );
    for (const response of allowed) {
      expect(allowOrigin(response)).toBe(ALLOWED_ORIGIN);
      expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    }
    for (const response of foreign) expect(allowOrigin(response)).toBeNull();
  });

  it('has no debug route, and keeps /metrics behind its token', async () => {
    const record = await trackReliability({
      id: 'control-debug-routes',
      kind: 'control',
      title: 'Debug routes absent in production; metrics behind their token',
      injected:
        'GET /debug/error and GET /metrics (without, and with a user’s token) on a production server without DEBUG_ROUTES',
      expected: '404 problem for /debug/error; 401 for /metrics without the metrics token',
    });
    const user = await signUp(server.baseUrl, 'debugger');
    logs.secret('password', user.password);
    logs.secret('access token', user.accessToken);
    const debug = await server.call('/debug/error', { token: user.accessToken });
    const metrics = await server.call('/metrics');
    const metricsWithUserToken = await server.call('/metrics', { token: user.accessToken });
    record.set('requests', 3);
    record.observe(
      `/debug/error → ${debug.status} ${String(debug.body.code)}; /metrics → ${metrics.status}, with a user's token ${metricsWithUserToken.status}`,
    );
    expect(debug.status).toBe(404);
    expect(debug.headers.get('content-type')).toMatch(/problem\+json/);
    expect(metrics.status).toBe(401);
    expect(metricsWithUserToken.status).toBe(401);
    expect(server.output()).not.toContain('Debug error: raised on purpose');
  });

  it('leaks no password or token into the server log', async () => {
    await expectLogsFreeOfSecrets(logs, `production-surface-${testDatabaseKind()}`);
  });
});
