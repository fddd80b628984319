import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Logger } from 'pino';
import type { Io } from '../command.ts';
import { CliError, exitCodes } from '../command.ts';
import type { HiddenPrompt } from '../prompt.ts';
import {
  channelAddress,
  readMessages,
  send,
  type ClientMessage,
  type ServerMessage,
  type StreamInfo,
} from './protocol.ts';

export interface CommandChannel {
  /** The socket (or named pipe) path, recorded in the data directory's lock for clients to find. */
  readonly address: string;
  /** What a client must present; recorded in the lock file (mode 0600) beside the address. */
  readonly token: string;
  close(): Promise<void>;
}

const HELLO_TIMEOUT_MS = 10_000;

/** Runs one CLI command line in this process with the given streams; returns its exit status. */
export type RunCommand = (argv: readonly string[], io: Io) => Promise<number>;

/**
 * Serves the local command channel of the process that owns an embedded data directory: each connection
 * runs one `lexikon` command line here, on this process's open database, with the caller's terminal
 * relayed (output, progress, standard input, password prompts). Arguments are never logged: they may
 * hold a password.
 */
export async function openCommandChannel(options: {
  directory: string;
  logger: Logger;
  run: RunCommand;
}): Promise<CommandChannel> {
  const token = randomBytes(32).toString('base64url');
  const expected = Buffer.from(token);
  let privateFolder: string | null = null;
  let address = channelAddress(options.directory);
  if (address === null) {
    // Too long for a socket path: a folder only this user can enter, so nobody can plant a socket there.
    privateFolder = mkdtempSync(join(tmpdir(), 'lexikon-'));
    address = join(privateFolder, 'channel.sock');
  }
  const path = address;
  // Whoever holds the lock owns the directory, so a socket left there is a dead server's.
  if (process.platform !== 'win32') removeQuietly(path);

  const sessions = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sessions.add(socket);
    socket.once('close', () => sessions.delete(socket));
    socket.on('error', (error) => options.logger.debug({ err: error }, 'command channel connection error'));
    let session: Session | null = null;
    // A connection that does not say what to run is dropped: it would otherwise hold up shutdown.
    const silence = setTimeout(() => socket.destroy(), HELLO_TIMEOUT_MS);
    readMessages<ClientMessage>(socket, (message) => {
      if (session) return session.receive(message);
      clearTimeout(silence);
      if (message.t !== 'run' || !tokenMatches(message.token, expected)) {
        send(socket, { t: 'refused', reason: 'the command channel token is not valid' });
        socket.end();
        return;
      }
      session = new Session(socket, message, options);
    });
    socket.once('close', () => session?.disconnected());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (process.platform !== 'win32') chmodSync(path, 0o600);

  return {
    address: path,
    token,
    /** Stops taking commands and waits for the running ones (a shutdown deadline may cut them short). */
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...sessions].map((socket) => once(socket, 'close')));
      await closed;
      if (process.platform !== 'win32') removeQuietly(path);
      if (privateFolder) rmSync(privateFolder, { recursive: true, force: true });
    },
  };
}

/** One command run for one connection. */
class Session {
  readonly #socket: Socket;
  readonly #stdin: ChannelInput;
  readonly #prompts = new Map<number, { resolve(value: string): void; reject(error: Error): void }>();
  #nextPrompt = 0;
  #connected = true;

  constructor(
    socket: Socket,
    message: Extract<ClientMessage, { t: 'run' }>,
    options: { logger: Logger; run: RunCommand },
  ) {
    this.#socket = socket;
    this.#stdin = new ChannelInput(socket, message.stdin);
    const stdout = new ChannelOutput(socket, 1, message.stdout);
    const stderr = new ChannelOutput(socket, 2, message.stderr);
    const command = message.argv[0] ?? '';
    options.logger.info({ command }, `lexikon ${command}: run through the command channel`);
    const io: Io = {
      stdout,
      stderr,
      stdin: this.#stdin,
      env: { ...message.env },
      cwd: message.cwd,
      prompt: () => this.#prompt(),
    };
    void options
      .run(message.argv, io)
      .catch(() => exitCodes.software)
      .then(async (code) => {
        stdout.end();
        stderr.end();
        await Promise.all([finished(stdout), finished(stderr)]).catch(() => {});
        options.logger.info({ command, exitCode: code }, `lexikon ${command}: finished`);
        send(socket, { t: 'exit', code });
        socket.end();
      });
  }

  receive(message: ClientMessage): void {
    if (message.t === 'stdin') this.#stdin.push(Buffer.from(message.data, 'utf8'));
    else if (message.t === 'stdin-end') this.#stdin.push(null);
    else if (message.t === 'answer') {
      const pending = this.#prompts.get(message.id);
      this.#prompts.delete(message.id);
      if (message.value === null) pending?.reject(new CliError('Cancelled.', 130));
      else pending?.resolve(message.value);
    }
  }

  /**
   * The caller went away (Ctrl-C, a closed terminal). Whatever the command still waits for from it fails,
   * so nothing half-read (a truncated standard input) is ever taken for the whole.
   */
  disconnected(): void {
    this.#connected = false;
    if (!this.#stdin.readableEnded)
      this.#stdin.destroy(new CliError('The caller disconnected before sending all its input.', 130));
    for (const pending of this.#prompts.values()) pending.reject(new CliError('Cancelled.', 130));
    this.#prompts.clear();
  }

  #prompt(): HiddenPrompt {
    return {
      ask: (question) =>
        new Promise<string>((resolve, reject) => {
          if (!this.#connected) return reject(new CliError('Cancelled.', 130));
          const id = this.#nextPrompt++;
          this.#prompts.set(id, { resolve, reject });
          send(this.#socket, { t: 'prompt', id, question } satisfies ServerMessage);
        }),
      close: () => {},
    };
  }
}

/** The caller's stdout or stderr: chunks go over the socket, with its backpressure. */
class ChannelOutput extends Writable {
  readonly isTTY: boolean;
  readonly columns: number | undefined;
  readonly #socket: Socket;
  readonly #fd: 1 | 2;

  constructor(socket: Socket, fd: 1 | 2, info: StreamInfo) {
    super({ decodeStrings: false });
    this.#socket = socket;
    this.#fd = fd;
    this.isTTY = info.tty;
    this.columns = info.columns;
  }

  override _write(
    chunk: Buffer | string,
    _encoding: BufferEncoding,
    done: (error?: Error | null) => void,
  ): void {
    send(this.#socket, { t: 'out', fd: this.#fd, data: chunk.toString() }, () => done());
  }
}

/** The caller's standard input, asked for only when a command reads it (`import --file -`). */
class ChannelInput extends Readable {
  readonly isTTY: boolean;
  readonly #socket: Socket;
  #requested = false;

  constructor(socket: Socket, info: StreamInfo) {
    super();
    this.#socket = socket;
    this.isTTY = info.tty;
    // A reader learns of a failure through its read; with no reader, nobody needs to hear of it.
    this.on('error', () => {});
  }

  override _read(): void {
    if (this.#requested) return;
    this.#requested = true;
    send(this.#socket, { t: 'stdin-request' });
  }
}

function tokenMatches(presented: unknown, expected: Buffer): boolean {
  if (typeof presented !== 'string') return false;
  const candidate = Buffer.from(presented);
  return candidate.length === expected.length && timingSafeEqual(candidate, expected);
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
