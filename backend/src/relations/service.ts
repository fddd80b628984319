import type { Actor } from '../auth/policy.ts';
import type { AuthUser } from '../auth/tokens.ts';
import type { GraphChangeRecorder } from '../graph/outbox/recorder.ts';
import type { RevisionRecorder } from '../history/recorder.ts';
import type { SkippedRelation } from '../history/schemas.ts';
import type { Db } from '../platform/database/client.ts';
import { classifyDatabaseError, isUniqueViolation } from '../platform/database/errors.ts';
import { errors } from '../platform/errors.ts';
import type { TermReader, TermReviewStatus, TermRow } from '../terms/reader.ts';
import type { ApprovalGate } from '../review/approvals.ts';
import type { PublicationReader } from '../review/publication.ts';
import { policy } from '../auth/policy.ts';
import type { VocabularyReader } from '../vocabularies/reader.ts';
import type { VocabularyPermissions } from '../vocabularies/schemas.ts';
import type { RelationsRepository, RelationWithEnds } from './repository.ts';
import {
  hierarchicalRelationTypes,
  symmetricRelationTypes,
  type CreateRelationBody,
  type Relation,
  type RelationType,
} from './schemas.ts';

/** What relation writes need from definition validation, inside their transactions. */
export interface RelationValidationHooks {
  /** The relations of these terms changed: the rules that look at relations must run again. */
  relationsChanged(tx: Db, termIds: readonly string[]): Promise<void>;
}

export class RelationsService {
  readonly #db: Db;
  readonly #repository: RelationsRepository;
  readonly #terms: TermReader;
  readonly #validation: RelationValidationHooks;
  readonly #graphChanges: GraphChangeRecorder;
  readonly #vocabularies: VocabularyReader;
  readonly #revisions: RevisionRecorder;
  readonly #approvals: Pick<ApprovalGate, 'editStands'>;
  readonly #reviewStatus: TermReviewStatus;
  readonly #publications: PublicationReader;

  constructor(deps: {
    db: Db;
    repository: RelationsRepository;
    terms: TermReader;
    validation: RelationValidationHooks;
    graphChanges: GraphChangeRecorder;
    vocabularies: VocabularyReader;
    revisions: RevisionRecorder;
    approvals: Pick<ApprovalGate, 'editStands'>;
    reviewStatus: TermReviewStatus;
    publications: PublicationReader;
  }) {
    this.#publications = deps.publications;
    this.#approvals = deps.approvals;
    this.#reviewStatus = deps.reviewStatus;
    this.#vocabularies = deps.vocabularies;
    this.#revisions = deps.revisions;
    this.#db = deps.db;
    this.#repository = deps.repository;
    this.#terms = deps.terms;
    this.#validation = deps.validation;
    this.#graphChanges = deps.graphChanges;
  }

