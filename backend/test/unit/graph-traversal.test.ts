/**
 * Traversal shaping with the ports stubbed: GraphService over a store and a term reader in memory, and
 * FallbackGraphStore over two stores that fail on demand, moved by a manual clock. The stores' own
 * answers (recursive CTE, Cypher) are tested against PostgreSQL and Neo4j in graph-*.test.ts.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { FallbackGraphStore, MIRROR_RETRY_AFTER_MS } from '../../src/graph/fallback-graph-store.ts';
import { MirrorRebuildingError, MirrorUnavailableError } from '../../src/graph/mirror.ts';
import type { GraphStore, Subgraph, TraversalOptions } from '../../src/graph/port.ts';
import type { TraversalQuery } from '../../src/graph/schemas.ts';
import { GraphService } from '../../src/graph/service.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import type { Db } from '../../src/platform/database/client.ts';
import type { TermReader, TermRow } from '../../src/terms/reader.ts';
import type { VocabularyReader } from '../../src/vocabularies/reader.ts';
import { ManualClock } from '../support/manual-clock.ts';

const node = (id: string, depth: number) => ({
  id,
  term: `term ${id}`,
  domain: null,
  level: 'beginner',
  status: 'draft',
  depth,
});
const subgraph = (ids: string[]): Subgraph => ({
  nodes: ids.map((id, depth) => node(id, depth)),
  edges: [],
  total_nodes: ids.length,
  truncated: false,
  edges_truncated: false,
});

/** A store that records what it was asked and answers from a script: a subgraph or an error to throw. */
class ScriptedStore implements GraphStore {
  readonly calls: { startId: string; options: TraversalOptions }[] = [];
  answer: Subgraph | Error = subgraph(['a', 'b']);

  readonly name: string;

  constructor(name: string) {
    this.name = name;
  }

  async related(startId: string, options: TraversalOptions): Promise<Subgraph> {
    this.calls.push({ startId, options });
    if (this.answer instanceof Error) throw this.answer;
    return this.answer;
  }
}

type KnownTerm = Pick<TermRow, 'id' | 'term' | 'domain' | 'vocabularyId'>;

function readerOf(rows: KnownTerm[]): TermReader {
  const fold = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  return {
    findById: async (_db, id) => rows.find((row) => row.id === id) as TermRow | undefined,
    findByIds: async (_db, ids) => rows.filter((row) => ids.includes(row.id)) as TermRow[],
    findByName: async (_db, name, domain) =>
      rows.filter(
        (row) => fold(row.term) === fold(name) && (domain === undefined || row.domain === domain),
      ) as TermRow[],
  };
}

const noDatabase = {} as Db;
const everything = {
  create_terms: false,
  edit_terms: false,
  review: false,
  edit_settings: false,
  manage_members: false,
  delete: false,
};

/** Vocabularies "open" and "closed": the caller may read the first only. */
const vocabularies: VocabularyReader = {
  byId: async (_db, id) => ({
    id,
    slug: id,
    defaultLanguage: 'en',
    languages: ['en'],
    permissions: { ...everything, read: id === 'open' },
    review: { approvalsRequired: 1, selfApproval: false },
  }),
  bySlug: async () => undefined,
  readable: async () => [],
  settings: async () => undefined,
};
const term = (
  id: string,
  name = `term ${id}`,
  domain: string | null = null,
  vocabularyId = 'open',
): KnownTerm => ({
  id,
  term: name,
  domain,
  vocabularyId,
});
const query: TraversalQuery = { depth: 2, direction: 'both', types: ['is_a'] };

function graphService(store: GraphStore, rows: KnownTerm[] = [term('a'), term('missing')]) {
  const metrics = createMetrics();
  const service = new GraphService({
    db: noDatabase,
    terms: readerOf(rows),
    vocabularies,
    store,
    maxNodes: 500,
    maxEdges: 2000,
    metrics: metrics.graph,
  });
  return { service, metrics };
}

async function counted(metrics: ReturnType<typeof createMetrics>, name: string) {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((entry) => entry.name === name);
  return Object.fromEntries(
    (metric?.values ?? []).map((value) => [Object.values(value.labels).join(','), value.value]),
  );
}

