import neo4j, { type Driver, type ManagedTransaction } from 'neo4j-driver';
import { relationTypes } from '../../platform/database/schema.ts';
import { symmetricRelationTypes, type RelationType } from '../../relations/schemas.ts';
import { MirrorRebuildingError, MirrorUnavailableError } from '../mirror.ts';
import type { GraphEdge, GraphNode, GraphStore, Subgraph, TraversalOptions } from '../port.ts';
import { isNeo4jUnavailable } from './driver.ts';
import {
  MIRROR_STATE_LABEL,
  neo4jRelationshipType,
  relationshipPattern,
  relationTypeOf,
  TERM_LABEL,
} from './model.ts';

const EMPTY: Subgraph = { nodes: [], edges: [], total_nodes: 0, truncated: false, edges_truncated: false };

export interface Neo4jGraphStoreOptions {
  /** Budget of one traversal's read transaction; past it the caller falls back. */
  timeoutMs?: number;
}

/**
 * Traversals in Neo4j with the same answers as PostgresGraphStore: breadth-first, one query per level
 * inside one read transaction (a consistent snapshot), each term once at its shortest depth, symmetric
 * types followed both ways whatever the direction, nodes ordered by depth, term and id, the first
 * `maxNodes` kept, and the relations among them. A variable-length pattern (`-[*1..3]-`) would enumerate
 * every path — exponential around hubs — where the level-by-level walk touches each relationship once.
 *
 * Throws MirrorUnavailableError when Neo4j cannot be reached and MirrorRebuildingError while a resync is
 * under way; a start term the mirror does not have yet gives an empty subgraph.
 */
export class Neo4jGraphStore implements GraphStore {
  readonly name = 'neo4j';
  readonly #driver: Driver;
  readonly #timeoutMs: number | undefined;

  constructor(driver: Driver, options: Neo4jGraphStoreOptions = {}) {
    this.#driver = driver;
    this.#timeoutMs = options.timeoutMs;
  }