  async create(sourceId: string, body: CreateRelationBody, user: AuthUser): Promise<Relation> {
    if (sourceId === body.target_id) throw errors.selfRelation();
    try {
      const id = await this.#db.transaction(async (tx) => {
        const hierarchical = hierarchicalRelationTypes.includes(body.type);
        // Taken first, before any row lock: the insert's foreign-key checks lock both terms, and taking
        // the advisory lock after a row lock would let two opposite inserts deadlock.
        if (hierarchical) await this.#repository.lockHierarchy(tx, body.type);
        const source = await this.#terms.findById(tx, sourceId);
        const permissions = source && (await this.#permissions(tx, source.vocabularyId, user));
        if (!source || !permissions?.read) throw errors.notFound('No term with this id.');
        if (!policy.mayChangeTerm(user, permissions, source))
          throw errors.forbidden(
            'Only the creator of a term or an editor of its vocabulary may add relations from it.',
          );
        const target = await this.#terms.findById(tx, body.target_id);
        if (!target) throw errors.unknownTarget(body.target_id);
        if (target.vocabularyId !== source.vocabularyId) throw errors.relationAcrossVocabularies();
        if (hierarchical) {
          const cycle = await findCycle(this.#repository, tx, sourceId, body.target_id, body.type);
          if (cycle) {
            const names = (await this.#terms.findByIds(tx, cycle)).reduce(
              (byId, term) => byId.set(term.id, term.term),
              new Map<string, string>(),
            );
            const path = cycle.map((id) => ({ id, term: names.get(id) ?? id }));
            throw errors.relationCycle(body.type, path);
          }
        }
        const row = await this.#repository.insert(tx, {
          vocabularyId: source.vocabularyId,
          sourceId,
          targetId: body.target_id,
          type: body.type,
          strength: body.strength ?? null,
          createdBy: user.id,
        });
        await this.#graphChanges.relationsChanged(tx, [
          { relationId: row.id, sourceId, targetId: body.target_id, type: body.type, change: 'created' },
        ]);
        await this.#validation.relationsChanged(tx, [sourceId, body.target_id]);
        await this.#reviewRelationChange(tx, source, user);
        // A relation is part of its source concept: a revision of it.
        await this.#revisions.record(
          tx,
          [{ termId: sourceId, vocabularyId: source.vocabularyId, action: 'updated' }],
          { authorId: user.id },
        );
        return row.id;
      });
      return toRelation((await this.#repository.findById(this.#db, id))!);
    } catch (error) {
      // Either end deleted between our check and the insert (a concurrent delete).
      const failure = classifyDatabaseError(error);
      if (failure?.kind === 'foreign-key-violation' && failure.constraint === 'relationships_target_fk')
        throw errors.unknownTarget(body.target_id, 'The target term does not exist (it was just deleted).');
      if (failure?.kind === 'foreign-key-violation' && failure.constraint === 'relationships_source_fk')
        throw errors.notFound('No term with this id (it was just deleted).');
      if (isUniqueViolation(error, 'relationships_pair_key'))
        throw errors.relationExists(body.type, symmetricRelationTypes.includes(body.type));
      throw error;
    }
  }

  /** A term's relations; with `vocabularySlug`, only if the term belongs to that vocabulary. */
  async list(termId: string, actor: Actor | null, vocabularySlug?: string): Promise<Relation[]> {
    const term = await this.#terms.findById(this.#db, termId);
    const vocabulary = term && (await this.#vocabularies.byId(this.#db, term.vocabularyId, actor));
    if (!vocabulary?.permissions.read || (vocabularySlug !== undefined && vocabulary.slug !== vocabularySlug))
      throw errors.notFound('No term with this id.');
    const rows = await this.#repository.listForTerm(this.#db, termId);
    return (await this.#asPublished(rows, vocabulary.permissions, actor)).map(toRelation);
  }

  /**
   * A relation from a concept with a pending change is part of that change: whoever may neither edit nor
   * review the concept sees only the relations its published revision has. (One removed by the pending
   * change has no row any more: it is not shown meanwhile.)
   */
  async #asPublished(
    rows: RelationWithEnds[],
    permissions: VocabularyPermissions,
    actor: Actor | null,
  ): Promise<RelationWithEnds[]> {
    if (permissions.review || permissions.edit_terms || rows.length === 0) return rows;
    const sources = await this.#terms.findByIds(this.#db, [...new Set(rows.map((row) => row.sourceId))]);
    const pending = sources.filter(
      (source) =>
        source.status !== 'validated' &&
        source.status !== 'deprecated' &&
        !(actor !== null && policy.mayChangeTerm(actor, permissions, source)),
    );
    if (pending.length === 0) return rows;
    const published = await this.#publications.published(
      this.#db,
      pending.map((source) => source.id),
    );
    return rows.filter((row) => {
      const served = published.get(row.sourceId);
      return (
        served === undefined ||
        served.snapshot.relations.some(
          (relation) => relation.type === row.type && relation.target_id === row.targetId,
        )
      );
    });
  }

  async delete(termId: string, relationId: string, user: AuthUser): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const relation = await this.#repository.findById(tx, relationId);
      const permissions = relation && (await this.#permissions(tx, relation.vocabularyId, user));
      if (!relation || !permissions?.read || (relation.sourceId !== termId && relation.targetId !== termId))
        throw errors.notFound('This term has no relation with this id.');
      const ends = await Promise.all([
        this.#terms.findById(tx, relation.sourceId),
        this.#terms.findById(tx, relation.targetId),
      ]);
      if (!policy.mayRemoveRelation(user, permissions, relation, ends))
        throw errors.forbidden(
          'Only the relation’s creator, the creator of either term, or an editor of the vocabulary may remove it.',
        );
      await this.#repository.delete(tx, relationId);
      await this.#graphChanges.relationsChanged(tx, [
        {
          relationId,
          sourceId: relation.sourceId,
          targetId: relation.targetId,
          type: relation.type,
          change: 'deleted',
        },
      ]);
      await this.#validation.relationsChanged(tx, [relation.sourceId, relation.targetId]);
      if (ends[0]) await this.#reviewRelationChange(tx, ends[0], user);
      await this.#revisions.record(
        tx,
        [{ termId: relation.sourceId, vocabularyId: relation.vocabularyId, action: 'updated' }],
        { authorId: user.id },
      );
    });
  }

  /**
   * A relation is part of its source concept: changing one of a validated concept is changing the
   * concept, which goes to review like an edit — unless the author may publish their own change. Readers
   * keep its published revision meanwhile.
   */
  async #reviewRelationChange(tx: Db, source: TermRow, user: AuthUser): Promise<void> {
    if (source.status !== 'validated') return;
    const vocabulary = await this.#vocabularies.byId(tx, source.vocabularyId, user);
    if (!vocabulary || this.#approvals.editStands(user, vocabulary)) return;
    if (await this.#reviewStatus.sendValidatedToReview(tx, source.id))
      await this.#graphChanges.termsChanged(tx, [{ termId: source.id, change: 'updated' }]);
  }

  /**
   * Takes the locks a hierarchy change needs, before any row lock (see create): a restore, which may add
   * relations of any type, calls it first.
   */
  async lockHierarchies(tx: Db): Promise<void> {
    for (const type of hierarchicalRelationTypes) await this.#repository.lockHierarchy(tx, type);
  }

  /**
   * Inside the caller's transaction (a restore): makes these relations exist from `sourceId` — and, with
   * `exclusive`, removes its other outgoing ones. What cannot come back (an end deleted, a cycle, the
   * pair already linked the other way) is skipped and returned. The caller records the revisions.
   */
  async restoreIn(
    tx: Db,
    sourceId: string,
    wanted: readonly { type: RelationType; target_id: string; strength: number | null }[],
    user: AuthUser,
    options: { exclusive: boolean },
  ): Promise<SkippedRelation[]> {
    const skipped: SkippedRelation[] = [];
    const skip = (relation: (typeof wanted)[number], reason: SkippedRelation['reason']) =>
      skipped.push({ type: relation.type, source_id: sourceId, target_id: relation.target_id, reason });
    const source = await this.#terms.findById(tx, sourceId);
    if (!source) {
      for (const relation of wanted) skip(relation, 'source-missing');
      return skipped;
    }
    const permissions = await this.#permissions(tx, source.vocabularyId, user);
    const current = (await this.#repository.listForTerm(tx, sourceId)).filter(
      (relation) => relation.sourceId === sourceId,
    );
    const key = (type: string, targetId: string) => `${type} ${targetId}`;
    const wantedKeys = new Set(wanted.map((relation) => key(relation.type, relation.target_id)));
    const removed = options.exclusive
      ? current.filter((relation) => !wantedKeys.has(key(relation.type, relation.targetId)))
      : [];
    for (const relation of removed) await this.#repository.delete(tx, relation.id);
    const changes: Parameters<GraphChangeRecorder['relationsChanged']>[1][number][] = removed.map(
      (relation) => ({
        relationId: relation.id,
        sourceId,
        targetId: relation.targetId,
        type: relation.type,
        change: 'deleted' as const,
      }),
    );
    const existing = new Set(current.map((relation) => key(relation.type, relation.targetId)));
    const touched = new Set<string>(removed.map((relation) => relation.targetId));
    for (const relation of wanted) {
      if (existing.has(key(relation.type, relation.target_id))) continue;
      if (!policy.mayChangeTerm(user, permissions, source)) {
        skip(relation, 'not-allowed');
        continue;
      }
      const target = await this.#terms.findById(tx, relation.target_id);
      if (!target) {
        skip(relation, 'target-missing');
        continue;
      }
      if (target.vocabularyId !== source.vocabularyId) {
        skip(relation, 'other-vocabulary');
        continue;
      }
      // Checked, not caught: a failed insert would abort the whole transaction.
      if (await this.#repository.pairExists(tx, sourceId, relation.target_id, relation.type)) {
        skip(relation, 'exists');
        continue;
      }
      if (
        hierarchicalRelationTypes.includes(relation.type) &&
        (await findCycle(this.#repository, tx, sourceId, relation.target_id, relation.type))
      ) {
        skip(relation, 'cycle');
        continue;
      }
      const row = await this.#repository.insert(tx, {
        vocabularyId: source.vocabularyId,
        sourceId,
        targetId: relation.target_id,
        type: relation.type,
        strength: relation.strength,
        createdBy: user.id,
      });
      changes.push({
        relationId: row.id,
        sourceId,
        targetId: relation.target_id,
        type: relation.type,
        change: 'created',
      });
      touched.add(relation.target_id);
    }
    if (changes.length > 0) {
      await this.#graphChanges.relationsChanged(tx, changes);
      await this.#validation.relationsChanged(tx, [sourceId, ...touched]);
    }
    return skipped;
  }

  async #permissions(db: Db, vocabularyId: string, actor: Actor | null): Promise<VocabularyPermissions> {
    return (await this.#vocabularies.byId(db, vocabularyId, actor))!.permissions;
  }
}

