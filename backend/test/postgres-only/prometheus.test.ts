import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlm, verdict, type FakeLlm } from '@lexikon/harness/fakes/llm';
import { freeLoopbackPort } from '@lexikon/harness/ports';
import { startServerProcess, type ServerProcess } from '@lexikon/harness/server-process';
import { createTestDatabaseUrl } from '../support/test-app.ts';
import { llmEnvironment } from '../support/validation-context.ts';

/**
 * The provisioning under deploy/ against a real Prometheus (Debian's package): the repository's
 * scrape config, pointed at a real API process, must scrape it with the bearer token from a file, and
 * every PromQL expression of the Grafana dashboard must return data. Grafana itself is not packaged
 * here, so its dashboard is checked structurally and through its queries.
 */

const deploy = join(dirname(fileURLToPath(import.meta.url)), '../../../deploy');
const PROMETHEUS = '/usr/bin/prometheus';
const METRICS_TOKEN = 'prometheus-test-metrics-token-0123456789';

interface Panel {
  id: number;
  title: string;
  type: string;
  datasource: { type: string; uid: string };
  gridPos: Record<string, number>;
  targets: { refId: string; expr: string; datasource: { type: string; uid: string } }[];
}
const dashboard = JSON.parse(
  readFileSync(join(deploy, 'grafana/provisioning/dashboards/lexikon.json'), 'utf8'),
) as { uid: string; title: string; panels: Panel[] };
const expressions = dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr));

let workDir: string;
let llm: FakeLlm;
let api: ServerProcess;
let prometheus: ChildProcess | undefined;
let prometheusUrl: string;
let prometheusLog = '';

