import { sql } from 'drizzle-orm';
import { rowsOf } from '../../platform/database/client.ts';
import { relationTypes, termStatuses } from '../../platform/database/schema.ts';
import { parseCommandArgs, type CommandDeps, type CommandSpec } from '../command.ts';
import { describeDatabase } from './migrate.ts';

export interface Stats {
  terms: number;
  termsByStatus: Record<string, number>;
  domains: number;
  relations: number;
  relationsByType: Record<string, number>;
  users: number;
  admins: number;
}

const options = {
  json: { type: 'boolean' },
} as const;

export async function stats(deps: CommandDeps): Promise<number> {
  const values = parseCommandArgs('stats', options, deps.args);
  const counts = await collectStats(deps);
  if (values.json) {
    deps.stdout.write(`${JSON.stringify(counts, null, 2)}\n`);
    return 0;
  }
  const breakdown = (byKey: Record<string, number>) =>
    Object.entries(byKey)
      .filter(([, count]) => count > 0)
      .map(([key, count]) => `${key} ${count}`)
      .join(', ');
  const row = (label: string, count: number, detail = '') =>
    `  ${label.padEnd(10)} ${String(count).padStart(8)}${detail ? `  (${detail})` : ''}\n`;
  deps.stdout.write(
    `Database: ${describeDatabase(deps.config.database)}\n` +
      row('terms', counts.terms, breakdown(counts.termsByStatus)) +
      row('domains', counts.domains) +
      row('relations', counts.relations, breakdown(counts.relationsByType)) +
      row('users', counts.users, `${counts.admins} admin${counts.admins === 1 ? '' : 's'}`),
  );
  return 0;
}

async function collectStats({ database }: CommandDeps): Promise<Stats> {
  const [totals] = rowsOf<{ domains: number; users: number; admins: number }>(
    await database.db.execute(sql`
      SELECT (SELECT count(DISTINCT lexikon_fold(domain)) FROM terms WHERE domain IS NOT NULL)::int AS domains,
             (SELECT count(*) FROM users)::int AS users,
             (SELECT count(*) FROM users WHERE role = 'admin')::int AS admins`),
  );
  const byStatus = rowsOf<{ key: string; count: number }>(
    await database.db.execute(
      sql`SELECT status::text AS key, count(*)::int AS count FROM terms GROUP BY status`,
    ),
  );
  const byType = rowsOf<{ key: string; count: number }>(
    await database.db.execute(
      sql`SELECT type::text AS key, count(*)::int AS count FROM relationships GROUP BY type`,
    ),
  );
  // Every status and type, in schema order, zeros included: stable keys for scripts reading --json.
  const tally = (keys: readonly string[], rows: { key: string; count: number }[]) =>
    Object.fromEntries(keys.map((key) => [key, rows.find((row) => row.key === key)?.count ?? 0]));
  const sum = (rows: { count: number }[]) => rows.reduce((total, row) => total + row.count, 0);
  return {
    terms: sum(byStatus),
    termsByStatus: tally(termStatuses, byStatus),
    domains: totals!.domains,
    relations: sum(byType),
    relationsByType: tally(relationTypes, byType),
    users: totals!.users,
    admins: totals!.admins,
  };
}

export const statsCommand: CommandSpec = {
  name: 'stats',
  summary: 'Count terms, domains, relations and users',
  options,
  run: stats,
  help: `Usage: lexikon stats [--json]

Prints how many terms (by status), domains, relations (by type) and users (and administrators) the
database holds.

Options:
      --json  Print the counts as JSON
  -h, --help  Show this help
`,
};
