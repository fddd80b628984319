import { execFileSync } from 'node:child_process';

/** The commit a benchmark ran on, flagged when the tree had uncommitted changes. */
export function gitCommit(repoRoot: string): string {
  try {
    const run = (args: string[]) =>
      execFileSync('git', args, {
        cwd: repoRoot,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    const commit = run(['rev-parse', '--short', 'HEAD']);
    return run(['status', '--porcelain']) === '' ? commit : `${commit} (with uncommitted changes)`;
  } catch {
    return 'unknown (not a git checkout?)';
  }
}
