import { randomBytes } from 'node:crypto';
import {
  closeSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';

/**
 * An exclusive lock on an embedded (PGlite) data directory. PGlite is PostgreSQL inside one process:
 * two processes opening the same files each keep their own buffers and write-ahead log, and the second
 * one's writes silently overwrite or corrupt the first one's. So whoever opens the directory first owns
 * it until it closes it, and everyone else is told who does.
 *
 * The lock is a file created with O_EXCL next to the directory (`<dir>.lock`, mode 0600). It records
 * who holds it — process id and start time (so a recycled pid is not mistaken for the owner), what kind
 * of process, and for a server its address and the local channel CLI commands go through. A lock whose
 * process is gone (killed, crashed) is stale and is taken over.
 */

export interface LockOwner {
  kind: 'server' | 'cli';
  /** The CLI command holding the directory (`import`, `seed-demo`…). */
  command?: string;
  /** Where a server serves HTTP, once it listens. */
  url?: string;
  /** The server's local command channel (see cli/channel), once it listens. */
  channel?: { socket: string; token: string };
}

export interface LockRecord extends LockOwner {
  pid: number;
  /** Start time of the process as the kernel reports it (Linux), to tell a recycled pid apart. */
  processStart: string | null;
  host: string;
  /** Unique per acquisition: a takeover checks it is removing the very record it found stale. */
  nonce: string;
  acquiredAt: string;
}

/** The directory is held by a live process. */
export class DataDirectoryLocked extends Error {
  override name = 'DataDirectoryLocked';
  readonly holder: LockRecord;
  readonly directory: string;

  constructor(directory: string, holder: LockRecord) {
    super(describeHolder(directory, holder));
    this.directory = directory;
    this.holder = holder;
  }
}

export interface DataDirectoryLock {
  readonly path: string;
  readonly record: LockRecord;
  /** Adds what the owner learned after taking the lock (a server's URL and channel). */
  update(owner: Partial<LockOwner>): void;
  release(): void;
}

/** A lock being written is given this long to become readable before it is judged stale. */
const UNREADABLE_GRACE_MS = 5_000;
const BREAKER_STALE_MS = 10_000;

export function lockPathOf(directory: string): string {
  return `${directory.replace(/[/\\]+$/, '')}.lock`;
}

/**
 * Takes the lock for `directory`, or throws DataDirectoryLocked naming the live holder. A stale lock is
 * replaced; two processes racing for one are serialised by a short-lived breaker file.
 */
export function acquireDataDirectoryLock(directory: string, owner: LockOwner): DataDirectoryLock {
  const path = lockPathOf(directory);
  const record: LockRecord = {
    ...owner,
    pid: process.pid,
    processStart: processStartTime(process.pid),
    host: hostname(),
    nonce: randomBytes(12).toString('hex'),
    acquiredAt: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(path, record)) return handle(path, record);
    const holder = readLock(path);
    if (holder === 'missing') continue;
    if (holder === 'unreadable') {
      if (ageMs(path) < UNREADABLE_GRACE_MS) throw new DataDirectoryLocked(directory, unknownHolder());
      breakStale(path, null);
      continue;
    }
    if (isAlive(holder)) throw new DataDirectoryLocked(directory, holder);
    breakStale(path, holder.nonce);
  }
  throw new Error(`Could not take the lock ${path}: it keeps changing hands.`);
}

/** Who holds the directory's lock, if anyone alive does (for messages and the CLI's channel lookup). */
export function readLiveHolder(directory: string): LockRecord | null {
  const holder = readLock(lockPathOf(directory));
  return typeof holder === 'object' && isAlive(holder) ? holder : null;
}

export function describeHolder(directory: string, holder: LockRecord): string {
  if (holder.pid === 0)
    return `The data directory ${directory} is being locked by another process right now.`;
  const who =
    holder.kind === 'server'
      ? `a Lexikon server (PID ${holder.pid}${holder.url ? `, ${holder.url}` : ', still starting'})`
      : `the command \`${['lexikon', holder.command].filter(Boolean).join(' ')}\` (PID ${holder.pid})`;
  return `The data directory ${directory} is in use by ${who}.`;
}

function tryCreate(path: string, record: LockRecord): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, JSON.stringify(record));
  } finally {
    closeSync(fd);
  }
  return true;
}

function handle(path: string, initial: LockRecord): DataDirectoryLock {
  let record = initial;
  let released = false;
  const releaseOnExit = () => removeIfOurs(path, record.nonce);
  process.once('exit', releaseOnExit);
  return {
    path,
    get record() {
      return record;
    },
    update(owner) {
      if (released) return;
      record = { ...record, ...owner };
      // Written beside and renamed over: a reader never sees half a record.
      const temporary = `${path}.${record.nonce}.tmp`;
      writeFileSync(temporary, JSON.stringify(record), { mode: 0o600 });
      renameSync(temporary, path);
    },
    release() {
      if (released) return;
      released = true;
      process.off('exit', releaseOnExit);
      removeIfOurs(path, record.nonce);
    },
  };
}

function removeIfOurs(path: string, nonce: string): void {
  const current = readLock(path);
  if (typeof current === 'object' && current.nonce === nonce) unlinkQuietly(path);
}

function readLock(path: string): LockRecord | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as LockRecord;
    return typeof parsed.pid === 'number' && typeof parsed.nonce === 'string' ? parsed : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/**
 * Removes a stale lock, but only the one judged stale: between reading it and removing it, another
 * process may have broken it and taken the lock itself. The breaker file makes check-and-remove atomic.
 */
function breakStale(path: string, staleNonce: string | null): void {
  const breaker = `${path}.break`;
  let fd: number;
  try {
    fd = openSync(breaker, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // A breaker is held for microseconds; one this old was left by a process that died holding it.
    if (ageMs(breaker) > BREAKER_STALE_MS) unlinkQuietly(breaker);
    return;
  }
  try {
    const current = readLock(path);
    const stillStale =
      staleNonce === null
        ? current === 'unreadable'
        : typeof current === 'object' && current.nonce === staleNonce;
    if (stillStale) unlinkQuietly(path);
  } finally {
    closeSync(fd);
    unlinkQuietly(breaker);
  }
}

function isAlive(holder: LockRecord): boolean {
  // A lock written on another machine (a shared or copied directory) cannot be checked: assume it holds.
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = procStat(holder.pid);
  if (stat === null) return true; // no procfs: the signal said it exists
  // A zombie has exited; only its parent has not collected it yet.
  if (stat.state === 'Z' || stat.state === 'X') return false;
  return holder.processStart === null || stat.start === holder.processStart;
}

function processStartTime(pid: number): string | null {
  return procStat(pid)?.start ?? null;
}

/** State (field 3) and start time (field 22, clock ticks since boot) of a process; null without procfs. */
function procStat(pid: number): { state: string; start: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] && fields[19] ? { state: fields[0], start: fields[19] } : null;
  } catch {
    return null;
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function unknownHolder(): LockRecord {
  return { kind: 'cli', pid: 0, processStart: null, host: hostname(), nonce: '', acquiredAt: '' };
}
