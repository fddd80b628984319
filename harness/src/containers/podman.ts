/**
 * Podman from Debian, the one container engine that runs here (there is no Docker engine): rootful, with
 * the `runc` runtime and explicit default ulimits in a CONTAINERS_CONF file (this machine's defaults make
 * crun and the inherited ulimits fail). Installed with apt-get when missing, as root.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cacheDir,
  commandExists,
  consoleLog,
  isRoot,
  run,
  runChecked,
  step,
  type Log,
  type RunOptions,
  type RunResult,
} from './exec.ts';

const PACKAGES = ['podman', 'buildah', 'runc', 'debootstrap', 'fuse-overlayfs', 'slirp4netns', 'uidmap'];
const containersConf = join(cacheDir, 'containers.conf');

export interface Podman {
  /** Environment every podman command runs with (CONTAINERS_CONF). */
  env: NodeJS.ProcessEnv;
  run(args: readonly string[], options?: RunOptions): Promise<RunResult>;
  runChecked(args: readonly string[], options?: RunOptions): Promise<RunResult>;
}

export type PodmanAvailability = { ok: true; podman: Podman } | { ok: false; reason: string };

/** Podman ready to build and run, or the precise reason it cannot run on this machine. */
export async function preparePodman(log: Log = consoleLog): Promise<PodmanAvailability> {
  if (process.platform !== 'linux')
    return { ok: false, reason: `Podman runs on Linux; this is ${process.platform}` };
  if (!isRoot())
    return {
      ok: false,
      reason:
        'the container checks use rootful Podman (root is needed to install it, to debootstrap the stand-in ' +
        'base image and to run containers on the host network); run the tests as root',
    };
  if (!(await commandExists('podman')) || !(await commandExists('debootstrap'))) await installPackages(log);

  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(
    containersConf,
    [
      '# Written by harness/src/containers/podman.ts for the container checks.',
      '[containers]',
      '# The inherited limits are refused by the runtime on this kind of machine: state them.',
      'default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]',
      '',
      '[engine]',
      '# crun fails here; runc works.',
      'runtime = "runc"',
      '',
    ].join('\n'),
  );
  const env = { ...process.env, CONTAINERS_CONF: containersConf };
  const podman: Podman = {
    env,
    run: (args, options = {}) => run('podman', args, { ...options, env: { ...env, ...options.env } }),
    runChecked: (args, options = {}) =>
      runChecked('podman', args, { ...options, env: { ...env, ...options.env } }),
  };
  const info = await podman.run(['info', '--format', '{{.Host.OCIRuntime.Name}} {{.Store.GraphDriverName}}']);
  if (info.code !== 0)
    return {
      ok: false,
      reason: `podman info fails on this machine: ${info.stderr.trim().split('\n').pop()}`,
    };
  log(`podman ready (runtime and storage: ${info.stdout.trim()})`);
  return { ok: true, podman };
}

async function installPackages(log: Log): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Another process may hold the dpkg lock (a parallel install, unattended-upgrades): wait for it.
  const apt = (args: string[]) =>
    run('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], { env, timeoutMs: 900_000 });
  await step(log, `installing ${PACKAGES.join(' ')} (apt-get)`, async () => {
    const install = ['install', '-y', '--no-install-recommends', ...PACKAGES];
    if ((await apt(install)).code === 0) return;
    // Stale or missing package lists: refresh them once and retry.
    await runChecked('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'update'], { env, timeoutMs: 600_000 });
    await runChecked('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...install], { env, timeoutMs: 900_000 });
  });
}
