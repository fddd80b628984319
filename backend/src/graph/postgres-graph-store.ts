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
    if (rows.length === 0)
      return { nodes: [], edges: [], total_nodes: 0, truncated: false, edges_truncated: false };

    const nodes = rows.map(({ total: _total, ...node }) => node);
    const ids = sql.raw(`'{${nodes.map((node) => node.id).join(',')}}'::uuid[]`);
    const depths = sql.raw(`'{${nodes.map((node) => node.depth).join(',')}}'::int[]`);
    const edgeTypeFilter =
      options.types === undefined ? sql`true` : sql`r.type = ANY(${typeArray(options.types)})`;
    // One more than the cap tells whether it cut anything; the top-N sort never materialises the rest.
    const edgeRows = rowsOf<GraphEdge>(
      await this.#db.execute(sql`
      WITH reached(id, depth) AS (SELECT * FROM unnest(${ids}, ${depths}))
      SELECT r.id::text AS id, r.source_id::text AS source_id, r.target_id::text AS target_id,
             r.type::text AS type, r.strength
      FROM relationships r
      JOIN reached s ON s.id = r.source_id
      JOIN reached t ON t.id = r.target_id
      WHERE ${edgeTypeFilter}
      ORDER BY greatest(s.depth, t.depth), least(s.depth, t.depth), r.type::text COLLATE "C",
               r.source_id::text COLLATE "C", r.target_id::text COLLATE "C"
      LIMIT ${options.maxEdges + 1}`),
    );
    const edgesTruncated = edgeRows.length > options.maxEdges;
    const total = rows[0]!.total;
    return {
      nodes,
      edges: edgesTruncated ? edgeRows.slice(0, options.maxEdges) : edgeRows,
      total_nodes: total,
      truncated: total > nodes.length || edgesTruncated,
      edges_truncated: edgesTruncated,
    };
  }
}

function typeArray(types: readonly string[]) {
  // Types are validated against the enum before they get here; the cast makes them relation_type values.
  return sql.raw(`'{${types.join(',')}}'::relation_type[]`);
}
