#!/usr/bin/env node
import { runWithRequestContext } from '../platform/request-context.ts';
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, loadConfig, loadDotEnv, type Config } from '../platform/config.ts';
import { createDatabase, type Database } from '../platform/database/client.ts';
import { DataDirectoryLocked } from '../platform/database/data-dir-lock.ts';
import { ChannelUnavailable, runThroughServer } from './channel/client.ts';
import { CliError, exitCodes, guard, parseCommandArgs, type CommandSpec, type Io } from './command.ts';
import { createAdminCommand } from './commands/create-admin.ts';
import { exportCommand } from './commands/export.ts';
import { graphCommand } from './commands/graph.ts';
import { importCommand } from './commands/import.ts';
import { applyMigrations, describeMigrations, migrateCommand } from './commands/migrate.ts';
import { seedDemoCommand } from './commands/seed-demo.ts';
import { statsCommand } from './commands/stats.ts';

export const commands: readonly CommandSpec[] = [
  migrateCommand,
  createAdminCommand,
  seedDemoCommand,
  exportCommand,
  importCommand,
  statsCommand,
  graphCommand,
];

// Read directly rather than from app.ts, which would load the whole HTTP stack just for a version.
const version: string = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
).version;

const CLI_SOURCE = { sourceAddress: 'cli' };

/** `lexikon <argv…>`: returns the exit status instead of exiting, so tests can drive it in-process. */
export function main(argv: readonly string[], io: Io): Promise<number> {
  // What a command records in the audit log comes from `cli`, not from an address.
  return runWithRequestContext(CLI_SOURCE, () =>
    dispatch(argv, io, (command, args) => runLocally(command, args, argv, io)),
  );
}

/**
 * Runs a command line inside the process that already has the database open (the server that owns an
 * embedded data directory; see channel/server.ts). Same parsing, messages and exit statuses as `main`;
 * no migrations (the server applied them) and the database stays open.
 */
export function runInProcess(
  argv: readonly string[],
  io: Io,
  opened: { database: Database; config: Config },
): Promise<number> {
  return runWithRequestContext(CLI_SOURCE, () =>
    dispatch(argv, io, (command, args) => command.run({ ...opened, args, ...io })),
  );
}

/** What every way of running a command shares: help, version, unknown commands, argument checks. */
async function dispatch(
  argv: readonly string[],
  io: Io,
  run: (command: CommandSpec, args: readonly string[]) => Promise<number>,
): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr.write(toolHelp());
    return exitCodes.usage;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    const topic = commands.find((command) => command.name === rest[0]);
    io.stdout.write(topic ? topic.help : toolHelp());
    return exitCodes.ok;
  }
  if (first === '--version' || first === '-V') {
    io.stdout.write(`lexikon ${version}\n`);
    return exitCodes.ok;
  }
  const command = commands.find((candidate) => candidate.name === first);
  if (!command) {
    io.stderr.write(unknownCommand(first));
    return exitCodes.usage;
  }

  return guard(command.name, io, async () => {
    // Arguments are checked before anything touches the database: a typo fails fast.
    // A command with subcommands names the unknown ones itself, with the list of known ones.
    const optionArgs = command.subcommands && !rest[0]?.startsWith('-') ? rest.slice(1) : rest;
    if (parseCommandArgs(command.name, command.options, optionArgs).help) {
      io.stdout.write(command.help);
      return exitCodes.ok;
    }
    return run(command, rest);
  });
}

/** How long to wait for a server that holds the directory but is still starting (migrating). */
const SERVER_START_WAIT_MS = 120_000;

/**
 * Opens the database and runs the command here — unless a Lexikon server owns the embedded data
 * directory: PGlite cannot be opened twice (the second process would lose or corrupt writes), so the
 * command then runs inside that server, through its local channel, and the server sees its writes at once.
 */
