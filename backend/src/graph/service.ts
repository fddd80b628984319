import type { GraphMetrics } from '../observability/metrics.ts';
import type { Db } from '../platform/database/client.ts';
import { errors } from '../platform/errors.ts';
import type { Actor } from '../auth/policy.ts';
import type { TermReader } from '../terms/reader.ts';
import type { VocabularyReader } from '../vocabularies/reader.ts';
import type { GraphStore } from './port.ts';
import type { SubgraphResponse, TraversalQuery } from './schemas.ts';

export class GraphService {
  readonly #db: Db;
  readonly #terms: TermReader;
  readonly #store: GraphStore;
  readonly #maxNodes: number;
  readonly #maxEdges: number;
  readonly #metrics: GraphMetrics | undefined;
  readonly #vocabularies: VocabularyReader;

  constructor(deps: {
    db: Db;
    terms: TermReader;
    vocabularies: VocabularyReader;
    store: GraphStore;
    maxNodes: number;
    maxEdges: number;
    metrics?: GraphMetrics;
  }) {
    this.#db = deps.db;
    this.#terms = deps.terms;
    this.#vocabularies = deps.vocabularies;
    this.#store = deps.store;
    this.#maxNodes = deps.maxNodes;
    this.#maxEdges = deps.maxEdges;
    this.#metrics = deps.metrics;
  }

  /**
   * Relations never cross vocabularies (the database's foreign keys), so a reader who may read the start
   * term may read everything the traversal reaches.
   */
  async relatedById(startId: string, query: TraversalQuery, actor: Actor | null): Promise<SubgraphResponse> {
    const term = await this.#terms.findById(this.#db, startId);
    if (!term || !(await this.#mayRead(term.vocabularyId, actor)))
      throw errors.notFound('No term with this id.');
    return this.#traverse(startId, query);
  }

  async #traverse(startId: string, query: TraversalQuery): Promise<SubgraphResponse> {
    const { engine = this.#store.name, ...subgraph } = await this.#store.related(startId, {
      depth: query.depth,
      types: query.types,
      direction: query.direction,
      maxNodes: this.#maxNodes,
      maxEdges: this.#maxEdges,
    });
    const start = subgraph.nodes.find((node) => node.id === startId);
    if (!start) throw errors.notFound('No term with this id.');
    this.#metrics?.traversals.inc({ engine });
    return {
      start,
      ...subgraph,
      node_limit: this.#maxNodes,
      edge_limit: this.#maxEdges,
      engine,
    } as SubgraphResponse;
  }

  /** Names are unique per domain only: an ambiguous name asks the caller to choose a domain. */
  async relatedByName(
    name: string,
    domain: string | undefined,
    query: TraversalQuery,
    actor: Actor | null,
  ): Promise<SubgraphResponse> {
    const found = await this.#terms.findByName(this.#db, name, domain);
    const readable = await Promise.all(found.map((term) => this.#mayRead(term.vocabularyId, actor)));
    const matches = found.filter((_term, index) => readable[index]);
    if (matches.length === 0)
      throw errors.notFound(`No term named "${name}"${domain ? ` in "${domain}"` : ''}.`);
    if (matches.length > 1)
      throw errors.ambiguousTerm(
        name,
        matches.map((term) => ({ id: term.id, domain: term.domain })),
      );
    return this.#traverse(matches[0]!.id, query);
  }

  async #mayRead(vocabularyId: string, actor: Actor | null): Promise<boolean> {
    return (await this.#vocabularies.byId(this.#db, vocabularyId, actor))?.permissions.read ?? false;
  }
}
