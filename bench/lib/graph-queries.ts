/**
 * The SQL side of the seed's comparison. The seed's SQL and Cypher do not ask the same question:
 *
 * - its SQL follows **every** relation type, while its Cypher follows only RELATED_TO;
 * - its SQL numbers the start term as depth 1 and stops at depth 3, i.e. **2 hops**, while the Cypher's
 *   `*1..3` is **3 hops**;
 * - its SQL returns the start term as a row, the Cypher does not.
 *
 * Timing one against the other would compare two different amounts of work, so the decision uses a
 * like-for-like variant, derived from the verbatim text by three edits checked below: count hops from 0,
 * follow related_to only, and return what the Cypher returns (name and path length, start excluded).
 * Both still walk paths without deduplication, one row per path, as the seed's queries do.
 */
import { SEED_TRAVERSAL_SQL } from '../../backend/src/graph/seed-query.ts';
import type { ReachedRow } from './graph-compare.ts';

function replaceOnce(text: string, search: string, replacement: string): string {
  const first = text.indexOf(search);
  if (first === -1 || text.indexOf(search, first + 1) !== -1)
    throw new Error(`the seed SQL changed: expected exactly one "${search}" in it`);
  return text.replace(search, replacement);
}

export const LIKE_FOR_LIKE_SQL = [
  ['1 as depth', '0 as depth'],
  ['WHERE tt.depth < 3', "WHERE tt.depth < 3 AND r.type = 'related_to'"],
  ['SELECT * FROM term_tree;', 'SELECT term AS name, depth AS hops FROM term_tree WHERE depth > 0;'],
].reduce((text, [search, replacement]) => replaceOnce(text, search!, replacement!), SEED_TRAVERSAL_SQL);

/** The verbatim seed SQL's rows (start included, as depth 1) as reached rows: hops = depth − 1. */
export function reachedBySeedSql(rows: readonly { term: string; depth: number }[]): ReachedRow[] {
  return rows.filter((row) => row.depth > 1).map((row) => ({ name: row.term, hops: row.depth - 1 }));
}

/** The like-for-like SQL already answers in the Cypher's shape. */
export function reachedByLikeForLikeSql(rows: readonly { name: string; hops: number }[]): ReachedRow[] {
  return rows.map((row) => ({ name: row.name, hops: Number(row.hops) }));
}