async function runLocally(
  command: CommandSpec,
  args: readonly string[],
  argv: readonly string[],
  io: Io,
): Promise<number> {
  const config = loadConfiguration(io.env);
  // Only the pool's warnings are logged; they go to stderr so stdout stays the command's output.
  const logger = pino(
    { level: config.logLevel === 'info' ? 'warn' : config.logLevel },
    pino.destination({ dest: 2, sync: true }),
  );
  const deadline = Date.now() + SERVER_START_WAIT_MS;
  let announcedWait = false;
  for (;;) {
    let database: Database;
    try {
      database = createDatabase(config.database, logger, { owner: { kind: 'cli', command: command.name } });
    } catch (error) {
      if (!(error instanceof DataDirectoryLocked)) throw error;
      const { holder } = error;
      if (holder.kind !== 'server')
        throw new CliError(
          `${error.message} Only one process may open an embedded database; wait for it to finish, then run this again.`,
          exitCodes.tempFail,
        );
      if (holder.channel) {
        try {
          return await runThroughServer({ ...holder, channel: holder.channel }, argv, {
            ...io,
            cwd: io.cwd ?? io.env.INIT_CWD ?? process.cwd(),
          });
        } catch (failure) {
          // The server stopped between reading the lock and connecting: nothing ran, try again.
          if (!(failure instanceof ChannelUnavailable)) throw failure;
        }
      } else if (Date.now() > deadline) {
        throw new CliError(
          `${error.message} It has not finished starting after ${SERVER_START_WAIT_MS / 1000} s; check its log, or stop it and run this again.`,
          exitCodes.tempFail,
        );
      } else if (!announcedWait) {
        announcedWait = true;
        io.stderr.write(`Waiting for the Lexikon server (PID ${holder.pid}) to finish starting…\n`);
      }
      await sleep(250);
      continue;
    }
    try {
      if (command !== migrateCommand) {
        const report = await applyMigrations(database);
        if (report.applied.length > 0) io.stderr.write(`Database schema: ${describeMigrations(report)}.\n`);
      }
      return await command.run({ database, config, args, ...io });
    } finally {
      await database.close().catch(() => {});
    }
  }
}

function loadConfiguration(env: NodeJS.ProcessEnv): Config {
  // .env fills in process.env only; an injected environment (tests) is taken as it is.
  if (env === process.env) loadDotEnv();
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, exitCodes.config);
    throw error;
  }
}

export function toolHelp(): string {
  const width = Math.max(...commands.map((command) => command.name.length)) + 2;
  return `lexikon ${version}: manage a Lexikon database from the command line

Usage: lexikon <command> [options]

Commands:
${commands.map((command) => `  ${command.name.padEnd(width)}${command.summary}`).join('\n')}

Run \`lexikon <command> --help\` for a command's options, \`lexikon --version\` for the version.

The database is PostgreSQL when DATABASE_URL is set, otherwise the embedded PGlite database in
LEXIKON_DATA_DIR (default ./data). Only one process may open an embedded database: while a Lexikon
server has it open, commands run inside that server (through its local channel), so it sees their
changes at once. Variables are also read from the .env file at the repository root. Every command first
applies pending migrations.

Exit status: 0 success, 64 wrong usage, 65 invalid data, 66 input not found, 69 database unreachable,
70 internal error, 73 output not writable, 75 busy or concurrent change (run again), 78 invalid configuration.
`;
}

function unknownCommand(word: string): string {
  if (word.startsWith('-')) return `lexikon: unknown option "${word}".\nRun \`lexikon --help\` for usage.\n`;
  const suggestion = commands
    .map((command) => ({ name: command.name, distance: editDistance(word, command.name) }))
    .sort((a, b) => a.distance - b.distance)[0];
  const hint =
    suggestion && (suggestion.distance <= 2 || suggestion.name.startsWith(word))
      ? ` Did you mean "${suggestion.name}"?`
      : '';
  return (
    `lexikon: unknown command "${word}".${hint}\n` +
    `Commands: ${commands.map((command) => command.name).join(', ')}.\n` +
    'Run `lexikon --help` for usage.\n'
  );
}

/** Levenshtein distance, for "did you mean". */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length]!;
}

if (import.meta.main) {
  // `lexikon export | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(exitCodes.ok);
    throw error;
  });
  process.exitCode = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
  });
}
