import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgresCluster, type PostgresCluster } from '@lexikon/harness/postgres-cluster';
import { freeLoopbackPort } from '@lexikon/harness/ports';
import { consoleLog, formatDuration, repoRoot } from '@lexikon/harness/containers/exec';
import { baseImagesOf } from '@lexikon/harness/containers/base-image';
import { buildImage, IMAGES, megabytes, type BuiltImage } from '@lexikon/harness/containers/images';
import { preparePodman, type Podman } from '@lexikon/harness/containers/podman';

/**
 * Smoke test of the real images: both are built with Podman from deploy/*.Dockerfile (on a stand-in for
 * the Node base image, since no registry is reachable), then run as Compose runs them (read-only, no
 * capabilities, no privilege escalation) on the host network against a throwaway PostgreSQL that demands
 * a password, as the compose file's database does. Two API replicas start at once on an empty database
 * (the migration lock), an administrator is created with the CLI inside the container (as the README says),
 * and a sign-in through the web app's container lands on an authenticated page.
 */

const availability = await preparePodman();
if (!availability.ok) console.warn(`[containers] SKIPPED: Podman cannot run here: ${availability.reason}`);

const run = `lexikon-smoke-${process.pid}`;
const names = { replicaA: `${run}-api-a`, replicaB: `${run}-api-b`, web: `${run}-web` };
const DATABASE = 'lexikon_smoke';
const ROLE = 'lexikon';
const ADMIN = { email: 'admin@example.org', password: 'Container-Admin-Passphrase-1' };
const secrets = {
  PGPASSWORD: randomBytes(18).toString('base64url'),
  JWT_SECRET: randomBytes(48).toString('base64'),
  METRICS_TOKEN: randomBytes(24).toString('hex'),
};
// As deploy/compose.yaml runs the API and the web app.
const HARDENED = ['--read-only', '--tmpfs', '/tmp', '--cap-drop=all', '--security-opt=no-new-privileges'];
// Podman 4.3 schedules healthchecks with systemd timers, absent here; `podman healthcheck run` still works.
const NO_HEALTH_TIMER = ['--health-interval=disable'];

