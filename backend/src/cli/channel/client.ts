import { connect } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import type { LockRecord } from '../../platform/database/data-dir-lock.ts';
import { CliError, exitCodes, type Io, type Output } from '../command.ts';
import { hiddenPrompt, type HiddenPrompt } from '../prompt.ts';
import { FORWARDED_ENV, readMessages, send, type ClientMessage, type ServerMessage } from './protocol.ts';

/** The server's channel could not be reached: it stopped, or is not the holder any more. */
export class ChannelUnavailable extends Error {
  override name = 'ChannelUnavailable';
}

/**
 * Runs a command line in the server that holds the data directory, relaying this terminal: its output
 * and progress, standard input when the command reads it, and password prompts (answered here, without
 * echo). Resolves with the command's exit status. Rejects with ChannelUnavailable only when nothing was
 * run (the server could not be reached), so the caller can try again without a server.
 */
export function runThroughServer(
  holder: LockRecord & { channel: NonNullable<LockRecord['channel']> },
  argv: readonly string[],
  io: Io & { cwd: string },
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const socket = connect(holder.channel.socket);
    let started = false;
    let settled = false;
    let prompt: HiddenPrompt | null = null;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      prompt?.close();
      outcome();
    };

    socket.once('connect', () => {
      started = true;
      io.stderr.write(
        `Running in the Lexikon server that has the database open (PID ${holder.pid}${holder.url ? `, ${holder.url}` : ''}).\n`,
      );
      const env: Extract<ClientMessage, { t: 'run' }>['env'] = {};
      for (const name of FORWARDED_ENV) if (io.env[name] !== undefined) env[name] = io.env[name];
      send(socket, {
        t: 'run',
        token: holder.channel.token,
        argv: [...argv],
        cwd: io.cwd,
        env,
        stdin: { tty: io.stdin.isTTY === true },
        stdout: streamInfo(io.stdout),
        stderr: streamInfo(io.stderr),
      });
    });

    readMessages<ServerMessage>(socket, (message) => {
      switch (message.t) {
        case 'out': {
          const target = message.fd === 1 ? io.stdout : io.stderr;
          // A slow reader (a pipe into `gzip`) slows the server down instead of filling this process.
          if (!target.write(message.data)) {
            socket.pause();
            target.once('drain', () => socket.resume());
          }
          return;
        }
        case 'stdin-request':
          return forwardStdin(io.stdin, socket);
        case 'prompt': {
          prompt ??= hiddenPrompt(io.stdin, io.stderr);
          prompt.ask(message.question).then(
            (value) => send(socket, { t: 'answer', id: message.id, value }),
            () => send(socket, { t: 'answer', id: message.id, value: null }),
          );
          return;
        }
        case 'refused':
          return settle(() =>
            reject(new CliError(`The server refused the command: ${message.reason}.`, exitCodes.unavailable)),
          );
        case 'exit':
          return settle(() => resolve(message.code));
      }
    });

    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (!started) return settle(() => reject(new ChannelUnavailable(error.message, { cause: error })));
      settle(() =>
        reject(
          new CliError(
            `The connection to the server (PID ${holder.pid}) broke during the command: ${error.message}. ` +
              'It may or may not have completed; check with `lexikon stats`.',
            exitCodes.unavailable,
          ),
        ),
      );
    });
    socket.once('close', () =>
      settle(() =>
        reject(
          new CliError(
            `The server (PID ${holder.pid}) closed the connection before the command finished; ` +
              'it may or may not have completed (check with `lexikon stats`).',
            exitCodes.unavailable,
          ),
        ),
      ),
    );
  });
}

function streamInfo(stream: Output): { tty: boolean; columns?: number } {
  return stream.isTTY === true && stream.columns ? { tty: true, columns: stream.columns } : { tty: false };
}

function forwardStdin(stdin: Io['stdin'], socket: ReturnType<typeof connect>): void {
  // Text in UTF-8: a character split across two reads is joined before it is sent.
  const decoder = new StringDecoder('utf8');
  stdin.on('data', (chunk: Buffer | string) => {
    const data = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (data && !send(socket, { t: 'stdin', data })) {
      stdin.pause();
      socket.once('drain', () => stdin.resume());
    }
  });
  stdin.once('end', () => {
    const rest = decoder.end();
    if (rest) send(socket, { t: 'stdin', data: rest });
    send(socket, { t: 'stdin-end' });
  });
}
