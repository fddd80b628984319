import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, createUser, type TestContext, type TestUser } from './support/test-app.ts';

/**
 * A traversal caps relations as well as terms (issue 14: 400 densely related terms gave 159,600 edges,
 * 29 MB, `truncated: false`). Those nearest the start are kept, and `truncated` says so.
 */

const TERMS = 24;
const EDGE_LIMIT = 50;

let context: TestContext;
let user: TestUser;

beforeAll(async () => {
  context = await createTestContext({ GRAPH_MAX_EDGES: String(EDGE_LIMIT), GRAPH_MAX_NODES: '500' });
  user = await createUser(context);
  // Every pair related twice (related_to, causes): 24 × 23 / 2 × 2 = 552 relations among 24 terms.
  await context.database.db.execute(sql`
    INSERT INTO terms (term, definition, domain)
    SELECT 'Dense ' || n, 'A term of the dense graph, number ' || n || '.', 'Dense'
    FROM generate_series(0, ${TERMS - 1}) AS n`);
  await context.database.db.execute(sql`
    INSERT INTO relationships (source_id, target_id, type)
    SELECT a.id, b.id, kind::relation_type
    FROM terms a JOIN terms b ON a.term < b.term AND a.domain = 'Dense' AND b.domain = 'Dense'
    CROSS JOIN (VALUES ('related_to'), ('causes')) AS kinds(kind)`);
});
afterAll(() => context.close());

describe('a traversal of a dense neighbourhood', () => {
  it('returns at most edge_limit relations, the nearest first, and says it was truncated', async () => {
    const response = await context.app.inject({
      method: 'GET',
      url: `/api/graph/related?term=${encodeURIComponent('Dense 0')}&depth=2`,
      headers: user.auth,
    });
    expect(response.statusCode).toBe(200);
    const body = response.json() as {
      nodes: { id: string; depth: number }[];
      edges: { source_id: string; target_id: string; type: string }[];
      truncated: boolean;
      edges_truncated: boolean;
      edge_limit: number;
      total_nodes: number;
    };
    expect(body.nodes).toHaveLength(TERMS);
    expect(body.total_nodes).toBe(TERMS);
    expect(body.edge_limit).toBe(EDGE_LIMIT);
    expect(body.edges).toHaveLength(EDGE_LIMIT);
    expect(body.edges_truncated).toBe(true);
    expect(body.truncated).toBe(true);
    // Nearest first: every relation of the start (23 others × 2 types) before any between two others.
    const start = body.nodes.find((node) => node.depth === 0)!.id;
    const touchesStart = body.edges.map((edge) => edge.source_id === start || edge.target_id === start);
    expect(touchesStart.slice(0, 2 * (TERMS - 1)).every(Boolean)).toBe(true);
    expect(touchesStart.slice(2 * (TERMS - 1)).some(Boolean)).toBe(false);
    expect(new Set(body.edges.map((edge) => `${edge.type}|${edge.source_id}|${edge.target_id}`)).size).toBe(
      EDGE_LIMIT,
    );
  });

  it('is not truncated when everything fits', async () => {
    const response = await context.app.inject({
      method: 'GET',
      url: `/api/graph/related?term=${encodeURIComponent('Dense 5')}&depth=1&types=is_a`,
      headers: user.auth,
    });
    expect(response.json()).toMatchObject({ truncated: false, edges_truncated: false, edges: [] });
  });
});
