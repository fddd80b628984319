/**
 * The real Docker Compose v2 CLI, built from source through the Go module proxy: this machine has the
 * `docker` client but no compose plugin, and Debian's docker-compose 1.29 rejects the Compose
 * Specification. `compose config` needs no engine, so it can check deploy/compose.yaml here.
 *
 * `go install github.com/docker/compose/v5/cmd@v5.6.0` refuses to build (compose's go.mod has `exclude`
 * directives, which `go install pkg@version` does not allow), so harness/src/containers/compose/ holds a
 * wrapper module: it repeats the two excludes, names compose as a `tool`, and its go.sum pins every
 * module of the build. The binary is cached under .cache/containers/bin and rebuilt when that module changes.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, commandExists, consoleLog, repoRoot, runChecked, step, type Log } from './exec.ts';

export const COMPOSE_VERSION = 'v5.6.0';
const moduleDir = join(repoRoot, 'harness/src/containers/compose');
const binary = join(cacheDir, 'bin/docker-compose');
const stampFile = `${binary}.source-sha256`;

function moduleDigest(): string {
  const hash = createHash('sha256');
  for (const file of ['go.mod', 'go.sum']) hash.update(readFileSync(join(moduleDir, file)));
  return hash.digest('hex');
}

async function goCommand(): Promise<string> {
  if (await commandExists('go')) return 'go';
  if (existsSync('/usr/local/go/bin/go')) return '/usr/local/go/bin/go';
  throw new Error(
    'Go is needed to build the Docker Compose CLI (any Go >= 1.21: it fetches the Go 1.26.8 toolchain that ' +
      'harness/src/containers/compose/go.mod asks for through the module proxy). Install it from https://go.dev/dl/.',
  );
}

/** Path of a docker-compose binary built from the pinned sources (built on first use, ~3 min). */
export async function ensureComposeCli(log: Log = consoleLog): Promise<string> {
  const digest = moduleDigest();
  if (existsSync(binary) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === digest)
    return binary;
  const go = await goCommand();
  mkdirSync(join(cacheDir, 'bin'), { recursive: true });
  await step(
    log,
    `building docker-compose ${COMPOSE_VERSION} from the Go module proxy (~3 min the first time)`,
    () =>
      runChecked(
        go,
        [
          'build',
          '-trimpath',
          '-ldflags',
          `-s -w -X github.com/docker/compose/v5/internal.Version=${COMPOSE_VERSION}`,
          '-o',
          binary,
          'github.com/docker/compose/v5/cmd',
        ],
        {
          cwd: moduleDir,
          // auto: an older Go fetches the toolchain go.mod names; readonly: go.sum must already pin everything.
          env: { ...process.env, GOTOOLCHAIN: 'auto', GOFLAGS: '-mod=readonly -buildvcs=false' },
          timeoutMs: 15 * 60_000,
        },
      ),
  );
  writeFileSync(stampFile, digest);
  return binary;
}