describe('GraphService', () => {
  it('asks the store with the configured caps and answers the start, the limits and the engine', async () => {
    const store = new ScriptedStore('postgres');
    const { service, metrics } = graphService(store);
    const answer = await service.relatedById('a', query, null);
    expect(store.calls).toEqual([
      {
        startId: 'a',
        options: { depth: 2, direction: 'both', types: ['is_a'], maxNodes: 500, maxEdges: 2000 },
      },
    ]);
    expect(answer).toMatchObject({
      start: node('a', 0),
      node_limit: 500,
      edge_limit: 2000,
      engine: 'postgres',
      total_nodes: 2,
    });
    expect(await counted(metrics, 'graph_traversals_total')).toEqual({ postgres: 1 });
  });

  it('reports the engine that answered when the store handed the traversal over', async () => {
    const store = new ScriptedStore('neo4j');
    store.answer = { ...subgraph(['a']), engine: 'postgres' };
    const { service, metrics } = graphService(store);
    expect((await service.relatedById('a', query, null)).engine).toBe('postgres');
    expect(await counted(metrics, 'graph_traversals_total')).toEqual({ postgres: 1 });
  });

  it('answers 404 for a start term in a vocabulary the caller may not read, without asking the store', async () => {
    const store = new ScriptedStore('postgres');
    const { service } = graphService(store, [term('s', 'Secret', null, 'closed')]);
    await expect(service.relatedById('s', query, null)).rejects.toMatchObject({ status: 404 });
    await expect(service.relatedById('nowhere', query, null)).rejects.toMatchObject({ status: 404 });
    await expect(service.relatedByName('secret', undefined, query, null)).rejects.toMatchObject({
      status: 404,
    });
    expect(store.calls).toEqual([]);
  });

  it('answers 404 when the start term is not in the answer (it does not exist), and counts nothing', async () => {
    const store = new ScriptedStore('postgres');
    store.answer = subgraph([]);
    const { service, metrics } = graphService(store);
    await expect(service.relatedById('missing', query, null)).rejects.toMatchObject({
      status: 404,
      code: 'not-found',
    });
    expect(await counted(metrics, 'graph_traversals_total')).toEqual({});
  });

  it('finds the start by name without case or accents, and asks for a domain when the name is ambiguous', async () => {
    const store = new ScriptedStore('postgres');
    const { service } = graphService(store, [
      term('a', 'Réseau', 'ml'),
      term('b', 'reseau', 'telecom'),
      term('c', 'Neurone'),
      term('d', 'Réseau', 'secret', 'closed'),
    ]);
    store.answer = subgraph(['c']);
    await service.relatedByName('NEURONE', undefined, query, null);
    store.answer = subgraph(['a']);
    await service.relatedByName('reseau', 'ml', query, null);
    expect(store.calls.map((call) => call.startId)).toEqual(['c', 'a']);

    await expect(service.relatedByName('réseau', undefined, query, null)).rejects.toMatchObject({
      status: 409,
      code: 'ambiguous-term',
      extensions: {
        candidates: [
          { id: 'a', domain: 'ml' },
          { id: 'b', domain: 'telecom' },
        ],
      },
    });
    await expect(service.relatedByName('reseau', 'biology', query, null)).rejects.toMatchObject({
      status: 404,
      detail: 'No term named "reseau" in "biology".',
    });
    expect(store.calls).toHaveLength(2);
  });
});

describe('FallbackGraphStore', () => {
  const options: TraversalOptions = {
    depth: 1,
    direction: 'out',
    types: undefined,
    maxNodes: 10,
    maxEdges: 10,
  };

  function fallbackStore() {
    const clock = new ManualClock();
    const primary = new ScriptedStore('neo4j');
    const fallback = new ScriptedStore('postgres');
    const metrics = createMetrics();
    const lines: { level: number; msg: string }[] = [];
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) },
    );
    const store = new FallbackGraphStore({ primary, fallback, logger, clock, metrics: metrics.graph });
    return { clock, primary, fallback, metrics, lines, store };
  }

  it('answers from the mirror while it answers', async () => {
    const { store, primary, fallback, metrics } = fallbackStore();
    expect((await store.related('a', options)).engine).toBe('neo4j');
    expect([primary.calls.length, fallback.calls.length]).toEqual([1, 0]);
    expect(await counted(metrics, 'graph_neo4j_up')).toEqual({ neo4j: 1 });
  });

  it('falls back while the mirror is unreachable, skips it until the retry delay passes, and logs the outage once', async () => {
    const { store, primary, fallback, metrics, lines, clock } = fallbackStore();
    primary.answer = new MirrorUnavailableError('connection refused');
    expect((await store.related('a', options)).engine).toBe('postgres');
    expect((await store.related('a', options)).engine).toBe('postgres');
    expect(primary.calls).toHaveLength(1);

    clock.advance(MIRROR_RETRY_AFTER_MS);
    expect((await store.related('a', options)).engine).toBe('postgres');
    expect(primary.calls).toHaveLength(2);
    expect(fallback.calls).toHaveLength(3);
    expect(lines.filter((line) => line.msg.startsWith('graph mirror unreachable'))).toHaveLength(1);
    expect(await counted(metrics, 'graph_traversal_fallbacks_total')).toEqual({ unavailable: 3 });
    expect(await counted(metrics, 'graph_neo4j_up')).toEqual({ neo4j: 0 });

    primary.answer = subgraph(['a']);
    clock.advance(MIRROR_RETRY_AFTER_MS);
    expect((await store.related('a', options)).engine).toBe('neo4j');
    expect(lines.filter((line) => line.msg === 'graph mirror answers traversals again')).toHaveLength(1);
    expect(await counted(metrics, 'graph_neo4j_up')).toEqual({ neo4j: 1 });
  });

  it('falls back without waiting while a resync rebuilds the mirror, on a term not mirrored yet, and on any other error', async () => {
    const { store, primary, fallback, metrics, lines } = fallbackStore();
    primary.answer = new MirrorRebuildingError('resync running');
    await store.related('a', options);
    primary.answer = subgraph([]);
    await store.related('new', options);
    primary.answer = new Error('Cypher syntax error');
    await store.related('a', options);
    // None of them is an outage: the mirror is asked every time.
    expect([primary.calls.length, fallback.calls.length]).toEqual([3, 3]);
    expect(await counted(metrics, 'graph_traversal_fallbacks_total')).toEqual({
      rebuilding: 1,
      not_mirrored: 1,
      error: 1,
    });
    expect(lines.filter((line) => line.level === 50).map((line) => line.msg)).toEqual([
      'graph mirror traversal failed',
    ]);
  });
});
