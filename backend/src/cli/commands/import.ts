import { readFile } from 'node:fs/promises';
import { TransactionRollbackError } from 'drizzle-orm';
import { graphChangeRecorder } from '../../graph/outbox/recorder.ts';
import { buildValidation } from '../../services.ts';
import { isUniqueViolation } from '../../platform/database/errors.ts';
import {
  callerPath,
  CliError,
  commandLogger,
  exitCodes,
  parseCommandArgs,
  plural,
  requireOption,
  usageError,
  type CommandDeps,
  type CommandSpec,
  type Input,
} from '../command.ts';
import { formatDuration } from '../progress.ts';
import {
  DEFAULT_MAX_ERRORS,
  ImportRejected,
  importDocument,
  parseExportDocument,
  problemLines,
  type ImportSummary,
} from '../transfer.ts';

const options = {
  file: { type: 'string', short: 'f' },
  'dry-run': { type: 'boolean' },
  'on-conflict': { type: 'string' },
  'max-errors': { type: 'string' },
} as const;

export async function importFile(deps: CommandDeps): Promise<number> {
  const values = parseCommandArgs('import', options, deps.args);
  const file = requireOption('import', values.file, '--file');
  const onConflict = values['on-conflict'] ?? 'error';
  if (onConflict !== 'error' && onConflict !== 'skip')
    throw usageError('import', `--on-conflict must be "error" or "skip", not "${onConflict}".`);
  const maxErrors = Number(values['max-errors'] ?? DEFAULT_MAX_ERRORS);
  if (!Number.isInteger(maxErrors) || maxErrors < 0)
    throw usageError('import', '--max-errors must be a whole number (0 shows every problem).');
  const dryRun = values['dry-run'] === true;
  const name = file === '-' ? 'standard input' : file;
  const startedAt = performance.now();

  const text = await readInput(file === '-' ? file : callerPath(deps, file), file, deps.stdin);
  let summary: ImportSummary | undefined;
  try {
    const document = parseExportDocument(text);
    deps.stderr.write(
      `Read ${name}: ${plural(document.terms.length, 'term')}, ${plural(document.relations.length, 'relation')}.\n`,
    );
    await deps.database.db.transaction(async (tx) => {
      summary = await importDocument(tx, document, {
        onConflict,
        createdBy: null,
        publicWebUrl: deps.config.publicWebUrl,
        progress: deps.stderr,
        graphChanges: graphChangeRecorder(deps.config.graph.neo4j !== null),
      });
      // Every imported term gets its definition checked, as bulk work behind what people wait for.
      await buildValidation({ config: deps.config, db: tx, logger: commandLogger(deps) }).service.queueBulk(
        tx,
        summary.terms.createdIds,
      );
      // A dry run does all the work, database constraints included, then throws it away.
      if (dryRun) tx.rollback();
    });
  } catch (error) {
    if (error instanceof ImportRejected)
      throw new CliError(
        `${name} was not imported (${plural(error.problems.length, 'problem')}); nothing was written:`,
        exitCodes.dataError,
        problemLines(error.problems, maxErrors),
      );
    if (isUniqueViolation(error, 'terms_domain_term_key'))
      throw new CliError(
        'A term in the file was created by someone else during the import; nothing was written. Run it again.',
        exitCodes.tempFail,
      );
    if (!(dryRun && error instanceof TransactionRollbackError)) throw error;
  }

  const { vocabularies, terms, relations } = summary!;
  const elapsed = formatDuration(performance.now() - startedAt);
  const made = (verb: string) =>
    vocabularies.created > 0 ? `  vocabularies: ${vocabularies.created} ${verb}\n` : '';
  deps.stdout.write(
    dryRun
      ? `Dry run: ${name} is valid and would import cleanly; nothing was written (${elapsed}).\n` +
          made('would be created') +
          `  terms: ${terms.created} would be created, ${terms.skipped} skipped\n` +
          `  relations: ${relations.created} would be created, ${relations.skipped} skipped\n`
      : `Imported ${name} (${elapsed}):\n` +
          made('created') +
          `  terms: ${terms.created} created, ${terms.skipped} skipped\n` +
          `  relations: ${relations.created} created, ${relations.skipped} skipped\n`,
  );
  return exitCodes.ok;
}

async function readInput(path: string, file: string, stdin: Input | undefined): Promise<string> {
  try {
    if (path !== '-') return await readFile(path, 'utf8');
    const chunks: Buffer[] = [];
    for await (const chunk of stdin ?? process.stdin)
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    return Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new CliError(`Cannot read ${file}: ${reason}.`, exitCodes.noInput);
  }
}

export const importCommand: CommandSpec = {
  name: 'import',
  summary: 'Load terms and relations from an export file, all or nothing',
  options,
  run: importFile,
  help: `Usage: lexikon import --file FILE [--dry-run] [--on-conflict error|skip] [--max-errors N]

Loads a document written by \`lexikon export\`. The whole file is validated first and every problem is
reported with its JSON path (e.g. terms[12].level); then everything is written in one transaction, so
a failure at any point leaves the database unchanged.

Terms keep their ids and go to the vocabulary they name (the default vocabulary when they name none);
a vocabulary the database lacks is made from the file's "vocabularies". Their labels, definitions,
sources, notes and mappings are checked as the API checks them (languages of the vocabulary, one
preferred label per language). Relations must join terms present in the file or in the database, of one
vocabulary, may not relate a term to itself, and may not close an is_a or part_of cycle (the cycle is
named).

Options:
  -f, --file FILE          The export to read ("-" reads standard input) (required)
      --dry-run            Validate and run the whole import, then roll it back: nothing is written
      --on-conflict MODE   What to do with a term whose id, or whose domain and term (ignoring case and
                           accents) in a vocabulary of unique labels, already exists, and with
                           relations that already exist:
                             error  refuse the file (default)
                             skip   keep the existing one; relations to a skipped term attach to the
                                    existing term
      --max-errors N       Show at most N problems (default ${DEFAULT_MAX_ERRORS}; 0 shows all)
  -h, --help               Show this help

Imported terms and relations have no recorded creator, so only administrators can edit them.
`,
};
