import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureComposeCli } from '@lexikon/harness/containers/compose';
import { repoRoot, run } from '@lexikon/harness/containers/exec';

/**
 * deploy/compose.yaml through the real Docker Compose v2 CLI (`config` needs no engine): it must accept the
 * documented deploy/.env.example once its secrets are filled in, refuse to run — naming the variable — when
 * any required secret is missing, and render the stack the way the deployment promises.
 */

const composeFile = join(repoRoot, 'deploy/compose.yaml');
const envExample = readFileSync(join(repoRoot, 'deploy/.env.example'), 'utf8');
const REQUIRED = [
  'POSTGRES_PASSWORD',
  'NEO4J_PASSWORD',
  'JWT_SECRET',
  'METRICS_TOKEN',
  'GRAFANA_ADMIN_PASSWORD',
];
const secrets: Record<string, string> = {
  POSTGRES_PASSWORD: 'pg-Pass/with:url@chars#0123',
  NEO4J_PASSWORD: 'neo4j-pass-0123456789',
  JWT_SECRET: 'jwt-secret-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEF',
  METRICS_TOKEN: 'metrics-token-0123456789abcdef0123456789',
  GRAFANA_ADMIN_PASSWORD: 'grafana-pass-0123456789',
};

let compose: string;
let scratch: string;

