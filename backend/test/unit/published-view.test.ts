import { describe, expect, it } from 'vitest';
import type { Subgraph } from '../../src/graph/port.ts';
import { publishedView } from '../../src/graph/published-view.ts';
import type { PublishedRow } from '../../src/review/publication.ts';

const node = (id: string, depth: number, status = 'validated') => ({
  id,
  term: id.toUpperCase(),
  domain: null,
  level: 'beginner',
  status,
  depth,
});
const edge = (source: string, target: string, type: 'is_a' | 'related_to' = 'is_a') => ({
  id: `${source}-${target}`,
  source_id: source,
  target_id: target,
  type,
  strength: null,
});
const publishedAs = (
  relations: { type: 'is_a' | 'related_to'; target_id: string }[],
  term = 'B (published)',
) =>
  ({
    termId: 'b',
    revision: 3,
    termVersion: 4,
    publishedAt: new Date(0),
    snapshot: { term, domain: null, level: 'beginner', status: 'validated', relations },
  }) as unknown as PublishedRow;

// a → b → c → d, and b's pending change added b → c (its published revision has b → d instead).
const subgraph: Subgraph = {
  nodes: [node('a', 0), node('b', 1, 'in_review'), node('c', 2), node('d', 3)],
  edges: [edge('a', 'b'), edge('b', 'c'), edge('c', 'd')],
  total_nodes: 4,
  truncated: false,
  edges_truncated: false,
};

describe('the published view of a traversal', () => {
  it('keeps only the published relations of pending concepts and what stays reachable, with new depths', () => {
    const view = publishedView(subgraph, 'a', new Map([['b', publishedAs([])]]), {
      depth: 3,
      direction: 'out',
    });
    expect(view.nodes.map((item) => [item.id, item.depth])).toEqual([
      ['a', 0],
      ['b', 1],
    ]);
    expect(view.nodes[1]).toMatchObject({ term: 'B (published)', status: 'validated' });
    expect(view.edges.map((item) => item.id)).toEqual(['a-b']);
    expect(view.total_nodes).toBe(2);
  });

  it('keeps a pending concept’s relations that its published revision has too', () => {
    const view = publishedView(
      subgraph,
      'a',
      new Map([['b', publishedAs([{ type: 'is_a', target_id: 'c' }])]]),
      {
        depth: 3,
        direction: 'out',
      },
    );
    expect(view.nodes.map((item) => item.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(view.edges).toHaveLength(3);
  });

  it('walks incoming relations, and symmetric ones both ways, as the traversal did', () => {
    const reversed: Subgraph = {
      ...subgraph,
      nodes: [node('d', 0), node('c', 1), node('b', 2, 'in_review'), node('a', 3)],
    };
    const incoming = publishedView(reversed, 'd', new Map([['b', publishedAs([])]]), {
      depth: 3,
      direction: 'in',
    });
    expect(incoming.nodes.map((item) => [item.id, item.depth])).toEqual([
      ['d', 0],
      ['c', 1],
    ]);
    const symmetric: Subgraph = {
      ...subgraph,
      edges: [edge('b', 'a', 'related_to')],
      nodes: [node('a', 0), node('b', 1, 'in_review')],
    };
    const kept = publishedView(
      symmetric,
      'a',
      new Map([['b', publishedAs([{ type: 'related_to', target_id: 'a' }])]]),
      {
        depth: 1,
        direction: 'out',
      },
    );
    expect(kept.nodes.map((item) => item.id)).toEqual(['a', 'b']);
  });
});
