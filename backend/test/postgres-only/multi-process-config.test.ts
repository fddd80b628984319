import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/platform/config.ts';
import { RestartGuard } from '../../src/platform/process/restart-guard.ts';
import { runServerExpectingFailure } from '@lexikon/harness/server-process';

/** API_WORKERS as configuration, and the guard that stops a cluster from forking in a loop. */

const production = {
  NODE_ENV: 'production',
  JWT_SECRET: 'multi-process-config-secret-0123456789-abcdefgh',
  METRICS_TOKEN: 'multi-process-config-metrics-token',
  LEXIKON_DATA_DIR: ':memory:',
};
const postgres = { DATABASE_URL: 'postgres://lexikon@127.0.0.1:5432/lexikon' };

describe('API_WORKERS', () => {
  it('defaults to one process per core in production, and to one in development and tests', () => {
    expect(loadConfig({ ...production, ...postgres }).apiWorkers).toBe(availableParallelism());
    expect(loadConfig({ ...production, ...postgres, API_WORKERS: 'auto' }).apiWorkers).toBe(
      availableParallelism(),
    );
    expect(loadConfig({ ...postgres, LEXIKON_DATA_DIR: ':memory:' }).apiWorkers).toBe(1);
    expect(loadConfig({ ...postgres, NODE_ENV: 'test', LEXIKON_DATA_DIR: ':memory:' }).apiWorkers).toBe(1);
    expect(loadConfig({ ...postgres, LEXIKON_DATA_DIR: ':memory:', API_WORKERS: '3' }).apiWorkers).toBe(3);
    expect(loadConfig({ ...postgres, LEXIKON_DATA_DIR: ':memory:', API_WORKERS: '' }).apiWorkers).toBe(1);
  });

  it('means one process on the embedded database unless more are asked for, which is refused', () => {
    expect(loadConfig(production).apiWorkers).toBe(1);
    expect(loadConfig({ ...production, API_WORKERS: 'auto' }).apiWorkers).toBe(1);
    expect(() => loadConfig({ ...production, API_WORKERS: '2' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...production, API_WORKERS: '2' })).toThrow(
      /cannot share the embedded database/,
    );
  });

  it.each(['0', 'many', '1.5', '-2'])('refuses API_WORKERS=%s, naming the variable', (value) => {
    expect(() => loadConfig({ ...production, ...postgres, API_WORKERS: value })).toThrow(/API_WORKERS/);
  });

  it('stops the server at start-up with a readable message when PGlite is asked to serve several processes', async () => {
    const { code, output } = await runServerExpectingFailure({
      LEXIKON_DATA_DIR: ':memory:',
      API_WORKERS: '2',
    });
    expect(code).toBe(78);
    expect(output).toMatch(/API_WORKERS: 2 processes cannot share the embedded database \(PGlite\)/);
    expect(output).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('the restart guard', () => {
  it('allows a few restarts in a window, refuses a storm, and allows again once the window has passed', () => {
    const guard = new RestartGuard({ maxRestarts: 3, windowMs: 60_000 });
    expect([0, 1000, 2000].map((at) => guard.tryRestart(at))).toEqual([true, true, true]);
    expect(guard.tryRestart(3000)).toBe(false);
    expect(guard.recent).toBe(3);
    expect(guard.tryRestart(60_000)).toBe(true); // the restart at 0 has left the window
    expect(guard.tryRestart(60_500)).toBe(false);
    expect(guard.tryRestart(200_000)).toBe(true);
  });
});
