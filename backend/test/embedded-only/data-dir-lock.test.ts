import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  acquireDataDirectoryLock,
  DataDirectoryLocked,
  lockPathOf,
  readLiveHolder,
} from '../../src/platform/database/data-dir-lock.ts';

/** The lock on an embedded data directory, on its own (the processes that use it: cli-beside-server). */
describe('the data directory lock', () => {
  let dir: string;
  let directory: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lexikon-lock-'));
    directory = join(dir, 'pglite');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const record = (fields: Record<string, unknown>) =>
    JSON.stringify({
      kind: 'server',
      pid: process.pid,
      processStart: null,
      host: hostname(),
      nonce: 'someone-else',
      acquiredAt: new Date().toISOString(),
      ...fields,
    });

  it('is exclusive while held, and free again once released', () => {
    const lock = acquireDataDirectoryLock(directory, { kind: 'server' });
    expect(() => acquireDataDirectoryLock(directory, { kind: 'cli', command: 'stats' })).toThrow(
      DataDirectoryLocked,
    );
    lock.update({ url: 'http://127.0.0.1:8000' });
    expect(readLiveHolder(directory)).toMatchObject({
      kind: 'server',
      pid: process.pid,
      url: 'http://127.0.0.1:8000',
    });
    lock.release();
    expect(existsSync(lockPathOf(directory))).toBe(false);
    acquireDataDirectoryLock(directory, { kind: 'cli' }).release();
  });

  it('takes over the lock of a process that is gone', () => {
    // A process that has exited: its pid is free (or someone else's, with another start time).
    const exited = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    writeFileSync(lockPathOf(directory), record({ pid: Number(exited.stdout.toString()) }));
    const lock = acquireDataDirectoryLock(directory, { kind: 'cli' });
    expect(JSON.parse(readFileSync(lockPathOf(directory), 'utf8')).nonce).toBe(lock.record.nonce);
    lock.release();
  });

  it('takes over a lock whose pid now belongs to another process (a recycled pid)', () => {
    writeFileSync(lockPathOf(directory), record({ processStart: '1' }));
    acquireDataDirectoryLock(directory, { kind: 'cli' }).release();
  });

  it('refuses while a live process holds it, naming it', () => {
    writeFileSync(lockPathOf(directory), record({ kind: 'cli', command: 'import' }));
    expect(() => acquireDataDirectoryLock(directory, { kind: 'server' })).toThrow(
      `The data directory ${directory} is in use by the command \`lexikon import\` (PID ${process.pid}).`,
    );
  });

  it('waits for a lock being written, but not for one left unreadable long ago', () => {
    writeFileSync(lockPathOf(directory), '{"kind":');
    expect(() => acquireDataDirectoryLock(directory, { kind: 'cli' })).toThrow(DataDirectoryLocked);
    const longAgo = new Date(Date.now() - 60_000);
    utimesSync(lockPathOf(directory), longAgo, longAgo);
    acquireDataDirectoryLock(directory, { kind: 'cli' }).release();
  });

  it('never removes a lock it no longer holds', () => {
    const lock = acquireDataDirectoryLock(directory, { kind: 'server' });
    writeFileSync(lockPathOf(directory), record({ nonce: 'the-next-owner' }));
    lock.release();
    expect(existsSync(lockPathOf(directory))).toBe(true);
  });
});
