import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTerm,
  createTestContext,
  createUser,
  relate,
  type TestContext,
  type TestUser,
} from './support/test-app.ts';

let context: TestContext;
let owner: TestUser;
let stranger: TestUser;

beforeAll(async () => {
  context = await createTestContext({ GRAPH_MAX_NODES: '10' });
  owner = await createUser(context);
  stranger = await createUser(context);
});
afterAll(() => context.close());

const get = (url: string, user: TestUser = owner) =>
  context.app.inject({ method: 'GET', url, headers: user.auth });

async function terms(domain: string, names: string[]): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const name of names) ids[name] = (await createTerm(context, owner, { term: name, domain })).id;
  return ids;
}

describe('relations', () => {
  it('creates a relation and lists it from both ends', async () => {
    const t = await terms('Rel basic', ['Chien', 'Mammifère']);
    const created = await relate(context, owner, t.Chien!, t['Mammifère']!, 'is_a');
    expect(created.statusCode).toBe(201);
    expect(created.body).toMatchObject({
      type: 'is_a',
      source: { id: t.Chien, term: 'Chien' },
      target: { id: t['Mammifère'], term: 'Mammifère' },
      symmetric: false,
    });
    for (const id of [t.Chien, t['Mammifère']]) {
      const list = await get(`/api/terms/${id}/relations`);
      expect(list.json().items.map((item: { id: string }) => item.id)).toEqual([created.body.id]);
    }
  });

  it('rejects self-relations, duplicates and reversed symmetric duplicates', async () => {
    const t = await terms('Rel rules', ['Chaud', 'Froid', 'Tiède']);
    expect((await relate(context, owner, t.Chaud!, t.Chaud!, 'related_to')).statusCode).toBe(422);
    expect((await relate(context, owner, t.Chaud!, t.Froid!, 'opposes')).statusCode).toBe(201);
    const duplicate = await relate(context, owner, t.Chaud!, t.Froid!, 'opposes');
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.body.code).toBe('relation-exists');
    expect((await relate(context, owner, t.Froid!, t.Chaud!, 'opposes')).statusCode).toBe(409);
    // Directed types may exist both ways (A causes B, B causes A is a feedback loop, not a duplicate).
    expect((await relate(context, owner, t.Chaud!, t['Tiède']!, 'causes')).statusCode).toBe(201);
    expect((await relate(context, owner, t['Tiède']!, t.Chaud!, 'causes')).statusCode).toBe(201);
  });

  it('rejects an is_a cycle with 422 naming the path', async () => {
    const t = await terms('Rel cycle', ['A', 'B', 'C']);
    expect((await relate(context, owner, t.A!, t.B!, 'is_a')).statusCode).toBe(201);
    expect((await relate(context, owner, t.B!, t.C!, 'is_a')).statusCode).toBe(201);
    const cycle = await relate(context, owner, t.C!, t.A!, 'is_a');
    expect(cycle.statusCode).toBe(422);
    expect(cycle.body.code).toBe('relation-cycle');
    expect((cycle.body.path as { term: string }[]).map((step) => step.term)).toEqual(['C', 'A', 'B', 'C']);
    expect(cycle.body.detail).toContain('C → A → B → C');
    // The same shape in another hierarchy type is fine: cycles are checked per type.
    expect((await relate(context, owner, t.C!, t.A!, 'part_of')).statusCode).toBe(201);
    const partCycle = await relate(context, owner, t.A!, t.C!, 'part_of');
    expect(partCycle.statusCode).toBe(422);
  });

  it('never lets concurrent inserts close a cycle together', async () => {
    const t = await terms('Rel race', ['X', 'Y']);
    const results = await Promise.all([
      relate(context, owner, t.X!, t.Y!, 'part_of'),
      relate(context, owner, t.Y!, t.X!, 'part_of'),
    ]);
    expect(results.map((result) => result.statusCode).sort()).toEqual([201, 422]);
  });

  it('checks ownership and existence', async () => {
    const t = await terms('Rel auth', ['Mine', 'Target']);
    expect((await relate(context, stranger, t.Mine!, t.Target!, 'related_to')).statusCode).toBe(403);
    const missing = await relate(
      context,
      owner,
      t.Mine!,
      '00000000-0000-4000-8000-000000000000',
      'related_to',
    );
    expect(missing.statusCode).toBe(422);
    expect(missing.body.code).toBe('unknown-target');
    const unknownType = await relate(context, owner, t.Mine!, t.Target!, 'loves');
    expect(unknownType.statusCode).toBe(400);
  });

  it('removes a relation, and deleting a term removes its relations', async () => {
    const t = await terms('Rel delete', ['P', 'Q', 'R']);
    const pq = await relate(context, owner, t.P!, t.Q!, 'related_to');
    await relate(context, owner, t.Q!, t.R!, 'related_to');
    const removeByStranger = await context.app.inject({
      method: 'DELETE',
      url: `/api/terms/${t.P}/relations/${pq.body.id}`,
      headers: stranger.auth,
    });
    expect(removeByStranger.statusCode).toBe(403);
    const remove = await context.app.inject({
      method: 'DELETE',
      url: `/api/terms/${t.Q}/relations/${pq.body.id}`,
      headers: owner.auth,
    });
    expect(remove.statusCode).toBe(204);
    await context.app.inject({ method: 'DELETE', url: `/api/terms/${t.R}`, headers: owner.auth });
    expect((await get(`/api/terms/${t.Q}/relations`)).json().items).toEqual([]);
  });
});

