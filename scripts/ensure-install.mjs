#!/usr/bin/env node
// Runs before `npm start` and `npm test` on whatever Node the machine has (often 20), so it is plain
// JavaScript with no dependencies. It installs the workspace when node_modules is missing or older than
// the lockfile; the pinned Node 24 from the `node` devDependency then runs everything else.
import { existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lockfile = join(root, 'package-lock.json');
const installedMarker = join(root, 'node_modules', '.package-lock.json');

function needsInstall() {
  if (!existsSync(installedMarker)) return true;
  if (!existsSync(lockfile)) return false;
  return statSync(lockfile).mtimeMs > statSync(installedMarker).mtimeMs;
}

if (needsInstall()) {
  const command = existsSync(lockfile) ? 'ci' : 'install';
  console.log(`[lexikon] installing dependencies (npm ${command})…`);
  const result = spawnSync('npm', [command, '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('[lexikon] npm install failed; see the output above.');
    process.exit(result.status ?? 1);
  }
}