  async related(startId: string, options: TraversalOptions): Promise<Subgraph> {
    const session = this.#driver.session({ defaultAccessMode: neo4j.session.READ });
    try {
      return await session.executeRead((tx) => traverse(tx, startId, options), {
        ...(this.#timeoutMs === undefined ? {} : { timeout: this.#timeoutMs }),
        metadata: { app: 'lexikon', purpose: 'traversal' },
      });
    } catch (error) {
      if (isNeo4jUnavailable(error))
        throw new MirrorUnavailableError(`Neo4j is unavailable: ${(error as Error).message}`, {
          cause: error,
        });
      throw error;
    } finally {
      await session.close().catch(() => {});
    }
  }
}

async function traverse(
  tx: ManagedTransaction,
  startId: string,
  options: TraversalOptions,
): Promise<Subgraph> {
  const start = await tx.run(
    `OPTIONAL MATCH (m:${MIRROR_STATE_LABEL} {key: 'state'})
     OPTIONAL MATCH (s:${TERM_LABEL} {id: $id})
     RETURN coalesce(m.rebuilding, false) AS rebuilding, s IS NOT NULL AS found`,
    { id: startId },
  );
  const state = start.records[0]!;
  if (state.get('rebuilding') === true)
    throw new MirrorRebuildingError('a resync of the mirror is under way');
  if (state.get('found') !== true) return EMPTY;

  const types = options.types ?? relationTypes;
  if (types.length === 0) return EMPTY;
  const neighbours = neighbourQuery(types, options.direction);
  const depthById = new Map<string, number>([[startId, 0]]);
  let frontier = [startId];
  for (let depth = 1; depth <= options.depth && frontier.length > 0; depth++) {
    const result = await tx.run(neighbours, { ids: frontier });
    const next: string[] = [];
    for (const record of result.records) {
      const id = record.get('id') as string;
      if (depthById.has(id)) continue;
      depthById.set(id, depth);
      next.push(id);
    }
    frontier = next;
  }

  const reached = [...depthById].map(([id, depth]) => ({ id, depth }));
  const nodesResult = await tx.run(
    `UNWIND $reached AS r
     MATCH (t:${TERM_LABEL} {id: r.id})
     RETURN t.id AS id, t.name AS term, t.domain AS domain, t.level AS level, t.status AS status, r.depth AS depth
     ORDER BY depth, term, id
     LIMIT $limit`,
    { reached, limit: neo4j.int(options.maxNodes) },
  );
  const nodes: GraphNode[] = nodesResult.records.map((record) => ({
    id: record.get('id'),
    term: record.get('term'),
    domain: record.get('domain') ?? null,
    level: record.get('level'),
    status: record.get('status'),
    depth: Number(record.get('depth')),
  }));
  const depthOf = Object.fromEntries(nodes.map((node) => [node.id, node.depth]));
  // The relations nearest the start first, as PostgreSQL orders them: by the farther end's depth, the
  // nearer end's, type name, then the ends' ids (code point order; relationship type names order as the lower-case ones).
  const edgesResult = await tx.run(
    `UNWIND $ids AS id
     MATCH (a:${TERM_LABEL} {id: id})-[r:${relationshipPattern(types)}]->(b:${TERM_LABEL})
     WHERE b.id IN $ids
     WITH r, a, b, $depths[a.id] AS da, $depths[b.id] AS db
     RETURN r.id AS id, a.id AS source_id, b.id AS target_id, type(r) AS type, r.strength AS strength,
            CASE WHEN da > db THEN da ELSE db END AS farther, CASE WHEN da < db THEN da ELSE db END AS nearer
     ORDER BY farther, nearer, type, source_id, target_id
     LIMIT $limit`,
    { ids: nodes.map((node) => node.id), depths: depthOf, limit: neo4j.int(options.maxEdges + 1) },
  );
  const edges: GraphEdge[] = edgesResult.records.map((record) => ({
    id: record.get('id'),
    source_id: record.get('source_id'),
    target_id: record.get('target_id'),
    type: relationTypeOf(record.get('type'))!,
    strength: record.get('strength') ?? null,
  }));
  const farther = (edge: GraphEdge) => Math.max(depthOf[edge.source_id]!, depthOf[edge.target_id]!);
  const nearer = (edge: GraphEdge) => Math.min(depthOf[edge.source_id]!, depthOf[edge.target_id]!);
  edges.sort(
    (a, b) =>
      farther(a) - farther(b) ||
      nearer(a) - nearer(b) ||
      compare(a.type, b.type) ||
      compare(a.source_id, b.source_id) ||
      compare(a.target_id, b.target_id),
  );
  const edgesTruncated = edges.length > options.maxEdges;
  if (edgesTruncated) edges.length = options.maxEdges;
  return {
    nodes,
    edges,
    total_nodes: reached.length,
    truncated: reached.length > nodes.length || edgesTruncated,
    edges_truncated: edgesTruncated,
  };
}

/**
 * One step from every frontier term: along the relation's direction for `out`, against it for `in`,
 * both for `both`; symmetric types always both ways (they are stored once, in the direction entered).
 */
function neighbourQuery(types: readonly RelationType[], direction: TraversalOptions['direction']): string {
  const symmetric = types.filter((type) => symmetricRelationTypes.includes(type));
  const symmetricCheck =
    symmetric.length === 0
      ? 'false'
      : `type(r) IN [${symmetric.map((type) => `'${neo4jRelationshipType(type)}'`).join(', ')}]`;
  const follows =
    direction === 'both'
      ? 'true'
      : direction === 'out'
        ? `startNode(r) = n OR ${symmetricCheck}`
        : `endNode(r) = n OR ${symmetricCheck}`;
  return `UNWIND $ids AS id
    MATCH (n:${TERM_LABEL} {id: id})-[r:${relationshipPattern(types)}]-(m:${TERM_LABEL})
    WHERE ${follows}
    RETURN DISTINCT m.id AS id`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