function ensurePrometheus(): void {
  if (existsSync(PROMETHEUS)) return;
  if (process.getuid?.() !== 0)
    throw new Error(`${PROMETHEUS} is missing: apt-get install prometheus (as root)`);
  execFileSync('apt-get', ['update'], { stdio: 'ignore' });
  execFileSync('apt-get', ['install', '-y', 'prometheus'], {
    stdio: 'ignore',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

/** The repository's prometheus.yml, re-aimed at the test's API; each edit must apply, or the file changed shape. */
function testScrapeConfig(target: string, tokenFile: string): string {
  const original = readFileSync(join(deploy, 'prometheus/prometheus.yml'), 'utf8');
  const edits: [RegExp, string][] = [
    [/scrape_interval: 15s/, 'scrape_interval: 1s'],
    [/credentials_file: \S+/, `credentials_file: ${tokenFile}`],
    [/targets: \['backend:8000'\]/, `targets: ['${target}']`],
  ];
  return edits.reduce((text, [pattern, replacement]) => {
    expect(text).toMatch(pattern);
    return text.replace(pattern, replacement);
  }, original);
}

async function query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const response = await fetch(`${prometheusUrl}/api/v1/query?${new URLSearchParams({ query: expr })}`);
  const body = (await response.json()) as { status: string; error?: string; data?: { result: never[] } };
  if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
  return body.data!.result;
}

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined as T);
    if ((value !== undefined && done(value)) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Traffic that feeds every panel: pages, 404s, sign-ins good and bad, a rate limit, LLM validations. */
async function traffic(round: number): Promise<void> {
  const call = (path: string, init: { method?: string; body?: unknown; token?: string } = {}) =>
    fetch(`${api.baseUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  const email = `prom-${round}@example.org`;
  const password = 'Prometheus-Test-Password-1';
  await call('/api/auth/register', { method: 'POST', body: { email, password } });
  const tokens = (await (
    await call('/api/auth/login', { method: 'POST', body: { email, password } })
  ).json()) as {
    access_token: string;
  };
  for (let i = 0; i < 3; i++)
    await call('/api/auth/login', { method: 'POST', body: { email, password: 'Wrong-Password-123' } });
  for (let i = 0; i < 5; i++) await call('/health');
  await call('/no/such/page');
  const created = await call('/api/terms', {
    method: 'POST',
    token: tokens.access_token,
    body: {
      term: `Prometheus ${round}`,
      definition: 'A monitoring system that scrapes metrics.',
      domain: 'Ops',
    },
  });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const validated = await call(`/api/terms/${id}/validate`, { method: 'POST', token: tokens.access_token });
  expect(validated.status).toBe(201);
}

beforeAll(async () => {
  ensurePrometheus();
  workDir = mkdtempSync(join(tmpdir(), 'lexikon-prometheus-'));
  llm = await startFakeLlm();
  // Every verdict carries one blocking finding, so semantic-error series exist.
  llm.fallback = verdict([
    {
      type: 'wrong_domain',
      severity: 'warning',
      explanation: 'Monitoring belongs to "Operations".',
      evidence: 'Ops',
      suggestion: 'Operations',
    },
  ]);
  api = await startServerProcess({
    NODE_ENV: 'production',
    DATABASE_URL: (await createTestDatabaseUrl())!,
    JWT_SECRET: 'k3'.repeat(20) + 'ZxY9-8w7v6u5t4',
    METRICS_TOKEN,
    VALIDATION_WORKER: 'off',
    // Tight per-account limit: the failed logins of each round trip it.
    AUTH_LOGIN_LIMIT_PER_ACCOUNT: '3/60',
    ...llmEnvironment(llm.url),
  });
  await traffic(1);

  const tokenFile = join(workDir, 'metrics-token');
  writeFileSync(tokenFile, METRICS_TOKEN, { mode: 0o600 });
  const configFile = join(workDir, 'prometheus.yml');
  writeFileSync(configFile, testScrapeConfig(new URL(api.baseUrl).host, tokenFile));
  const port = await freeLoopbackPort();
  prometheusUrl = `http://127.0.0.1:${port}`;
  prometheus = spawn(
    PROMETHEUS,
    [
      `--config.file=${configFile}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--storage.tsdb.path=${join(workDir, 'data')}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  prometheus.stdout?.on('data', (chunk: Buffer) => (prometheusLog += chunk.toString()));
  prometheus.stderr?.on('data', (chunk: Buffer) => (prometheusLog += chunk.toString()));
  const ready = await until(
    () => fetch(`${prometheusUrl}/-/ready`).then((response) => response.status),
    (status) => status === 200,
    30_000,
  );
  if (ready !== 200) throw new Error(`Prometheus did not start:\n${prometheusLog}`);
}, 180_000);

afterAll(async () => {
  if (prometheus && prometheus.exitCode === null) {
    const exited = new Promise((resolve) => prometheus!.once('exit', resolve));
    prometheus.kill('SIGTERM');
    await exited;
  }
  if (api && api.child.exitCode === null) {
    api.child.kill('SIGTERM');
    await api.exited;
  }
  await llm?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('the Grafana dashboard', () => {
  it('is well formed: every panel has targets on the provisioned datasource', () => {
    const datasources = readFileSync(join(deploy, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8');
    const uid = /^\s*uid:\s*(\S+)\s*$/m.exec(datasources)?.[1];
    expect(uid).toBe('lexikon-prometheus');
    expect(dashboard.uid).toMatch(/^[\w-]{1,40}$/);
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(6);
    expect(new Set(dashboard.panels.map((panel) => panel.id)).size).toBe(dashboard.panels.length);
    for (const panel of dashboard.panels) {
      expect(panel.title).toBeTruthy();
      expect(panel.gridPos).toMatchObject({ x: expect.any(Number), y: expect.any(Number) });
      expect(panel.datasource).toEqual({ type: 'prometheus', uid });
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets) {
        expect(target.datasource.uid).toBe(uid);
        expect(target.refId).toMatch(/^[A-Z]$/);
        expect(target.expr.trim()).not.toBe('');
      }
    }
    expect(expressions).toContain(
      '100 * sum(rate(llm_semantic_errors_total[1h])) / sum(rate(llm_requests_total[1h]))',
    );
    expect(expressions).toContain('sum by (type) (increase(llm_semantic_errors_total[1h]))');
    expect(expressions).toContain('sum(rate(llm_requests_total[5m])) by (model)');
    const dashboardsYml = readFileSync(
      join(deploy, 'grafana/provisioning/dashboards/dashboards.yml'),
      'utf8',
    );
    expect(dashboardsYml).toMatch(/type: file/);
  });
});

describe('Prometheus with the repository scrape config', () => {
  it('scrapes the API with the token from credentials_file', async () => {
    const targets = await until(
      async () =>
        (
          (await (await fetch(`${prometheusUrl}/api/v1/targets`)).json()) as {
            data: { activeTargets: { health: string; lastError: string }[] };
          }
        ).data.activeTargets,
      (active) => active.length === 1 && active[0]!.health === 'up',
      30_000,
    );
    expect(targets?.[0], prometheusLog).toMatchObject({ health: 'up', lastError: '' });
  });

  it('returns data for every PromQL expression of the dashboard', async () => {
    await traffic(2);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await traffic(3);
    const empty = async () => {
      const missing: string[] = [];
      for (const expr of expressions) if ((await query(expr)).length === 0) missing.push(expr);
      return missing;
    };
    const missing = await until(empty, (list) => list.length === 0, 30_000);
    expect(missing).toEqual([]);

    // Spot-check values, not just presence.
    const percentage = await query(expressions.find((expr) => expr.startsWith('100 *'))!);
    expect(Number(percentage[0]!.value[1])).toBeGreaterThan(0);
    const byType = await query('sum by (type) (increase(llm_semantic_errors_total[1h]))');
    expect(byType.map((sample) => sample.metric.type)).toContain('wrong_domain');
    const routes = await query('sum by (route) (rate(http_requests_total[5m]))');
    expect(routes.map((sample) => sample.metric.route)).toEqual(
      expect.arrayContaining(['/health', '/api/terms/:id/validate', 'not_found']),
    );
    // The seed's own expression matches no labels and returns nothing (see the panel's description).
    expect(await query('llm_semantic_errors / llm_requests_total')).toEqual([]);
  });
});
