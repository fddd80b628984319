import { symmetricRelationTypes } from '../relations/schemas.ts';
import type { PublishedRow } from '../review/publication.ts';
import type { GraphEdge, GraphNode, Subgraph, TraversalDirection } from './port.ts';

/**
 * A traversal as a reader without review rights gets it while some concepts in it have pending changes:
 * a pending concept's relations are those of its published revision (its label and status too), and what
 * is no longer reachable from the start within the depth is left out. Relations the pending change removed
 * have no row any more and are not brought back.
 */
export function publishedView(
  subgraph: Subgraph,
  startId: string,
  published: ReadonlyMap<string, PublishedRow>,
  options: { depth: number; direction: TraversalDirection },
): Subgraph {
  const servedEdge = (edge: GraphEdge) => {
    const served = published.get(edge.source_id);
    return (
      served === undefined ||
      served.snapshot.relations.some(
        (relation) => relation.type === edge.type && relation.target_id === edge.target_id,
      )
    );
  };
  const edges = subgraph.edges.filter(servedEdge);
  const neighbours = new Map<string, string[]>();
  const link = (from: string, to: string) => neighbours.set(from, [...(neighbours.get(from) ?? []), to]);
  for (const edge of edges) {
    const both = options.direction === 'both' || symmetricRelationTypes.includes(edge.type);
    if (both || options.direction === 'out') link(edge.source_id, edge.target_id);
    if (both || options.direction === 'in') link(edge.target_id, edge.source_id);
  }
  const depths = new Map<string, number>([[startId, 0]]);
  let frontier = [startId];
  for (let depth = 1; depth <= options.depth && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const id of frontier)
      for (const neighbour of neighbours.get(id) ?? [])
        if (!depths.has(neighbour)) {
          depths.set(neighbour, depth);
          next.push(neighbour);
        }
    frontier = next;
  }
  const nodes: GraphNode[] = subgraph.nodes
    .filter((node) => depths.has(node.id))
    .map((node) => {
      const served = published.get(node.id)?.snapshot;
      return {
        ...node,
        depth: depths.get(node.id)!,
        ...(served && {
          term: served.term,
          domain: served.domain,
          level: served.level,
          status: served.status,
        }),
      };
    });
  const kept = new Set(nodes.map((node) => node.id));
  return {
    ...subgraph,
    nodes,
    edges: edges.filter((edge) => kept.has(edge.source_id) && kept.has(edge.target_id)),
    total_nodes: subgraph.total_nodes - (subgraph.nodes.length - nodes.length),
  };
}
