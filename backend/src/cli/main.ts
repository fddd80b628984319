#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { ConfigError, loadConfig, loadDotEnv, type Config } from '../platform/config.ts';
import { createDatabase } from '../platform/database/client.ts';
import {
  CliError,
  exitCodes,
  guard,
  parseCommandArgs,
  type CommandSpec,
  type Input,
  type Output,
} from './command.ts';
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

export interface Io {
  stdout: Output;
  stderr: Output;
  stdin: Input;
  env: NodeJS.ProcessEnv;
}

// Read directly rather than from app.ts, which would load the whole HTTP stack just for a version.
const version: string = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
).version;

/** `lexikon <argv…>`: returns the exit status instead of exiting, so tests can drive it in-process. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
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
    const config = loadConfiguration(io.env);
    // Only the pool's warnings are logged; they go to stderr so stdout stays the command's output.
    const logger = pino(
      { level: config.logLevel === 'info' ? 'warn' : config.logLevel },
      pino.destination({ dest: 2, sync: true }),
    );
    const database = createDatabase(config.database, logger);
    try {
      if (command !== migrateCommand) {
        const report = await applyMigrations(database);
        if (report.applied.length > 0) io.stderr.write(`Database schema: ${describeMigrations(report)}.\n`);
      }
      return await command.run({ database, config, args: rest, ...io });
    } finally {
      await database.close().catch(() => {});
    }
  });
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
LEXIKON_DATA_DIR (default ./data; stop the server first: only one process may open it). Variables are
also read from the .env file at the repository root. Every command first applies pending migrations.

Exit status: 0 success, 64 wrong usage, 65 invalid data, 66 input not found, 69 database unreachable,
70 internal error, 73 output not writable, 75 concurrent change (run again), 78 invalid configuration.
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
