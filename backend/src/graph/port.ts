import type { RelationType } from '../relations/schemas.ts';

export type TraversalDirection = 'out' | 'in' | 'both';

export interface TraversalOptions {
  depth: number;
  types: readonly RelationType[] | undefined;
  direction: TraversalDirection;
  maxNodes: number;
  /**
   * Relations returned at most: a dense neighbourhood (every pair of 400 terms related twice) has 160,000
   * relations among 500 terms. Those nearest the start are kept (by the farther end's depth, then type,
   * the nearer end's, type, source id and target id).
   */
  maxEdges: number;
}

export interface GraphNode {
  id: string;
  term: string;
  domain: string | null;
  level: string;
  status: string;
  /** Length of the shortest path from the start term. */
  depth: number;
}

export interface GraphEdge {
  id: string;
  source_id: string;
  target_id: string;
  type: RelationType;
  strength: number | null;
}

export interface Subgraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Terms within reach before the cap was applied (including the start). */
  total_nodes: number;
  /** More terms were in reach than `maxNodes`, or more relations among them than `maxEdges`. */
  truncated: boolean;
  /** The relations were cut at `maxEdges`. */
  edges_truncated: boolean;
  /** Which engine answered, when a store may hand the traversal to another one (see FallbackGraphStore). */
  engine?: string;
}

/**
 * Where traversals run. PostgreSQL (recursive CTE) is the default adapter; the Neo4j mirror implements
 * the same port with the same answers (GRAPH_ENGINE=neo4j). Symmetric relation types are always followed
 * both ways.
 */
export interface GraphStore {
  readonly name: string;
  related(startId: string, options: TraversalOptions): Promise<Subgraph>;
}
