import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Config } from '../../platform/config.ts';
import { rowsOf, type Database, type Db } from '../../platform/database/client.ts';
import { migrationsFolder, runMigrations } from '../../platform/database/migrate.ts';
import { parseCommandArgs, plural, type CommandDeps, type CommandSpec } from '../command.ts';

export interface MigrationReport {
  /** Tags of the migrations this run applied, in order. */
  applied: string[];
  /** Migrations recorded in the database afterwards. */
  total: number;
}

/**
 * Runs the migrations and reports which ones were new. Drizzle's migrator says nothing, so compare its
 * bookkeeping table (keyed by each journal entry's timestamp) before and after.
 */
export async function applyMigrations(database: Database): Promise<MigrationReport> {
  const before = await recordedMigrations(database.db);
  await runMigrations(database);
  const after = await recordedMigrations(database.db);
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
    entries: { tag: string; when: number }[];
  };
  return {
    applied: journal.entries
      .filter((entry) => after.has(entry.when) && !before.has(entry.when))
      .map((entry) => entry.tag),
    total: after.size,
  };
}

async function recordedMigrations(db: Db): Promise<Set<number>> {
  const [table] = rowsOf<{ name: string | null }>(
    await db.execute(sql`SELECT to_regclass('drizzle.__drizzle_migrations')::text AS name`),
  );
  if (!table?.name) return new Set();
  const rows = rowsOf<{ created_at: string | number | bigint }>(
    await db.execute(sql`SELECT created_at FROM drizzle.__drizzle_migrations`),
  );
  return new Set(rows.map((row) => Number(row.created_at)));
}

/** Where the data lives, without the password: people should know which database they just changed. */
export function describeDatabase(config: Config['database']): string {
  if (config.kind === 'pglite')
    return config.dataDir === null ? 'embedded PGlite (in memory)' : `embedded PGlite in ${config.dataDir}`;
  try {
    const url = new URL(config.url);
    if (url.password) url.password = '***';
    return `PostgreSQL at ${url.toString()}`;
  } catch {
    return 'PostgreSQL';
  }
}

export function describeMigrations(report: MigrationReport): string {
  if (report.applied.length === 0)
    return `nothing to apply (${plural(report.total, 'migration')} applied earlier)`;
  return `applied ${plural(report.applied.length, 'migration')}: ${report.applied.join(', ')}`;
}

const options = {} as const;

export async function migrate(deps: CommandDeps): Promise<number> {
  parseCommandArgs('migrate', options, deps.args);
  const report = await applyMigrations(deps.database);
  deps.stdout.write(
    `Database: ${describeDatabase(deps.config.database)}\n` +
      (report.applied.length === 0
        ? `Schema is up to date: nothing to apply (${plural(report.total, 'migration')} applied earlier).\n`
        : `Applied ${plural(report.applied.length, 'migration')}: ${report.applied.join(', ')}.\n` +
          `Schema is up to date (${plural(report.total, 'migration')}).\n`),
  );
  return 0;
}

export const migrateCommand: CommandSpec = {
  name: 'migrate',
  summary: 'Apply pending database migrations',
  options,
  run: migrate,
  help: `Usage: lexikon migrate

Applies every pending migration to the database and prints which ones it applied. Safe to run at any
time and from several machines at once: replicas serialise on a lock and each migration runs once.

(Every other command also applies pending migrations before it starts.)
`,
};
