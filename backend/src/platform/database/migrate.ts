import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { Database } from './client.ts';

export const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), '../../../drizzle');

// An arbitrary, fixed 64-bit key: every Lexikon replica contends for the same lock.
const MIGRATION_LOCK_KEY = 7_310_258_455_912_003n;

/**
 * Applies pending migrations. Replicas starting together serialise on a session-level advisory lock, so
 * exactly one applies each migration and the others find nothing left to do.
 */
export async function runMigrations(database: Database, folder = migrationsFolder): Promise<void> {
  await database.withDedicatedConnection(async (db) => {
    await db.execute(sql`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    try {
      // Both migrators read the same folder; the driver-specific call only differs in its session type.
      if (database.kind === 'postgres') await migrateNodePg(db as never, { migrationsFolder: folder });
      else await migratePglite(db as never, { migrationsFolder: folder });
    } finally {
      await db.execute(sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
    }
  });
}
