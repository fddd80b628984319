import { describe, expect, it } from 'vitest';
import { relationTypes, type RelationType } from '@lexikon/contracts/vocabulary';
import {
  contrast,
  depthGroups,
  describeEdges,
  graphPalette,
  relationPalette,
  typesIn,
  parseDepth,
  stepIndex,
  termHref,
  toGraphElements,
  type Subgraph,
} from './graph.ts';

const node = (id: string, term: string, depth: number) => ({
  id,
  term,
  domain: 'IA',
  level: 'beginner' as const,
  status: 'draft' as const,
  depth,
});
const start = node('s', 'Intelligence artificielle', 0);
const subgraph: Subgraph = {
  start,
  nodes: [start, node('b', 'Vision', 1), node('a', 'Apprentissage', 1), node('c', 'Neurone', 2)],
  edges: [
    { id: 'e1', source_id: 'a', target_id: 's', type: 'is_a', strength: null },
    { id: 'e2', source_id: 's', target_id: 'b', type: 'related_to', strength: 0.5 },
    { id: 'e3', source_id: 'c', target_id: 'a', type: 'part_of', strength: null },
    // An edge to a node the API's node limit cut off.
    { id: 'e4', source_id: 'c', target_id: 'gone', type: 'causes', strength: null },
  ],
  total_nodes: 5,
  truncated: true,
  node_limit: 4,
  edges_truncated: false,
  edge_limit: 2000,
  engine: 'postgres',
};

describe('toGraphElements', () => {
  const elements = toGraphElements(subgraph, (type) => `<${type}>`);

  it('marks the start node and classes the others by depth', () => {
    const nodes = elements.filter((element) => element.group === 'nodes');
    expect(nodes).toHaveLength(4);
    expect(nodes[0]).toEqual({
      group: 'nodes',
      data: { id: 's', label: 'Intelligence artificielle', depth: 0, start: true },
      classes: 'start',
    });
    expect(nodes.map((element) => element.classes)).toEqual(['start', 'depth-1', 'depth-1', 'depth-2']);
  });

  it('labels edges, flags directed ones, and drops dangling edges', () => {
    const edges = elements.filter((element) => element.group === 'edges');
    expect(edges.map((edge) => edge.data.id)).toEqual(['e1', 'e2', 'e3']);
    expect(edges[0]).toEqual({
      group: 'edges',
      data: { id: 'e1', source: 'a', target: 's', type: 'is_a', label: '<is_a>', directed: true },
      classes: 'directed',
    });
    expect(edges[1]!.data.directed).toBe(false);
    expect(edges[1]!.classes).toBe('symmetric');
  });

  it('caps depth classes at 3', () => {
    const deep = { ...subgraph, nodes: [start, node('z', 'Loin', 5)], edges: [] };
    expect(toGraphElements(deep, String)[1]!.classes).toBe('depth-3');
  });
});

describe('depthGroups', () => {
  it('lists the start first, then each depth alphabetically', () => {
    expect(depthGroups(subgraph).map((group) => [group.depth, group.nodes.map((n) => n.term)])).toEqual([
      [0, ['Intelligence artificielle']],
      [1, ['Apprentissage', 'Vision']],
      [2, ['Neurone']],
    ]);
  });
});

describe('describeEdges', () => {
  it('names both ends and skips edges leaving the subgraph', () => {
    expect(
      describeEdges(subgraph).map((edge) => `${edge.source.term} ${edge.type} ${edge.target.term}`),
    ).toEqual([
      'Apprentissage is_a Intelligence artificielle',
      'Intelligence artificielle related_to Vision',
      'Neurone part_of Apprentissage',
    ]);
  });
});

describe('parseDepth and termHref', () => {
  it('accepts depths 1 to 3 and defaults to 1', () => {
    expect(parseDepth('2')).toBe(2);
    expect(parseDepth('3')).toBe(3);
    expect(parseDepth('4')).toBe(1);
    expect(parseDepth('x')).toBe(1);
    expect(parseDepth(null)).toBe(1);
  });
  it('keeps the default depth out of the URL', () => {
    expect(termHref('abc')).toBe('/terms/abc');
    expect(termHref('abc', 1)).toBe('/terms/abc');
    expect(termHref('abc', 3)).toBe('/terms/abc?depth=3');
  });
});

describe('stepIndex', () => {
  it('moves forward and back with wrapping', () => {
    expect(stepIndex(-1, 3, 'ArrowRight')).toBe(0);
    expect(stepIndex(-1, 3, 'ArrowUp')).toBe(2);
    expect(stepIndex(2, 3, 'ArrowDown')).toBe(0);
    expect(stepIndex(0, 3, 'ArrowLeft')).toBe(2);
    expect(stepIndex(1, 3, 'Home')).toBe(0);
    expect(stepIndex(1, 3, 'End')).toBe(2);
    expect(stepIndex(1, 3, 'a')).toBe(1);
    expect(stepIndex(0, 0, 'ArrowRight')).toBe(-1);
  });
});

describe('relationPalette and typesIn', () => {
  it('gives every relation type its own colour, readable on the graph background in both schemes', () => {
    for (const [dark, background] of [
      [false, '#f8fafc'], // slate-50
      [true, '#0f172a'], // slate-900
    ] as const) {
      const palette = relationPalette(dark);
      expect(new Set(Object.values(palette)).size).toBe(relationTypes.length);
      for (const [type, colour] of Object.entries(palette))
        expect(contrast(colour, background), `${type} in ${dark ? 'dark' : 'light'}`).toBeGreaterThanOrEqual(
          3,
        );
    }
  });

  it('lists the types a graph has, in the model order', () => {
    const edge = (type: RelationType) => ({ id: type, source_id: 'a', target_id: 'b', type, strength: null });
    const subgraph = { edges: [edge('synonym'), edge('is_a'), edge('is_a')] } as unknown as Subgraph;
    expect(typesIn(subgraph)).toEqual(['is_a', 'synonym']);
  });
});

describe('graphPalette', () => {
  it('has distinct colours for the start and each depth in both schemes', () => {
    for (const dark of [false, true]) {
      const palette = graphPalette(dark);
      expect(new Set([palette.start, ...palette.depths]).size).toBe(4);
    }
  });
});
