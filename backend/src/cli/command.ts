import { resolve } from 'node:path';
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import pino, { type Logger } from 'pino';
import type { Config } from '../platform/config.ts';
import type { Database } from '../platform/database/client.ts';
import { classifyDatabaseError } from '../platform/database/errors.ts';
import type { HiddenPrompt } from './prompt.ts';

/**
 * Exit statuses follow BSD sysexits (as `src/main.ts` already does with 78), so scripts can tell a typo
 * from bad data from a database that is down.
 */
export const exitCodes = {
  ok: 0,
  usage: 64,
  dataError: 65,
  noInput: 66,
  unavailable: 69,
  software: 70,
  cantCreate: 73,
  tempFail: 75,
  config: 78,
} as const;

/** Where a command writes. `isTTY` decides between a redrawn progress bar and plain log lines. */
export interface Output extends NodeJS.WritableStream {
  isTTY?: boolean;
  columns?: number;
}

export interface Input extends NodeJS.ReadableStream {
  isTTY?: boolean;
}

/** The caller's side of a command: its terminal, environment and working directory. */
export interface Io {
  stdout: Output;
  stderr: Output;
  stdin: Input;
  env: NodeJS.ProcessEnv;
  /** Where relative paths in the arguments start; the caller's directory (npm's INIT_CWD) by default. */
  cwd?: string;
  /** Asks for a secret without echo; by default on the terminal of `stdin`. */
  prompt?: () => HiddenPrompt;
}

/** Everything a command touches, injected so tests can run commands in-process against a test database. */
export interface CommandDeps {
  database: Database;
  config: Config;
  /** The arguments after the command name. */
  args: readonly string[];
  stdout: Output;
  stderr: Output;
  stdin?: Input;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  prompt?: () => HiddenPrompt;
}

/** For commands that use the services: their warnings go to stderr, like the rest of the command's news. */
export function commandLogger(deps: Pick<CommandDeps, 'config'>): Logger {
  const level = deps.config.logLevel === 'info' ? 'warn' : deps.config.logLevel;
  return pino({ level }, pino.destination({ dest: 2, sync: true }));
}

/** Resolves a path given on the command line against the caller's working directory. */
export function callerPath(deps: Pick<CommandDeps, 'cwd' | 'env'>, path: string): string {
  return resolve(deps.cwd ?? (deps.env ?? process.env).INIT_CWD ?? process.cwd(), path);
}

export interface CommandSpec {
  name: string;
  summary: string;
  /** Full `--help` text of the command. */
  help: string;
  options: ParseArgsOptionsConfig;
  /** Words allowed before the options (`lexikon graph resync …`); the command parses them itself. */
  subcommands?: readonly string[];
  run(deps: CommandDeps): Promise<number>;
}

/** A failure the user can act on: printed as one message (plus detail lines), never as a stack trace. */
export class CliError extends Error {
  override name = 'CliError';
  readonly exitCode: number;
  readonly details: readonly string[];

  constructor(message: string, exitCode: number, details: readonly string[] = []) {
    super(message);
    this.exitCode = exitCode;
    this.details = details;
  }
}

export function usageError(command: string, message: string): CliError {
  return new CliError(`${message}\nRun \`lexikon ${command} --help\` for usage.`, exitCodes.usage);
}

const helpOption = { help: { type: 'boolean', short: 'h' } } as const;

/** Strict parsing: an unknown flag or a stray word is a usage error, not something silently ignored. */
export function parseCommandArgs<const O extends ParseArgsOptionsConfig>(
  command: string,
  options: O,
  args: readonly string[],
) {
  try {
    return parseArgs({
      args: [...args],
      options: { ...options, ...helpOption },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw usageError(command, error instanceof Error ? error.message : String(error));
  }
}

export function requireOption(command: string, value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === '') throw usageError(command, `Missing ${flag}.`);
  return value;
}

/**
 * Runs `work` and turns every failure into a message and an exit status. Only an unexpected error (a bug)
 * may show its stack, and only when asked for with LEXIKON_DEBUG=1.
 */
export async function guard(
  command: string,
  io: { stderr: Output; env?: NodeJS.ProcessEnv | undefined },
  work: () => Promise<number>,
): Promise<number> {
  try {
    return await work();
  } catch (error) {
    const prefix = `lexikon ${command}:`;
    if (error instanceof CliError) {
      io.stderr.write(`${prefix} ${error.message}\n${error.details.map((line) => `${line}\n`).join('')}`);
      return error.exitCode;
    }
    const failure = classifyDatabaseError(error)?.kind;
    if (failure === 'unavailable') {
      io.stderr.write(`${prefix} cannot reach the database: ${rootMessage(error)}\n`);
      return exitCodes.unavailable;
    }
    if (failure === 'timeout') {
      io.stderr.write(
        `${prefix} a query ran past the database's time limit (DATABASE_STATEMENT_TIMEOUT_MS) and was stopped; nothing was committed.\n`,
      );
      return exitCodes.tempFail;
    }
    const debug = (io.env ?? process.env).LEXIKON_DEBUG === '1';
    io.stderr.write(
      `${prefix} unexpected error: ${rootMessage(error)}\n` +
        (debug && error instanceof Error
          ? `${error.stack}\n`
          : 'Nothing was committed. Set LEXIKON_DEBUG=1 to see the stack trace.\n'),
    );
    return exitCodes.software;
  }
}

/** Runs one command in-process with its error handling: what `lexikon <command>` does once connected. */
export function executeCommand(spec: CommandSpec, deps: CommandDeps): Promise<number> {
  return guard(spec.name, deps, () => spec.run(deps));
}

/** Drizzle wraps driver errors ("Failed query: …"); the driver's own message is the useful one. */
function rootMessage(error: unknown): string {
  let current = error;
  for (let depth = 0; depth < 5; depth++) {
    const cause = (current as { cause?: unknown } | null)?.cause;
    if (!(cause instanceof Error)) break;
    current = cause;
  }
  return current instanceof Error ? current.message : String(current);
}

/** Writes respecting backpressure, so a 100k-term export never buffers the whole document in memory. */
export async function writeChunk(stream: NodeJS.WritableStream, chunk: string): Promise<void> {
  if (stream.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const cleanup = () => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
    };
    const onDrain = () => {
      cleanup();
      resolve();
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    stream.on('drain', onDrain);
    stream.on('error', onError);
  });
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
