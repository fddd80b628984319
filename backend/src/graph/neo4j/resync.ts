import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import neo4j, { type Driver } from 'neo4j-driver';
import { rowsOf, type Db } from '../../platform/database/client.ts';
import { graphOutboxRepository as outbox } from '../outbox/repository.ts';
import type { MirrorRelation, MirrorTerm } from '../mirror.ts';
import { byType, MIRROR_TRANSACTION_TIMEOUT_MS, relationParameters } from './neo4j-mirror.ts';
import {
  ensureNeo4jSchema,
  MIRROR_STATE_LABEL,
  neo4jRelationshipType,
  TERM_LABEL,
  termProperties,
} from './model.ts';

export interface ResyncOptions {
  db: Db;
  driver: Driver;
  /** Terms or relations per Neo4j write transaction (UNWIND batch). */
  batchSize?: number;
  /** Called after each batch with the terms and relations written so far and the total to write. */
  onProgress?: (done: number, total: number) => void;
  log?: (line: string) => void;
  /** Longest wait for outbox batches that workers are applying when the resync starts. */
  inFlightTimeoutMs?: number;
}

export interface ResyncResult {
  terms: number;
  relations: number;
  /** Neo4j write transactions used to load them. */
  batches: number;
  /** Outbox rows whose changes the rebuild included, deleted so they are not applied again. */
  outboxRowsCovered: number;
}

export const DEFAULT_RESYNC_BATCH_SIZE = 1000;
const DEFAULT_IN_FLIGHT_TIMEOUT_MS = 2 * MIRROR_TRANSACTION_TIMEOUT_MS + 10_000;
const CLEAR_BATCH = 1000;

/**
 * Rebuilds the Neo4j mirror from scratch out of PostgreSQL: clears it, then creates every term and
 * relation in batches with UNWIND, from one consistent snapshot (a repeatable-read transaction), while
 * the API keeps writing:
 *
 * 1. The transaction takes the outbox's pause lock: workers stop claiming. Batches already claimed are
 *    waited for, so none can write an older state over the rebuild.
 * 2. The mirror is marked as rebuilding (traversals fall back to PostgreSQL meanwhile), cleared, loaded.
 * 3. The outbox rows the snapshot sees are deleted — their changes are in the rebuild. Rows committed
 *    after the snapshot are not seen, stay, and are applied once the lock is released, so nothing written
 *    during the resync is lost and nothing stale is replayed.
 *
 * With embedded PGlite (one process, one connection) run it with the server stopped, as the CLI must.
 */
export async function resyncMirror(options: ResyncOptions): Promise<ResyncResult> {
  const { db, driver } = options;
  const batchSize = options.batchSize ?? DEFAULT_RESYNC_BATCH_SIZE;
  const log = options.log ?? (() => {});
  const singleConnection = usesSingleConnection(db);
  await ensureNeo4jSchema(driver);

  return db.transaction(
    async (tx) => {
      await outbox.pauseWorkersForTransaction(tx);
      if (!singleConnection)
        await waitForInFlight(db, options.inFlightTimeoutMs ?? DEFAULT_IN_FLIGHT_TIMEOUT_MS, log);
      const covered = rowsOf<{ id: number | string }>(await tx.execute(sql`SELECT id FROM graph_outbox`)).map(
        (row) => Number(row.id),
      );
      const counts = rowsOf<{ terms: number; relations: number }>(
        await tx.execute(sql`
          SELECT (SELECT count(*) FROM terms)::int AS terms, (SELECT count(*) FROM relationships)::int AS relations`),
      )[0]!;
      const total = counts.terms + counts.relations;
      log(`resync: ${counts.terms} terms and ${counts.relations} relations to copy into Neo4j`);

      await setRebuilding(driver, true);
      await clearMirror(driver);
      let done = 0;
      let batches = 0;
      for await (const terms of pages(tx, termsPage, batchSize)) {
        await writeBatch(driver, `UNWIND $terms AS term CREATE (t:${TERM_LABEL}) SET t = term`, {
          terms: terms.map(termProperties),
        });
        batches++;
        options.onProgress?.((done += terms.length), total);
      }
      for await (const relations of pages(tx, relationsPage, batchSize)) {
        for (const [type, group] of byType(relations)) {
          await writeBatch(
            driver,
            `UNWIND $relations AS rel
             MATCH (a:${TERM_LABEL} {id: rel.sourceId})
             MATCH (b:${TERM_LABEL} {id: rel.targetId})
             CREATE (a)-[r:${neo4jRelationshipType(type)}]->(b)
             SET r = rel.props`,
            { relations: group.map(relationParameters) },
          );
          batches++;
        }
        options.onProgress?.((done += relations.length), total);
      }
      await setRebuilding(driver, false, counts);
      // Through another connection: workers may have deleted some of these rows since the snapshot, which
      // a repeatable-read DELETE would report as a serialization failure. The pause lock is still held.
      const outboxRowsCovered = await deleteCovered(singleConnection ? tx : db, covered);
      return { terms: counts.terms, relations: counts.relations, batches, outboxRowsCovered };
    },
    { isolationLevel: 'repeatable read' },
  );
}

