import type { GraphMetrics } from '../observability/metrics.ts';
import type { Db } from '../platform/database/client.ts';
import { errors } from '../platform/errors.ts';
import type { Actor } from '../auth/policy.ts';
import type { TermReader } from '../terms/reader.ts';
import type { VocabularyReader } from '../vocabularies/reader.ts';
import type { PublicationReader } from '../review/publication.ts';
import type { GraphStore } from './port.ts';
import { publishedView } from './published-view.ts';
import type { SubgraphResponse, TraversalQuery } from './schemas.ts';

export class GraphService {
  readonly #db: Db;
  readonly #terms: TermReader;
  readonly #store: GraphStore;
  readonly #maxNodes: number;
  readonly #maxEdges: number;
  readonly #metrics: GraphMetrics | undefined;
  readonly #vocabularies: VocabularyReader;
  readonly #publications: PublicationReader | undefined;

  constructor(deps: {
    db: Db;
    terms: TermReader;
    vocabularies: VocabularyReader;
    store: GraphStore;
    maxNodes: number;
    maxEdges: number;
    metrics?: GraphMetrics;
    /** Readers without review rights get pending concepts as published (left out: the live graph). */
    publications?: PublicationReader;
  }) {
    this.#publications = deps.publications;
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
    const permissions = term && (await this.#permissions(term.vocabularyId, actor));
    if (!term || !permissions?.read) throw errors.notFound('No term with this id.');
    return this.#traverse(startId, query, permissions.review || permissions.edit_terms);
  }

  async #traverse(startId: string, query: TraversalQuery, privileged: boolean): Promise<SubgraphResponse> {
    const { engine = this.#store.name, ...subgraph } = await this.#store.related(startId, {
      depth: query.depth,
      types: query.types,
      direction: query.direction,
      maxNodes: this.#maxNodes,
      maxEdges: this.#maxEdges,
    });
    const served = privileged ? subgraph : await this.#asPublished(subgraph, startId, query);
    const start = served.nodes.find((node) => node.id === startId);
    if (!start) throw errors.notFound('No term with this id.');
    this.#metrics?.traversals.inc({ engine });
    return {
      start,
      ...served,
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
    const permissions = await Promise.all(found.map((term) => this.#permissions(term.vocabularyId, actor)));
    const matches = found.filter((_term, index) => permissions[index]?.read);
    if (matches.length === 0)
      throw errors.notFound(`No term named "${name}"${domain ? ` in "${domain}"` : ''}.`);
    if (matches.length > 1)
      throw errors.ambiguousTerm(
        name,
        matches.map((term) => ({ id: term.id, domain: term.domain })),
      );
    const chosen = permissions[found.indexOf(matches[0]!)]!;
    return this.#traverse(matches[0]!.id, query, chosen.review || chosen.edit_terms);
  }

  async #asPublished(
    subgraph: Awaited<ReturnType<GraphStore['related']>>,
    startId: string,
    query: TraversalQuery,
  ) {
    const pending = subgraph.nodes
      .filter((node) => node.status !== 'validated' && node.status !== 'deprecated')
      .map((node) => node.id);
    if (!this.#publications || pending.length === 0) return subgraph;
    const published = await this.#publications.published(this.#db, pending);
    if (published.size === 0) return subgraph;
    return publishedView(subgraph, startId, published, { depth: query.depth, direction: query.direction });
  }

  async #permissions(vocabularyId: string, actor: Actor | null) {
    return (await this.#vocabularies.byId(this.#db, vocabularyId, actor))?.permissions;
  }
}