/**
 * Adding source → target closes a cycle exactly when source is already reachable from target. Returns
 * the cycle as a list of ids starting and ending at source, or null.
 */
async function findCycle(
  repository: RelationsRepository,
  db: Db,
  sourceId: string,
  targetId: string,
  type: RelationType,
): Promise<string[] | null> {
  const edges = await repository.reachableEdges(db, targetId, type);
  if (!edges.some((edge) => edge.child === sourceId)) return null;
  // Breadth-first over the returned edges gives the shortest path target → … → source.
  const cameFrom = new Map<string, string>([[targetId, targetId]]);
  const queue = [targetId];
  const children = new Map<string, string[]>();
  for (const edge of edges) children.set(edge.parent, [...(children.get(edge.parent) ?? []), edge.child]);
  while (queue.length > 0 && !cameFrom.has(sourceId)) {
    const node = queue.shift()!;
    for (const child of children.get(node) ?? []) {
      if (cameFrom.has(child)) continue;
      cameFrom.set(child, node);
      queue.push(child);
    }
  }
  const path = [sourceId];
  for (let node = sourceId; node !== targetId;) {
    node = cameFrom.get(node)!;
    path.unshift(node);
  }
  return [sourceId, ...path];
}

export function toRelation(row: RelationWithEnds): Relation {
  return {
    id: row.id,
    type: row.type,
    source: { id: row.sourceId, term: row.sourceTerm, domain: row.sourceDomain },
    target: { id: row.targetId, term: row.targetTerm, domain: row.targetDomain },
    strength: row.strength,
    symmetric: symmetricRelationTypes.includes(row.type),
    created_by: row.createdBy,
    created_at: row.createdAt.toISOString(),
  };
}
