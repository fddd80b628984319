/**
 * Building Lexikon's images with Podman, exactly as `docker build` would from the repository root, with
 * the base image taken from local storage (`--pull=never`: no registry is reachable) and the registry
 * of npm reached through the host's network (`--network=host`) by `npm ci`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { consoleLog, repoRoot, step, type Log } from './exec.ts';
import { baseImagesOf, ensureBaseImage } from './base-image.ts';
import type { Podman } from './podman.ts';

export const IMAGES = {
  backend: { dockerfile: join(repoRoot, 'deploy/backend.Dockerfile'), tag: 'localhost/lexikon-backend:dev' },
  frontend: {
    dockerfile: join(repoRoot, 'deploy/frontend.Dockerfile'),
    tag: 'localhost/lexikon-frontend:dev',
  },
} as const;

export type ImageName = keyof typeof IMAGES;

export interface BuiltImage {
  tag: string;
  buildMs: number;
  sizeBytes: number;
}

/**
 * The host's CA bundle, handed to `npm ci` as the Dockerfiles' optional `ca-certificates` build secret.
 * This machine reaches the npm registry through a TLS-intercepting proxy whose CA only the host trusts;
 * without it npm fails with SELF_SIGNED_CERT_IN_CHAIN. Elsewhere the bundle is simply redundant.
 */
function hostCaBundle(): string | undefined {
  return [process.env.NODE_EXTRA_CA_CERTS, '/etc/ssl/certs/ca-certificates.crt'].find(
    (file): file is string => !!file && existsSync(file),
  );
}

/** Builds one image (base image first, if missing), reusing Podman's layer cache. */
export async function buildImage(
  podman: Podman,
  name: ImageName,
  log: Log = consoleLog,
): Promise<BuiltImage> {
  const { dockerfile, tag } = IMAGES[name];
  for (const base of baseImagesOf(dockerfile)) await ensureBaseImage(podman, base, log);
  const caBundle = hostCaBundle();
  const startedAt = performance.now();
  await step(log, `podman build ${name} image (${tag})`, () =>
    podman.runChecked(
      [
        'build',
        '--pull=never',
        '--network=host',
        // The OCI image format has no HEALTHCHECK: Docker's format keeps it, as `docker build` does.
        '--format',
        'docker',
        '--layers',
        ...(caBundle ? ['--secret', `id=ca-certificates,src=${caBundle}`] : []),
        '-f',
        dockerfile,
        '-t',
        tag,
        repoRoot,
      ],
      { timeoutMs: 20 * 60_000, onLine: (line) => /STEP \d+\/\d+/.test(line) && log(`  ${name}: ${line}`) },
    ),
  );
  const buildMs = performance.now() - startedAt;
  // Every rebuild leaves untagged images behind (superseded images and layer cache), hundreds of MB each.
  // Pruning them all would throw away the layer cache of the next build too: keep the last day's.
  await podman.run(['image', 'prune', '--force', '--filter', 'until=24h'], { timeoutMs: 300_000 });
  return { tag, buildMs, sizeBytes: await imageSize(podman, tag) };
}

export async function imageSize(podman: Podman, tag: string): Promise<number> {
  const { stdout } = await podman.runChecked(['image', 'inspect', tag, '--format', '{{.Size}}']);
  return Number(stdout.trim());
}

export const megabytes = (bytes: number): string => `${(bytes / 1_000_000).toFixed(0)} MB`;
