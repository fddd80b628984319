import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';

/**
 * The local command channel: how `lexikon <command>` runs inside the server that owns an embedded data
 * directory, instead of opening the directory a second time (which PGlite cannot share). One connection
 * per command; newline-delimited JSON messages both ways. The first message must carry the token from
 * the directory's lock file (mode 0600): whoever can read the data directory may run commands on it,
 * nobody else.
 */

/** Environment a command may read from the caller's side (everything else is the server's). */
export const FORWARDED_ENV = ['LEXIKON_ADMIN_PASSWORD', 'LEXIKON_DEBUG'] as const;

export interface StreamInfo {
  tty: boolean;
  columns?: number;
}

export type ClientMessage =
  | {
      t: 'run';
      token: string;
      argv: string[];
      cwd: string;
      env: Partial<Record<(typeof FORWARDED_ENV)[number], string>>;
      stdin: StreamInfo;
      stdout: StreamInfo;
      stderr: StreamInfo;
    }
  | { t: 'stdin'; data: string }
  | { t: 'stdin-end' }
  | { t: 'answer'; id: number; value: string | null };

export type ServerMessage =
  | { t: 'out'; fd: 1 | 2; data: string }
  | { t: 'stdin-request' }
  | { t: 'prompt'; id: number; question: string }
  | { t: 'exit'; code: number }
  | { t: 'refused'; reason: string };

/** Longest message accepted (a chunk of standard input, a line of output). */
export const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

// sun_path holds 108 bytes on Linux, 104 on macOS.
const MAX_SOCKET_PATH = 100;

/**
 * Where the server of `directory` listens: a named pipe on Windows, a socket beside the directory
 * elsewhere, or null when that path is too long for a socket (the server then makes a private folder).
 * Clients never compute it: they read it from the lock file, which only the directory's owner can write.
 */
export function channelAddress(directory: string): string | null {
  if (process.platform === 'win32') {
    const hash = createHash('sha256').update(directory).digest('hex').slice(0, 16);
    return `\\\\.\\pipe\\lexikon-${hash}-${process.pid}`;
  }
  const beside = `${directory.replace(/\/+$/, '')}.sock`;
  return Buffer.byteLength(beside) <= MAX_SOCKET_PATH ? beside : null;
}

export function send(socket: Socket, message: ClientMessage | ServerMessage, callback?: () => void): boolean {
  if (socket.destroyed || !socket.writable) {
    callback?.();
    return true;
  }
  const flushed = socket.write(`${JSON.stringify(message)}\n`);
  if (callback) {
    if (flushed) callback();
    else socket.once('drain', callback);
  }
  return flushed;
}

/** Calls `onMessage` for each complete line; a line over the limit or not JSON ends the connection. */
export function readMessages<T>(socket: Socket, onMessage: (message: T) => void): void {
  let pending = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    pending += chunk;
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      let message: T;
      try {
        message = JSON.parse(line) as T;
      } catch {
        socket.destroy(new Error('the command channel received a malformed message'));
        return;
      }
      onMessage(message);
      newline = pending.indexOf('\n');
    }
    if (pending.length > MAX_MESSAGE_BYTES)
      socket.destroy(new Error('the command channel received an over-long message'));
  });
}