beforeAll(async () => {
  compose = await ensureComposeCli();
  scratch = mkdtempSync(join(tmpdir(), 'lexikon-compose-'));
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** deploy/.env.example with the given secrets filled in (the others left as documented: empty). */
function envFile(filled: Record<string, string>): string {
  let text = envExample;
  for (const [name, value] of Object.entries(filled)) {
    const line = new RegExp(`^${name}=.*$`, 'm');
    expect(text, `deploy/.env.example documents ${name}`).toMatch(line);
    text = text.replace(line, `${name}=${value}`);
  }
  const file = join(scratch, `env-${Object.keys(filled).length}-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, text);
  return file;
}

/** `docker compose config …` with nothing from this process's environment (no stray secret helps it pass). */
function composeConfig(env: string, ...args: string[]) {
  return run(compose, ['--file', composeFile, '--env-file', env, 'config', ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: scratch },
    timeoutMs: 60_000,
  });
}

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string | null>;
  ports?: { host_ip?: string; target: number; published: string }[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
  volumes?: { type: string; source: string; target: string; read_only?: boolean }[];
  secrets?: { source: string; target: string }[];
  networks?: Record<string, unknown>;
  read_only?: boolean;
  cap_drop?: string[];
}
interface Project {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
  networks: Record<string, { internal?: boolean }>;
  secrets: Record<string, { environment?: string; file?: string }>;
}

describe('docker compose config', () => {
  it('accepts deploy/.env.example once its required secrets are set', async () => {
    const result = await composeConfig(envFile(secrets), '--quiet');
    expect(result.stderr.trim()).toBe('');
    expect(result.code).toBe(0);
  });

  it.each(REQUIRED)('refuses to run without %s, and says which variable is missing', async (name) => {
    const result = await composeConfig(
      envFile(Object.fromEntries(Object.entries(secrets).filter(([key]) => key !== name))),
      '--quiet',
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`required variable ${name} is missing a value`);
    expect(result.stderr).toContain('deploy/.env');
  });

  it('documents in deploy/.env.example every variable the compose file reads', () => {
    const used = new Set(
      [...readFileSync(composeFile, 'utf8').matchAll(/\$\{([A-Z0-9_]+)/g)].map((match) => match[1]!),
    );
    for (const secret of Object.values(readProjectSecretsEnvironment())) used.add(secret);
    const documented = new Set([...envExample.matchAll(/^([A-Z0-9_]+)=/gm)].map((match) => match[1]!));
    expect([...used].filter((name) => !documented.has(name))).toEqual([]);
    // And ships no secret: every required one is empty in the example.
    for (const name of REQUIRED) expect(envExample).toMatch(new RegExp(`^${name}=$`, 'm'));
  });

  describe('the rendered stack', () => {
    let project: Project;
    beforeAll(async () => {
      const result = await composeConfig(envFile(secrets), '--format', 'json');
      expect(result.code, result.stderr).toBe(0);
      project = JSON.parse(result.stdout) as Project;
    });

    it('has the six services, each with a healthcheck, started in health order', () => {
      expect(Object.keys(project.services).sort()).toEqual([
        'backend',
        'frontend',
        'grafana',
        'neo4j',
        'postgres',
        'prometheus',
      ]);
      for (const [name, service] of Object.entries(project.services)) {
        expect(service.healthcheck?.disable, name).not.toBe(true);
        expect(service.healthcheck?.test?.length, `${name} has a healthcheck`).toBeGreaterThan(1);
        for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
          expect(project.services[dependency], `${name} depends on ${dependency}`).toBeDefined();
          expect(condition, `${name} → ${dependency}`).toBe('service_healthy');
        }
      }
      expect(Object.keys(project.services.backend!.depends_on!).sort()).toEqual(['neo4j', 'postgres']);
      expect(Object.keys(project.services.frontend!.depends_on!)).toEqual(['backend']);
    });

    it('publishes only the web app and Grafana, on the loopback interface', () => {
      const published = Object.entries(project.services).filter(
        ([, service]) => (service.ports ?? []).length > 0,
      );
      expect(published.map(([name]) => name).sort()).toEqual(['frontend', 'grafana']);
      for (const [, service] of published)
        for (const port of service.ports!) expect(port.host_ip).toBe('127.0.0.1');
      // The databases sit on an internal network the web app and the monitoring cannot reach.
      expect(project.networks.data?.internal).toBe(true);
      for (const name of ['postgres', 'neo4j'])
        expect(Object.keys(project.services[name]!.networks!)).toEqual(['data']);
      for (const name of ['frontend', 'prometheus', 'grafana'])
        expect(Object.keys(project.services[name]!.networks!)).not.toContain('data');
    });

    it('keeps data in named volumes', () => {
      const mounts = (name: string) =>
        project.services[name]!.volumes!.filter((volume) => volume.type === 'volume');
      expect(mounts('postgres').map((volume) => volume.target)).toEqual(['/var/lib/postgresql/data']);
      expect(mounts('neo4j').map((volume) => volume.target)).toEqual(['/data']);
      expect(mounts('prometheus').map((volume) => volume.target)).toEqual(['/prometheus']);
      expect(mounts('grafana').map((volume) => volume.target)).toEqual(['/var/lib/grafana']);
      for (const name of ['postgres', 'neo4j', 'prometheus', 'grafana'])
        for (const volume of mounts(name)) expect(project.volumes).toHaveProperty(volume.source);
    });

    it('wires every secret from the environment, and no default password', () => {
      const text = readFileSync(composeFile, 'utf8');
      expect(text).not.toMatch(/^version:/m);
      expect(text).not.toMatch(/dev-secret|admin\/admin|GF_SECURITY_ADMIN_PASSWORD: admin\b/);
      const backend = project.services.backend!.environment!;
      expect(backend.JWT_SECRET).toBe(secrets.JWT_SECRET);
      expect(backend.METRICS_TOKEN).toBe(secrets.METRICS_TOKEN);
      expect(backend.NEO4J_PASSWORD).toBe(secrets.NEO4J_PASSWORD);
      // The database password stays out of the URL (no encoding pitfalls, not in logged URLs).
      expect(backend.PGPASSWORD).toBe(secrets.POSTGRES_PASSWORD);
      expect(backend.DATABASE_URL).toBe('postgres://lexikon@postgres:5432/lexikon');
      expect(project.services.postgres!.environment!.POSTGRES_PASSWORD).toBe(secrets.POSTGRES_PASSWORD);
      expect(project.services.neo4j!.environment!.NEO4J_AUTH).toBe(`neo4j/${secrets.NEO4J_PASSWORD}`);
      expect(project.services.grafana!.environment!.GF_SECURITY_ADMIN_PASSWORD).toBe(
        secrets.GRAFANA_ADMIN_PASSWORD,
      );
      expect(backend).toMatchObject({
        NODE_ENV: 'production',
        NEO4J_URI: 'bolt://neo4j:7687',
        NEO4J_USER: 'neo4j',
        GRAPH_ENGINE: 'postgres',
        API_WORKERS: 'auto',
      });
      // Neo4j reads every NEO4J_* variable as a setting and stops on unknown ones.
      for (const name of Object.keys(project.services.neo4j!.environment!))
        expect(name === 'NEO4J_AUTH' || /^NEO4J_(server|dbms|db|initial)_/.test(name), name).toBe(true);
    });

    it('hands Prometheus the metrics token where prometheus.yml reads it, and points it at the API', () => {
      const scrape = readFileSync(join(repoRoot, 'deploy/prometheus/prometheus.yml'), 'utf8');
      const credentialsFile = /credentials_file:\s*(\S+)/.exec(scrape)?.[1];
      const target = /targets:\s*\['([^']+)'\]/.exec(scrape)?.[1];
      const prometheus = project.services.prometheus!;
      expect(prometheus.secrets).toEqual([{ source: 'metrics_token', target: credentialsFile }]);
      expect(project.secrets.metrics_token).toEqual(
        expect.objectContaining({ environment: 'METRICS_TOKEN' }),
      );
      expect(target).toBe(`backend:${project.services.backend!.environment!.PORT}`);
      const config = prometheus.volumes!.find((volume) => volume.target === '/etc/prometheus/prometheus.yml');
      expect(config?.source).toBe(join(repoRoot, 'deploy/prometheus/prometheus.yml'));
    });

    it('provisions Grafana from the repository and reaches Prometheus by its service name', () => {
      const provisioning = project.services.grafana!.volumes!.find(
        (volume) => volume.target === '/etc/grafana/provisioning',
      );
      expect(provisioning).toMatchObject({
        source: join(repoRoot, 'deploy/grafana/provisioning'),
        read_only: true,
      });
      expect(statSync(provisioning!.source).isDirectory()).toBe(true);
      const datasource = readFileSync(
        join(repoRoot, 'deploy/grafana/provisioning/datasources/prometheus.yml'),
        'utf8',
      );
      expect(datasource).toContain('url: http://prometheus:9090');
    });

    it('builds the API and the web app from the repository, and runs them read-only without capabilities', () => {
      for (const name of ['backend', 'frontend']) {
        const service = project.services[name]!;
        expect(service.build).toEqual({
          context: repoRoot.replace(/\/$/, ''),
          dockerfile: `deploy/${name}.Dockerfile`,
        });
        expect(statSync(join(repoRoot, service.build!.dockerfile)).isFile()).toBe(true);
        expect(service.read_only).toBe(true);
        expect(service.cap_drop).toEqual(['ALL']);
      }
      expect(project.services.frontend!.environment!.LEXIKON_API_URL).toBe(
        `http://backend:${project.services.backend!.environment!.PORT}`,
      );
    });
  });
});

/** Variables named by `secrets: <name>: environment: VAR` (not `${VAR}` references). */
function readProjectSecretsEnvironment(): Record<string, string> {
  const block = /^secrets:\n((?:\s+.*\n?)*)/m.exec(readFileSync(composeFile, 'utf8'))?.[1] ?? '';
  return Object.fromEntries(
    [...block.matchAll(/^\s+(\w+):\n\s+environment:\s*(\w+)/gm)].map((match) => [match[1]!, match[2]!]),
  );
}
