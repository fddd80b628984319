import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { watchProgress } from '@lexikon/harness/progress-watchdog';

describe('the progress watchdog of the process tests', () => {
  it('fires for a process that neither uses CPU nor writes, not for one that is busy', async () => {
    const idle = spawn('sleep', ['30']);
    const busy = spawn(process.execPath, ['-e', 'const end = Date.now() + 4000; while (Date.now() < end);']);
    const fired: string[] = [];
    const watchers = [
      watchProgress(idle, { idleMs: 1500, onStalled: () => fired.push('idle') }),
      watchProgress(busy, { idleMs: 1500, onStalled: () => fired.push('busy') }),
    ];
    try {
      await sleep(3500);
      expect(fired).toEqual(['idle']);
    } finally {
      for (const watcher of watchers) watcher.stop();
      idle.kill('SIGKILL');
      busy.kill('SIGKILL');
    }
  });
});