describe.skipIf(!availability.ok)('the container images, built and run with Podman', () => {
  const podman = (availability as { podman: Podman }).podman;
  let cluster: PostgresCluster;
  let images: { backend: BuiltImage; frontend: BuiltImage };
  let apiPorts: [number, number];
  let webPort: number;
  const api = (index: 0 | 1 = 0) => `http://127.0.0.1:${apiPorts[index]}`;
  const web = () => `http://127.0.0.1:${webPort}`;

  /** Kills whatever this run started, even when the test process dies (synchronous, for 'exit'). */
  const removeContainersSync = () =>
    spawnSync('podman', ['rm', '--force', '--ignore', ...Object.values(names)], {
      env: podman.env,
      stdio: 'ignore',
    });

  beforeAll(async () => {
    process.on('exit', removeContainersSync);
    const started = performance.now();
    cluster = await startPostgresCluster({ log: consoleLog });
    const backend = await buildImage(podman, 'backend');
    const frontend = await buildImage(podman, 'frontend');
    images = { backend, frontend };
    consoleLog(
      `images: backend ${megabytes(backend.sizeBytes)} (build ${formatDuration(backend.buildMs)}), ` +
        `frontend ${megabytes(frontend.sizeBytes)} (build ${formatDuration(frontend.buildMs)}); ` +
        `setup ${formatDuration(performance.now() - started)}`,
    );
    await createPasswordProtectedDatabase(cluster);
    apiPorts = [await freeLoopbackPort(), await freeLoopbackPort()];
    webPort = await freeLoopbackPort();
  });

  afterAll(async () => {
    if (podman) await podman.run(['rm', '--force', '--ignore', '--time', '5', ...Object.values(names)]);
    process.off('exit', removeContainersSync);
    await cluster?.stop();
  });

  /** `podman run --detach` as compose.yaml runs the service: hardened, host network, the given environment. */
  function runContainer(
    name: string,
    image: string,
    environment: string[],
    secretValues: Record<string, string> = {},
  ) {
    const args = ['run', '--detach', `--name=${name}`, '--network=host', ...HARDENED, ...NO_HEALTH_TIMER];
    for (const variable of environment) args.push(`--env=${variable}`);
    return podman.runChecked([...args, image], { env: secretValues, timeoutMs: 60_000 });
  }

  /** The API with the environment compose.yaml gives it; the database is reached on the host network. */
  function startApi(name: string, port: number, workers: string) {
    return runContainer(
      name,
      images.backend.tag,
      [
        'HOST=127.0.0.1',
        `PORT=${port}`,
        `API_WORKERS=${workers}`,
        `DATABASE_URL=postgres://${ROLE}@127.0.0.1:${cluster.port}/${DATABASE}`,
        // Bare names: podman copies the values from its own environment, so secrets stay off its command line.
        ...Object.keys(secrets),
      ],
      secrets,
    );
  }

  it('get a build context of sources and manifests only (/.dockerignore)', async () => {
    // What a build sees: the repository root through .dockerignore, copied whole into a throwaway image.
    const probeDir = mkdtempSync(join(tmpdir(), 'lexikon-context-'));
    const probe = `localhost/${run}-context:probe`;
    try {
      const probeFile = join(probeDir, 'Probe.Dockerfile');
      writeFileSync(probeFile, `FROM ${baseImagesOf(IMAGES.backend.dockerfile)[0]}\nCOPY . /context\n`);
      await podman.runChecked(
        ['build', '--pull=never', '--network=none', '-f', probeFile, '-t', probe, repoRoot],
        {
          timeoutMs: 300_000,
        },
      );
      const listing = await podman.runChecked([
        'run',
        '--rm',
        '--network=none',
        probe,
        'find',
        '/context',
        '-type',
        'f',
      ]);
      const files = listing.stdout
        .trim()
        .split('\n')
        .map((path) => path.replace(/^\/context\//, ''));
      const allowed =
        /^(package(-lock)?\.json|(contracts|backend|frontend)\/package\.json|contracts\/src\/|backend\/(src|drizzle)\/|frontend\/(src\/|static\/|server\.js$|vite\.config\.ts$|tsconfig\.json$))/;
      expect(files.filter((file) => !allowed.test(file))).toEqual([]);
      expect(
        files.filter((file) =>
          /(^|\/)(node_modules|\.git|\.svelte-kit|data|test)\/|\.env$|\.test\.ts$/.test(file),
        ),
      ).toEqual([]);
      for (const needed of [
        'package-lock.json',
        'backend/src/main.ts',
        'contracts/src/auth.ts',
        'frontend/server.js',
      ])
        expect(files).toContain(needed);
    } finally {
      await podman.run(['rmi', '--force', probe]);
      rmSync(probeDir, { recursive: true, force: true });
    }
  });

  it('are non-root, production-only images with a healthcheck and a stop signal', async () => {
    for (const image of [images.backend, images.frontend]) {
      const { stdout } = await podman.runChecked(['image', 'inspect', image.tag, '--format', 'json']);
      // Podman reports the Docker-format HEALTHCHECK beside the OCI config, which has no such field.
      const [{ Config: config, Healthcheck: healthcheck }] = JSON.parse(stdout) as [
        { Config: { User: string; StopSignal: string; Env: string[] }; Healthcheck?: { Test: string[] } },
      ];
      expect(config.User, image.tag).toBe('1000:1000');
      expect(config.StopSignal, image.tag).toBe('SIGTERM');
      expect(config.Env, image.tag).toContain('NODE_ENV=production');
      expect(healthcheck?.Test.join(' '), image.tag).toMatch(/^CMD node -e fetch\(/);
    }
    // No dev dependency (of the root or of the workspace), test, local file or build-time secret made it in.
    const absent = {
      backend: ['vitest', 'drizzle-kit', 'autocannon', 'oidc-provider']
        .map((name) => `/app/node_modules/${name}`)
        .concat('/app/backend/test', '/app/bench', '/app/harness'),
      frontend: ['vitest', 'playwright-core', 'svelte-check', '@axe-core/playwright']
        .map((name) => `/app/node_modules/${name}`)
        .concat('/app/frontend/src', '/app/frontend/test'),
    };
    const everywhere = [
      '/app/node_modules/node',
      '/app/node_modules/eslint',
      '/app/.env',
      '/app/.git',
      '/run/secrets/ca-certificates',
    ];
    for (const [name, image] of Object.entries(images) as ['backend' | 'frontend', BuiltImage][]) {
      const paths = [...absent[name], ...everywhere];
      const probe = `${paths.map((path) => `test -e ${path} && echo ${path}`).join('; ')}; true`;
      const found = await podman.runChecked(['run', '--rm', '--network=none', image.tag, 'sh', '-c', probe]);
      expect(found.stdout.trim(), `present in ${image.tag}`).toBe('');
    }
  });

  it('start two API replicas at once on an empty database: both migrate safely and become ready', async () => {
    // Replica A as compose.yaml runs it (one process per core); B as a single process.
    await Promise.all([
      startApi(names.replicaA, apiPorts[0], 'auto'),
      startApi(names.replicaB, apiPorts[1], '1'),
    ]);
    for (const index of [0, 1] as const) {
      const status = await until(
        () => fetch(`${api(index)}/ready`).then((response) => response.status),
        200,
        120_000,
      );
      expect(status, await logs(index === 0 ? names.replicaA : names.replicaB)).toBe(200);
    }
    const journal = JSON.parse(
      readFileSync(join(repoRoot, 'backend/drizzle/meta/_journal.json'), 'utf8'),
    ) as { entries: unknown[] };
    const client = new pg.Client({ connectionString: cluster.url.replace(/\/postgres$/, `/${DATABASE}`) });
    await client.connect();
    try {
      const { rows } = await client.query<{ count: string }>(
        'SELECT count(*) FROM drizzle.__drizzle_migrations',
      );
      expect(Number(rows[0]!.count)).toBe(journal.entries.length);
    } finally {
      await client.end();
    }
    // The image's own HEALTHCHECK passes, and the server runs as the unprivileged user.
    expect((await podman.run(['healthcheck', 'run', names.replicaA])).code).toBe(0);
    expect((await podman.runChecked(['exec', names.replicaA, 'id', '-u'])).stdout.trim()).toBe('1000');
    // Production mode: /metrics needs the token.
    expect((await fetch(`${api()}/metrics`)).status).toBe(401);
    const metrics = await fetch(`${api()}/metrics`, {
      headers: { authorization: `Bearer ${secrets.METRICS_TOKEN}` },
    });
    expect(metrics.status).toBe(200);
  });

  it('create the first administrator with the CLI inside the API container', async () => {
    const created = await podman.run(
      [
        'exec',
        '--env',
        'LEXIKON_ADMIN_PASSWORD',
        names.replicaA,
        'node',
        'backend/src/cli/main.ts',
        'create-admin',
        '--email',
        ADMIN.email,
      ],
      { env: { LEXIKON_ADMIN_PASSWORD: ADMIN.password }, timeoutMs: 60_000 },
    );
    expect(created.code, created.stderr).toBe(0);
    // Any replica signs the administrator in: one database, one JWT secret.
    const login = await fetch(`${api(1)}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    expect(login.status).toBe(200);
    const { access_token: token } = (await login.json()) as { access_token: string };
    const me = await fetch(`${api(1)}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await me.json()) as { role: string }).role).toBe('admin');
  });

  it('serve the web app from its container, and sign in through it', async () => {
    await runContainer(names.web, images.frontend.tag, [
      'HOST=127.0.0.1',
      `PORT=${webPort}`,
      `LEXIKON_API_URL=${api()}`,
    ]);
    const status = await until(
      () => fetch(`${web()}/login`).then((response) => response.status),
      200,
      60_000,
    );
    expect(status, await logs(names.web)).toBe(200);
    const page = await (await fetch(`${web()}/login`)).text();
    expect(page).toMatch(/<form[^>]+method="post"/i);
    expect((await podman.run(['healthcheck', 'run', names.web])).code).toBe(0);

    // A browser's native form post (same origin, url-encoded, asking for HTML, not SvelteKit's JSON); the
    // session comes back as HttpOnly cookies with the redirect.
    const formPost = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'text/html',
      origin: web(),
    };
    const signIn = await fetch(`${web()}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: formPost,
      body: new URLSearchParams({ email: ADMIN.email, password: ADMIN.password, next: '/profile' }),
    });
    expect(signIn.status, await signIn.clone().text()).toBe(303);
    expect(signIn.headers.get('location')).toBe('/profile');
    const cookies = signIn.headers.getSetCookie();
    expect(cookies.map((cookie) => cookie.split('=')[0]).sort()).toEqual([
      'lexikon_access',
      'lexikon_refresh',
    ]);
    for (const cookie of cookies) expect(cookie).toMatch(/HttpOnly/i);
    const profile = await fetch(`${web()}/profile`, {
      headers: { cookie: cookies.map((cookie) => cookie.split(';')[0]).join('; ') },
      redirect: 'manual',
    });
    expect(profile.status).toBe(200);
    expect(await profile.text()).toMatch(new RegExp(`data-testid="profile-email"[^>]*>${ADMIN.email}<`));

    // A wrong password is refused through the web app too.
    const refused = await fetch(`${web()}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: formPost,
      body: new URLSearchParams({ email: ADMIN.email, password: 'not-the-password-123' }),
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.getSetCookie()).toEqual([]);
  });

  it('stop gracefully on SIGTERM (exit code 0, no SIGKILL)', async () => {
    for (const name of [names.web, names.replicaB, names.replicaA]) {
      await podman.runChecked(['stop', '--time', '20', name], { timeoutMs: 60_000 });
      const { stdout } = await podman.runChecked(['inspect', name, '--format', '{{.State.ExitCode}}']);
      expect(stdout.trim(), `${name}\n${await logs(name)}`).toBe('0');
    }
  });

  async function logs(name: string): Promise<string> {
    const result = await podman.run(['logs', '--tail', '40', name]);
    return `--- podman logs ${name} ---\n${result.stdout}${result.stderr}`;
  }
});

