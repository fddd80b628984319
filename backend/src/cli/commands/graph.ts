import type { Driver } from 'neo4j-driver';
import { createNeo4jDriver, isNeo4jUnavailable } from '../../graph/neo4j/driver.ts';
import { DEFAULT_RESYNC_BATCH_SIZE, resyncMirror } from '../../graph/neo4j/resync.ts';
import { compareMirror, type MirrorComparison, type PropertyDifference } from '../../graph/neo4j/verify.ts';
import {
  CliError,
  exitCodes,
  parseCommandArgs,
  plural,
  usageError,
  type CommandDeps,
  type CommandSpec,
} from '../command.ts';
import { formatDuration, Progress } from '../progress.ts';

const resyncOptions = { 'batch-size': { type: 'string' } } as const;
const verifyOptions = { 'max-shown': { type: 'string' }, json: { type: 'boolean' } } as const;
const DEFAULT_MAX_SHOWN = 10;

/** `lexikon graph resync|verify`: the Neo4j mirror's maintenance, against NEO4J_URI. */
export async function graph(deps: CommandDeps): Promise<number> {
  const [subcommand, ...rest] = deps.args;
  if (subcommand === '--help' || subcommand === '-h') {
    deps.stdout.write(graphCommand.help);
    return exitCodes.ok;
  }
  if (subcommand !== 'resync' && subcommand !== 'verify')
    throw usageError(
      'graph',
      subcommand === undefined
        ? 'Missing the subcommand: resync or verify.'
        : `Unknown subcommand "${subcommand}": use resync or verify.`,
    );
  const values = parseCommandArgs(`graph ${subcommand}`, { ...resyncOptions, ...verifyOptions }, rest);
  if (values.help) {
    deps.stdout.write(graphCommand.help);
    return exitCodes.ok;
  }
  const batchSize = positiveInteger(values['batch-size'], DEFAULT_RESYNC_BATCH_SIZE, '--batch-size');
  const maxShown = positiveInteger(values['max-shown'], DEFAULT_MAX_SHOWN, '--max-shown', true);
  const neo4jConfig = deps.config.graph.neo4j;
  if (!neo4jConfig)
    throw new CliError(
      'NEO4J_URI is not set: there is no graph mirror (start one with `npm run neo4j`, then set NEO4J_URI).',
      exitCodes.config,
    );
  const driver = createNeo4jDriver({ ...neo4jConfig, timeoutMs: Math.max(neo4jConfig.timeoutMs, 30_000) });
  try {
    await driver.verifyConnectivity().catch((error: unknown) => {
      throw new CliError(
        `cannot reach Neo4j at ${neo4jConfig.uri}: ${(error as Error).message}`,
        exitCodes.unavailable,
      );
    });
    return subcommand === 'resync'
      ? await resync(deps, driver, batchSize)
      : await verify(deps, driver, { maxShown, json: values.json === true });
  } catch (error) {
    if (!(error instanceof CliError) && isNeo4jUnavailable(error))
      throw new CliError(
        `lost Neo4j at ${neo4jConfig.uri}: ${(error as Error).message}`,
        exitCodes.unavailable,
      );
    throw error;
  } finally {
    await driver.close();
  }
}

function positiveInteger(
  value: string | undefined,
  fallback: number,
  flag: string,
  zeroAllowed = false,
): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < (zeroAllowed ? 0 : 1))
    throw usageError('graph', `${flag} must be a whole number${zeroAllowed ? '' : ' above 0'}.`);
  return number;
}

async function resync(deps: CommandDeps, driver: Driver, batchSize: number): Promise<number> {
  const startedAt = performance.now();
  let progress: Progress | undefined;
  const result = await resyncMirror({
    db: deps.database.db,
    driver,
    batchSize,
    log: (line) => deps.stderr.write(`${line}\n`),
    onProgress: (done, total) => {
      progress ??= new Progress({ label: 'resync', total, stream: deps.stderr });
      progress.update(done);
    },
  });
  progress?.finish();
  deps.stdout.write(
    `Neo4j rebuilt from PostgreSQL in ${formatDuration(performance.now() - startedAt)}: ` +
      `${plural(result.terms, 'term')}, ${plural(result.relations, 'relation')} ` +
      `(${plural(result.batches, 'batch', 'batches')}); ` +
      `${plural(result.outboxRowsCovered, 'outbox row')} covered by the rebuild.\n`,
  );
  return exitCodes.ok;
}

