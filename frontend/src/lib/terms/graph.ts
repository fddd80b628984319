import type { components } from '#lib/api/schema.ts';
import { relationTypes, type RelationType } from '@lexikon/contracts/vocabulary';
import { isDirected } from './relations.ts';

export type Subgraph = components['schemas']['Subgraph'];
export type GraphNode = Subgraph['nodes'][number];

/** Depths the term page offers; the API goes to 5, but beyond 3 a graph is a hairball. */
export const graphDepths = [1, 2, 3] as const;
export type GraphDepth = (typeof graphDepths)[number];
export const DEFAULT_GRAPH_DEPTH: GraphDepth = 1;

export function parseDepth(value: string | null | undefined): GraphDepth {
  const depth = Number(value);
  return (graphDepths as readonly number[]).includes(depth) ? (depth as GraphDepth) : DEFAULT_GRAPH_DEPTH;
}

/** `/terms/{id}` at a graph depth (the default depth keeps the URL clean). */
export function termHref(id: string, depth: GraphDepth = DEFAULT_GRAPH_DEPTH): string {
  return depth === DEFAULT_GRAPH_DEPTH ? `/terms/${id}` : `/terms/${id}?depth=${depth}`;
}

/** The shape Cytoscape.js takes (`ElementDefinition`), kept free of the library so it stays testable. */
export interface GraphElement {
  group: 'nodes' | 'edges';
  data: Record<string, string | number | boolean>;
  classes?: string;
}

/**
 * Subgraph → Cytoscape elements. Nodes carry their depth (for colour) and whether they are the start;
 * edges carry a readable label and whether they are directed (for arrow heads). Edges whose ends were
 * cut off by the API's node limit are dropped: Cytoscape refuses dangling edges.
 */
export function toGraphElements(
  subgraph: Subgraph,
  edgeLabel: (type: RelationType) => string,
): GraphElement[] {
  const ids = new Set(subgraph.nodes.map((node) => node.id));
  const nodes: GraphElement[] = subgraph.nodes.map((node) => {
    const start = node.id === subgraph.start.id;
    return {
      group: 'nodes',
      data: { id: node.id, label: node.term, depth: start ? 0 : node.depth, start },
      classes: start ? 'start' : `depth-${Math.min(node.depth, 3)}`,
    };
  });
  const edges: GraphElement[] = subgraph.edges
    .filter((edge) => ids.has(edge.source_id) && ids.has(edge.target_id))
    .map((edge) => ({
      group: 'edges',
      data: {
        id: edge.id,
        source: edge.source_id,
        target: edge.target_id,
        type: edge.type,
        label: edgeLabel(edge.type),
        directed: isDirected(edge.type),
      },
      classes: isDirected(edge.type) ? 'directed' : 'symmetric',
    }));
  return [...nodes, ...edges];
}

/** The nodes by depth, start first, each level alphabetical: the graph's accessible list view. */
export function depthGroups(subgraph: Subgraph, locale = 'fr'): { depth: number; nodes: GraphNode[] }[] {
  const groups = new Map<number, GraphNode[]>();
  for (const node of subgraph.nodes) {
    const depth = node.id === subgraph.start.id ? 0 : node.depth;
    groups.set(depth, [...(groups.get(depth) ?? []), node]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([depth, nodes]) => ({
      depth,
      nodes: nodes.sort((a, b) => a.term.localeCompare(b.term, locale, { sensitivity: 'base' })),
    }));
}

/** The edges as sentences' parts, with the terms' names, for the list view. */
export function describeEdges(subgraph: Subgraph): {
  id: string;
  source: GraphNode;
  target: GraphNode;
  type: RelationType;
  directed: boolean;
}[] {
  const byId = new Map(subgraph.nodes.map((node) => [node.id, node]));
  return subgraph.edges.flatMap((edge) => {
    const source = byId.get(edge.source_id);
    const target = byId.get(edge.target_id);
    return source && target
      ? [{ id: edge.id, source, target, type: edge.type, directed: isDirected(edge.type) }]
      : [];
  });
}

export interface GraphPalette {
  start: string;
  depths: [string, string, string];
  nodeText: string;
  textOutline: string;
  edge: string;
  edgeText: string;
  focus: string;
}

/** Node colours by depth in both schemes; each has a 3:1 contrast at least against the page background. */
export function graphPalette(dark: boolean): GraphPalette {
  return dark
    ? {
        start: '#a5b4fc', // indigo-300
        depths: ['#2dd4bf', '#fbbf24', '#cbd5e1'], // teal-400, amber-400, slate-300
        nodeText: '#f1f5f9',
        textOutline: '#020617',
        edge: '#94a3b8',
        edgeText: '#cbd5e1',
        focus: '#f472b6',
      }
    : {
        start: '#4338ca', // indigo-700
        depths: ['#0f766e', '#b45309', '#475569'], // teal-700, amber-700, slate-600
        nodeText: '#0f172a',
        textOutline: '#ffffff',
        edge: '#64748b',
        edgeText: '#334155',
        focus: '#be185d',
      };
}

/**
 * One colour per relation type, so a reader can follow a kind of link through a deep graph; each keeps a
 * 3:1 contrast against the graph's background in its scheme (the legend and the line style repeat it).
 */
export function relationPalette(dark: boolean): Record<RelationType, string> {
  return dark
    ? {
        is_a: '#60a5fa', // blue-400
        part_of: '#34d399', // emerald-400
        related_to: '#cbd5e1', // slate-300
        synonym: '#f0abfc', // fuchsia-300
        opposes: '#fb923c', // orange-400
        causes: '#facc15', // yellow-400
        precedes: '#a78bfa', // violet-400
        influenced_by: '#22d3ee', // cyan-400
      }
    : {
        is_a: '#1d4ed8', // blue-700
        part_of: '#047857', // emerald-700
        related_to: '#475569', // slate-600
        synonym: '#a21caf', // fuchsia-700
        opposes: '#c2410c', // orange-700
        causes: '#854d0e', // yellow-800
        precedes: '#6d28d9', // violet-700
        influenced_by: '#0e7490', // cyan-700
      };
}

/** The relation types a subgraph has, in the model's order: the legend's and the filter's entries. */
export function typesIn(subgraph: Subgraph): RelationType[] {
  const present = new Set(subgraph.edges.map((edge) => edge.type));
  return relationTypes.filter((type) => present.has(type));
}

/** WCAG relative-luminance contrast of two #rrggbb colours. */
export function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((at) => {
      const channel = parseInt(hex.slice(at, at + 2), 16) / 255;
      return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [light, darker] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (darker! + 0.05);
}

/** Arrow-key movement through the nodes (wrapping); -1 means nothing is focused yet. */
export function stepIndex(current: number, count: number, key: string): number {
  if (count === 0) return -1;
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  const forward = key === 'ArrowRight' || key === 'ArrowDown';
  const backward = key === 'ArrowLeft' || key === 'ArrowUp';
  if (!forward && !backward) return current;
  if (current < 0) return forward ? 0 : count - 1;
  return (current + (forward ? 1 : -1) + count) % count;
}
