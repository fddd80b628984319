import { readFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';

/**
 * CPU time a process (and its reaped children) has used, in clock ticks, from /proc; null once it is
 * gone. A process that still gets CPU is making progress, however slowly a busy machine lets it.
 */
function cpuTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces), from the closing parenthesis on.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime, cutime, cstime are fields 14–17 of the whole line: 12–15 here.
    return fields.slice(11, 15).reduce((sum, value) => sum + Number(value), 0);
  } catch {
    return null;
  }
}

/**
 * A hang detector for a child process that does not race a slow machine (issue 14: fixed deadlines failed
 * under a load average of 30): it fires `onStalled` only when the process neither used CPU nor wrote any
 * output for `idleMs`. Call the returned function to feed it output and to stop it.
 */
export function watchProgress(
  child: ChildProcess,
  { idleMs, onStalled }: { idleMs: number; onStalled: () => void },
): { sawOutput(): void; stop(): void } {
  let lastProgress = Date.now();
  let lastTicks = -1;
  const timer = setInterval(() => {
    const ticks = child.pid === undefined ? null : cpuTicks(child.pid);
    if (ticks !== null && ticks !== lastTicks) {
      lastTicks = ticks;
      lastProgress = Date.now();
    }
    if (Date.now() - lastProgress > idleMs) {
      clearInterval(timer);
      onStalled();
    }
  }, 500);
  timer.unref();
  return {
    sawOutput: () => {
      lastProgress = Date.now();
    },
    stop: () => clearInterval(timer),
  };
}