/**
 * The compose stack's database authenticates its role by password (scram-sha-256); the throwaway cluster
 * trusts loopback connections. Make this database ask for the password, so the container proves it sends
 * the one it is given in PGPASSWORD.
 */
async function createPasswordProtectedDatabase(cluster: PostgresCluster): Promise<void> {
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  try {
    await admin.query(`CREATE ROLE ${ROLE} LOGIN PASSWORD '${secrets.PGPASSWORD}'`);
    await admin.query(`CREATE DATABASE ${DATABASE} OWNER ${ROLE}`);
    const hba = join(cluster.dataDir, 'pg_hba.conf');
    writeFileSync(hba, `host ${DATABASE} ${ROLE} 127.0.0.1/32 scram-sha-256\n${readFileSync(hba, 'utf8')}`);
    await admin.query('SELECT pg_reload_conf()');
  } finally {
    await admin.end();
  }
  // The rule bites: without the password the role is refused.
  const anonymous = new pg.Client({
    host: '127.0.0.1',
    port: cluster.port,
    user: ROLE,
    database: DATABASE,
    password: 'wrong',
  });
  await expect(anonymous.connect()).rejects.toThrow(/password authentication failed/);
}

async function until<T>(probe: () => Promise<T>, wanted: T, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe().catch(() => undefined);
    if (last === wanted) return last;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return last;
}