/** PGlite runs one connection: a second query outside the open transaction would wait for it forever. */
function usesSingleConnection(db: Db): boolean {
  return (db as unknown as { $client?: unknown }).$client instanceof PGlite;
}

async function waitForInFlight(db: Db, timeoutMs: number, log: (line: string) => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    const inFlight = await outbox.inFlight(db, new Date());
    if (inFlight === 0) return;
    if (Date.now() > deadline)
      throw new Error(
        `resync: ${inFlight} outbox row(s) are still being applied after ${Math.round(timeoutMs / 1000)} s; try again`,
      );
    if (!announced) log(`resync: waiting for ${inFlight} outbox row(s) that workers are applying`);
    announced = true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function deleteCovered(db: Db, ids: readonly number[]): Promise<number> {
  let deleted = 0;
  for (let start = 0; start < ids.length; start += 10_000) {
    const batch = JSON.stringify(ids.slice(start, start + 10_000));
    const result = await db.execute(sql`
      WITH deleted AS (
        DELETE FROM graph_outbox
        WHERE id IN (SELECT value::bigint FROM jsonb_array_elements_text(${batch}::jsonb))
        RETURNING 1)
      SELECT count(*)::int AS count FROM deleted`);
    deleted += rowsOf<{ count: number }>(result)[0]!.count;
  }
  return deleted;
}

async function setRebuilding(
  driver: Driver,
  rebuilding: boolean,
  counts?: { terms: number; relations: number },
): Promise<void> {
  await driver.executeQuery(
    `MERGE (m:${MIRROR_STATE_LABEL} {key: 'state'})
     SET m.rebuilding = $rebuilding,
         m.resyncStartedAt = CASE WHEN $rebuilding THEN datetime() ELSE m.resyncStartedAt END,
         m.resyncedAt = CASE WHEN $rebuilding THEN m.resyncedAt ELSE datetime() END,
         m.terms = $terms, m.relations = $relations`,
    { rebuilding, terms: counts?.terms ?? null, relations: counts?.relations ?? null },
  );
}

/** In many small transactions: a hub's thousands of relationships must not make one huge one. */
async function clearMirror(driver: Driver): Promise<void> {
  const session = driver.session({ defaultAccessMode: neo4j.session.WRITE });
  try {
    // CALL … IN TRANSACTIONS needs an auto-commit transaction, hence session.run.
    await session.run(
      `MATCH (t:${TERM_LABEL}) CALL (t) { DETACH DELETE t } IN TRANSACTIONS OF ${CLEAR_BATCH} ROWS`,
    );
  } finally {
    await session.close();
  }
}

async function writeBatch(
  driver: Driver,
  cypher: string,
  parameters: Record<string, unknown>,
): Promise<void> {
  const session = driver.session({ defaultAccessMode: neo4j.session.WRITE });
  try {
    await session.executeWrite((tx) => tx.run(cypher, parameters), {
      timeout: MIRROR_TRANSACTION_TIMEOUT_MS,
    });
  } finally {
    await session.close();
  }
}

/** Keyset pages in id order: constant cost per page, unlike OFFSET. */
async function* pages<Row extends { id: string }>(
  tx: Db,
  page: (tx: Db, after: string | null, limit: number) => Promise<Row[]>,
  size: number,
): AsyncGenerator<Row[]> {
  let after: string | null = null;
  for (;;) {
    const rows = await page(tx, after, size);
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < size) return;
    after = rows[rows.length - 1]!.id;
  }
}

async function termsPage(tx: Db, after: string | null, limit: number): Promise<MirrorTerm[]> {
  const result = await tx.execute(sql`
    SELECT id::text AS id, term AS name, domain, level::text AS level, status::text AS status
    FROM terms WHERE ${after === null ? sql`true` : sql`id > ${after}::uuid`}
    ORDER BY id LIMIT ${limit}`);
  return rowsOf<MirrorTerm>(result);
}

async function relationsPage(tx: Db, after: string | null, limit: number): Promise<MirrorRelation[]> {
  const result = await tx.execute(sql`
    SELECT id::text AS id, source_id::text AS "sourceId", target_id::text AS "targetId", type::text AS type, strength
    FROM relationships WHERE ${after === null ? sql`true` : sql`id > ${after}::uuid`}
    ORDER BY id LIMIT ${limit}`);
  return rowsOf<MirrorRelation>(result);
}