async function verify(
  deps: CommandDeps,
  driver: Driver,
  options: { maxShown: number; json: boolean },
): Promise<number> {
  const comparison = await compareMirror(deps.database.db, driver);
  if (options.json) deps.stdout.write(`${JSON.stringify(comparison, null, 2)}\n`);
  else deps.stdout.write(describeComparison(comparison, options.maxShown));
  // 1, not one of the sysexits codes: "the two differ" is an answer, like diff(1)'s.
  return comparison.identical ? exitCodes.ok : 1;
}

export function describeComparison(comparison: MirrorComparison, maxShown: number): string {
  const { postgres, neo4j } = comparison.counts;
  const lines = [
    `PostgreSQL: ${plural(postgres.terms, 'term')}, ${plural(postgres.relations, 'relation')}`,
    `Neo4j:      ${plural(neo4j.terms, 'term')}, ${plural(neo4j.relations, 'relation')}`,
  ];
  if (comparison.rebuilding)
    lines.push('Neo4j is marked as rebuilding: a resync started and did not finish.');
  const ids = (label: string, list: readonly string[]) => {
    if (list.length === 0) return;
    const shown = maxShown === 0 ? list : list.slice(0, maxShown);
    lines.push(`${label}: ${list.length}`, ...shown.map((id) => `  - ${id}`));
    if (shown.length < list.length) lines.push(`  … and ${list.length - shown.length} more`);
  };
  const properties = (label: string, list: readonly PropertyDifference[]) => {
    if (list.length === 0) return;
    const shown = maxShown === 0 ? list : list.slice(0, maxShown);
    lines.push(
      `${label}: ${list.length}`,
      ...shown.map(
        (d) =>
          `  - ${d.id} ${d.property}: PostgreSQL ${JSON.stringify(d.postgres)}, Neo4j ${JSON.stringify(d.neo4j)}`,
      ),
    );
    if (shown.length < list.length) lines.push(`  … and ${list.length - shown.length} more`);
  };
  ids('Terms missing in Neo4j', comparison.missingTerms);
  ids('Terms only in Neo4j', comparison.extraTerms);
  properties('Term property differences', comparison.termDifferences);
  ids('Relations missing in Neo4j', comparison.missingRelations);
  ids('Relations only in Neo4j', comparison.extraRelations);
  properties('Relation differences', comparison.relationDifferences);
  ids('Relations duplicated in Neo4j', comparison.duplicateRelations);
  const { pending, failed } = comparison.outbox;
  if (pending > 0)
    lines.push(
      `${plural(pending, 'change')} still in the outbox: differences about them may just be in transit.`,
    );
  if (failed > 0)
    lines.push(`${plural(failed, 'outbox row')} set aside as failed: \`lexikon graph resync\` repairs.`);
  lines.push(
    comparison.identical
      ? 'The mirror is identical to PostgreSQL.'
      : 'The mirror differs from PostgreSQL; `lexikon graph resync` rebuilds it.',
  );
  return `${lines.join('\n')}\n`;
}

export const graphCommand: CommandSpec = {
  name: 'graph',
  summary: 'Rebuild (resync) or check (verify) the Neo4j graph mirror',
  options: { ...resyncOptions, ...verifyOptions },
  subcommands: ['resync', 'verify'],
  run: graph,
  help: `Usage: lexikon graph resync [--batch-size N]
       lexikon graph verify [--max-shown N] [--json]

The Neo4j mirror (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD) of the terms and relations in PostgreSQL.

  resync   Rebuilds the mirror from scratch: clears it, then copies every term and relation from one
           consistent PostgreSQL snapshot, in batches. Safe while the API runs: outbox workers pause
           meanwhile, changes made during the resync are applied after it, and traversals answer from
           PostgreSQL until it is done. Run it once when adding a mirror, and to repair one.
  verify   Compares the mirror with PostgreSQL: terms and their properties, relations with their ends,
           type and strength. Prints the differences with counts; exits with 1 when they differ.

Options:
      --batch-size N  Terms or relations per Neo4j transaction (resync; default ${DEFAULT_RESYNC_BATCH_SIZE})
      --max-shown N   Ids listed per kind of difference (verify; default ${DEFAULT_MAX_SHOWN}; 0 lists all)
      --json          Print the whole comparison as JSON (verify)
  -h, --help          Show this help

Exit status: 0 done (verify: identical), 1 the mirror differs, 69 Neo4j unreachable, 78 NEO4J_URI unset.
`,
};