describe('traversal', () => {
  // root → a → b → c → d (related_to chain), a ⇄ e cycle via causes, root is_a parent, f synonym of b.
  let t: Record<string, string>;
  beforeAll(async () => {
    t = await terms('Traversal', ['root', 'a', 'b', 'c', 'd', 'e', 'f', 'parent', 'island']);
    const edges: [string, string, string][] = [
      ['root', 'a', 'related_to'],
      ['a', 'b', 'causes'],
      ['b', 'c', 'causes'],
      ['c', 'd', 'causes'],
      ['a', 'e', 'causes'],
      ['e', 'a', 'causes'],
      ['e', 'root', 'causes'],
      ['root', 'parent', 'is_a'],
      ['f', 'b', 'synonym'],
    ];
    for (const [source, target, type] of edges) {
      const result = await relate(context, owner, t[source]!, t[target]!, type);
      expect(result.statusCode, `${source} ${type} ${target}`).toBe(201);
    }
  });

  const depths = (body: { nodes: { term: string; depth: number }[] }) =>
    Object.fromEntries(body.nodes.map((node) => [node.term, node.depth]));

  it('returns each reachable term once with its shortest depth (both directions)', async () => {
    const response = await get(`/api/terms/${t.root}/related?depth=2`);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(depths(body)).toEqual({ root: 0, a: 1, e: 1, parent: 1, b: 2 });
    expect(body.start.term).toBe('root');
    expect(body).toMatchObject({ total_nodes: 5, truncated: false, node_limit: 10, engine: 'postgres' });
  });

  it('follows only outgoing relations with direction=out, but symmetric ones both ways', async () => {
    const body = (await get(`/api/terms/${t.root}/related?depth=3&direction=out`)).json();
    expect(depths(body)).toEqual({ root: 0, a: 1, parent: 1, b: 2, e: 2, c: 3, f: 3 });
    const fromF = (await get(`/api/terms/${t.f}/related?depth=1&direction=out`)).json();
    expect(depths(fromF)).toEqual({ f: 0, b: 1 });
    const fromB = (await get(`/api/terms/${t.b}/related?depth=1&direction=out`)).json();
    expect(depths(fromB)).toEqual({ b: 0, c: 1, f: 1 });
  });

  it('filters by relation type', async () => {
    const body = (await get(`/api/terms/${t.root}/related?depth=5&types=is_a`)).json();
    expect(depths(body)).toEqual({ root: 0, parent: 1 });
    expect(body.edges).toHaveLength(1);
  });

  it('returns exactly the edges among the returned terms', async () => {
    const body = (await get(`/api/terms/${t.a}/related?depth=1`)).json();
    expect(depths(body)).toEqual({ a: 0, root: 1, b: 1, e: 1 });
    const name = Object.fromEntries(
      body.nodes.map((node: { id: string; term: string }) => [node.id, node.term]),
    );
    const edges = body.edges
      .map(
        (edge: { source_id: string; target_id: string; type: string }) =>
          `${name[edge.source_id]}-${edge.type}-${name[edge.target_id]}`,
      )
      .sort();
    expect(edges).toEqual(['a-causes-b', 'a-causes-e', 'e-causes-a', 'e-causes-root', 'root-related_to-a']);
  });

  it('caps the result and says so', async () => {
    const body = (await get(`/api/terms/${t.root}/related?depth=5`)).json();
    expect(body.total_nodes).toBe(8);
    expect(body.nodes).toHaveLength(8);
    const chain = await terms(
      'Traversal cap',
      Array.from({ length: 12 }, (_, i) => `n${i}`),
    );
    for (let i = 1; i < 12; i++) await relate(context, owner, chain.n0!, chain[`n${i}`]!, 'related_to');
    const capped = (await get(`/api/terms/${chain.n0}/related?depth=1`)).json();
    expect(capped).toMatchObject({ total_nodes: 12, truncated: true, node_limit: 10 });
    expect(capped.nodes).toHaveLength(10);
    expect(capped.nodes[0].term).toBe('n0');
  });

  it('finds the start by name, and asks for a domain when the name is ambiguous', async () => {
    const byName = await get(`/api/graph/related?term=ROOT&depth=1`);
    expect(byName.statusCode).toBe(200);
    expect(depths(byName.json())).toEqual({ root: 0, a: 1, e: 1, parent: 1 });
    await createTerm(context, owner, { term: 'root', domain: 'Elsewhere' });
    const ambiguous = await get(`/api/graph/related?term=root`);
    expect(ambiguous.statusCode).toBe(409);
    expect(ambiguous.json().candidates).toHaveLength(2);
    expect((await get(`/api/graph/related?term=root&domain=traversal&depth=1`)).statusCode).toBe(200);
    expect((await get(`/api/graph/related?term=nothing-like-this`)).statusCode).toBe(404);
  });

  it('validates depth and types', async () => {
    for (const query of ['depth=0', 'depth=6', 'depth=two', 'types=is_a,loves', 'direction=sideways']) {
      const response = await get(`/api/terms/${t.root}/related?${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().code).toBe('validation-failed');
    }
    expect((await get(`/api/terms/00000000-0000-4000-8000-000000000000/related`)).statusCode).toBe(404);
  });
});
