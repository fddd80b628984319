import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../platform/database/client.ts';
import { symmetricRelationTypes } from '../relations/schemas.ts';
import type { GraphEdge, GraphNode, GraphStore, Subgraph, TraversalOptions } from './port.ts';

const symmetricTypes = sql.raw(`'{${symmetricRelationTypes.join(',')}}'::relation_type[]`);

export class PostgresGraphStore implements GraphStore {
  readonly name = 'postgres';
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /**
   * Breadth-first walk in one recursive CTE. UNION (not UNION ALL) keeps each (term, depth) pair once,
   * so cycles cannot loop and the work is bounded by terms × depth; the shortest depth wins.
   */
  async related(startId: string, options: TraversalOptions): Promise<Subgraph> {
    const typeFilter =
      options.types === undefined ? sql`true` : sql`r.type = ANY(${typeArray(options.types)})`;
    const followOut = options.direction === 'in' ? sql`r.type = ANY(${symmetricTypes})` : sql`true`;
    const followIn = options.direction === 'out' ? sql`r.type = ANY(${symmetricTypes})` : sql`true`;

    const walk = await this.#db.execute(sql`
      WITH RECURSIVE walk(id, depth) AS (
        SELECT id, 0 FROM terms WHERE id = ${startId}::uuid
        UNION
        SELECT step.next_id, w.depth + 1
        FROM walk w
        CROSS JOIN LATERAL (
          SELECT r.target_id AS next_id FROM relationships r
          WHERE r.source_id = w.id AND ${typeFilter} AND ${followOut}
          UNION ALL
          SELECT r.source_id FROM relationships r
          WHERE r.target_id = w.id AND ${typeFilter} AND ${followIn}
        ) step
        WHERE w.depth < ${options.depth}
      ),
      reached AS (SELECT id, min(depth) AS depth FROM walk GROUP BY id)
      SELECT t.id::text AS id, t.term, t.domain, t.level::text AS level, t.status::text AS status,
             reached.depth::int AS depth, (count(*) OVER ())::int AS total
      FROM reached JOIN terms t ON t.id = reached.id
      ORDER BY reached.depth, t.term, t.id
      LIMIT ${options.maxNodes}`);
    const rows = rowsOf<GraphNode & { total: number }>(walk);
    if (rows.length === 0) return { nodes: [], edges: [], total_nodes: 0, truncated: false };

    const nodes = rows.map(({ total: _total, ...node }) => node);
    const ids = sql.raw(`'{${nodes.map((node) => node.id).join(',')}}'::uuid[]`);
    const edgeTypeFilter =
      options.types === undefined ? sql`true` : sql`type = ANY(${typeArray(options.types)})`;
    const edges = await this.#db.execute(sql`
      SELECT id::text AS id, source_id::text AS source_id, target_id::text AS target_id, type::text AS type, strength
      FROM relationships
      WHERE source_id = ANY(${ids}) AND target_id = ANY(${ids}) AND ${edgeTypeFilter}
      ORDER BY type, source_id, target_id`);
    const total = rows[0]!.total;
    return { nodes, edges: rowsOf<GraphEdge>(edges), total_nodes: total, truncated: total > nodes.length };
  }
}

function typeArray(types: readonly string[]) {
  // Types are validated against the enum before they get here; the cast makes them relation_type values.
  return sql.raw(`'{${types.join(',')}}'::relation_type[]`);
}
