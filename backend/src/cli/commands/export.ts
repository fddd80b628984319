import { open, rename, rm, stat } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import {
  callerPath,
  CliError,
  exitCodes,
  parseCommandArgs,
  plural,
  type CommandDeps,
  type CommandSpec,
} from '../command.ts';
import { formatDuration } from '../progress.ts';
import { writeExport, type ExportResult } from '../transfer.ts';

const options = {
  out: { type: 'string', short: 'o' },
} as const;

export async function exportData(deps: CommandDeps): Promise<number> {
  const values = parseCommandArgs('export', options, deps.args);
  const startedAt = performance.now();
  const out = values.out === undefined || values.out === '-' ? undefined : values.out;

  if (out === undefined) {
    // Standard output carries the document and nothing else; everything for people goes to stderr.
    const result = await writeExport(deps.database, deps.stdout, { progress: deps.stderr });
    deps.stderr.write(`${summary(result, 'standard output', startedAt)}\n`);
    return exitCodes.ok;
  }

  const target = callerPath(deps, out);
  const result = await exportToFile(deps, target, out);
  const { size } = await stat(target);
  deps.stdout.write(`${summary(result, `${out} (${formatBytes(size)})`, startedAt)}\n`);
  return exitCodes.ok;
}

/**
 * Writes next to the target and renames at the end: a failed export never leaves a truncated file
 * that looks like a valid backup, nor destroys the previous one.
 */
async function exportToFile(deps: CommandDeps, target: string, out: string): Promise<ExportResult> {
  const temporary = `${target}.${process.pid}.tmp`;
  const handle = await open(temporary, 'wx').catch((error: NodeJS.ErrnoException) => {
    throw cannotWrite(out, error);
  });
  const stream = handle.createWriteStream();
  try {
    const result = await writeExport(deps.database, stream, { progress: deps.stderr });
    stream.end();
    await finished(stream);
    await rename(temporary, target);
    return result;
  } catch (error) {
    stream.destroy();
    await rm(temporary, { force: true });
    if ((error as NodeJS.ErrnoException).syscall !== undefined)
      throw cannotWrite(out, error as NodeJS.ErrnoException);
    throw error;
  }
}

function cannotWrite(out: string, error: NodeJS.ErrnoException): CliError {
  const reason = error.code === 'ENOENT' ? 'the directory does not exist' : error.message;
  return new CliError(`Cannot write ${out}: ${reason}.`, exitCodes.cantCreate);
}

function summary(result: ExportResult, destination: string, startedAt: number): string {
  return (
    `Exported ${plural(result.terms, 'term')} and ${plural(result.relations, 'relation')} ` +
    `to ${destination} in ${formatDuration(performance.now() - startedAt)}.`
  );
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export const exportCommand: CommandSpec = {
  name: 'export',
  summary: 'Write every term and relation as one JSON document',
  options,
  run: exportData,
  help: `Usage: lexikon export [--out FILE]

Writes every vocabulary, term and relation as a JSON document that \`lexikon import\` reads back:

  { "format": "lexikon-export", "version": 1, "exported_at": "…",
    "vocabularies": [{ "slug", "title", "default_language", "languages", "base_iri", … }, …],
    "terms": [{ "id", "vocabulary", "notation", "term", "definition", "domain", "level", "status",
                "created_at", "pref_labels", "alt_labels", "hidden_labels", "definitions", "sources",
                "notes", "mappings", "replaced_by" }, …],
    "relations": [{ "source_id", "target_id", "type", "strength" }, …] }

A term's parts are left out where it has none.

The export is one consistent snapshot, read page by page, so it stays fast and small in memory on
large databases. Progress and the summary go to standard error.

Options:
  -o, --out FILE  Write to FILE (replaced only once the export is complete) instead of standard output
  -h, --help      Show this help
`,
};
