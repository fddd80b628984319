import type { Actor } from '../auth/policy.ts';
import { policy } from '../auth/policy.ts';
import type { AuthUser } from '../auth/tokens.ts';
import type { RevisionRecorder } from '../history/recorder.ts';
import type { RevisionAction } from '../history/schemas.ts';
import type { Db } from '../platform/database/client.ts';
import { errors } from '../platform/errors.ts';
import type { VocabularyReader, VocabularyInScope } from '../vocabularies/reader.ts';
import type { ApprovalGate } from './approvals.ts';
import type { ReviewableConcept, ReviewableTerms } from './ports.ts';
import type { DecisionRow, QueueRow, ReviewRepository } from './repository.ts';
import {
  REVIEW_QUEUE_MAX,
  type ApproveBody,
  type RequestChangesBody,
  type ReviewActionBody,
  type ReviewDecision,
  type ReviewQueue,
  type ReviewQueueItem,
  type ReviewResult,
  type ReviewState,
} from './schemas.ts';

type Expected = { version: number; source: 'if-match' | 'body' };

/**
 * Review before serving: submit a change, withdraw it, request changes, approve it — the approval that
 * completes the vocabulary's count publishes it (through the validated gate). Each action is a revision
 * of its own in the concept's history, written last in its transaction like every other.
 */
export class ReviewService {
  readonly #db: Db;
  readonly #repository: ReviewRepository;
  readonly #terms: ReviewableTerms;
  readonly #approvals: ApprovalGate;
  readonly #revisions: RevisionRecorder;
  readonly #vocabularies: VocabularyReader;

  constructor(deps: {
    db: Db;
    repository: ReviewRepository;
    terms: ReviewableTerms;
    approvals: ApprovalGate;
    revisions: RevisionRecorder;
    vocabularies: VocabularyReader;
  }) {
    this.#db = deps.db;
    this.#repository = deps.repository;
    this.#terms = deps.terms;
    this.#approvals = deps.approvals;
    this.#revisions = deps.revisions;
    this.#vocabularies = deps.vocabularies;
  }

  /** Sends the current state of a concept (a draft, or a change sent back) to review. */
  async submit(
    id: string,
    body: ReviewActionBody,
    expected: Expected,
    user: AuthUser,
  ): Promise<ReviewResult> {
    return this.#act(id, expected, user, async (tx, term, vocabulary) => {
      if (!this.#terms.mayChange(user, vocabulary, term))
        throw errors.forbidden(
          'Only the author of this concept or an editor of its vocabulary may submit it.',
        );
      if (term.status !== 'draft' && term.status !== 'proposed')
        throw errors.notInReview(term.status, 'submitted (only a draft or a proposed concept is)');
      await this.#terms.moveStatus(tx, term, 'in_review', user, undefined);
      return { action: 'submitted', comment: body.comment ?? null };
    });
  }

  /** Takes a change back out of review, to keep working on it. */
  async withdraw(
    id: string,
    body: ReviewActionBody,
    expected: Expected,
    user: AuthUser,
  ): Promise<ReviewResult> {
    return this.#act(id, expected, user, async (tx, term, vocabulary) => {
      if (!this.#terms.mayChange(user, vocabulary, term))
        throw errors.forbidden(
          'Only the author of this concept or an editor of its vocabulary may withdraw it.',
        );
      if (term.status !== 'in_review') throw errors.notInReview(term.status, 'withdrawn');
      await this.#terms.moveStatus(tx, term, 'draft', user, undefined);
      return { action: 'withdrawn', comment: body.comment ?? null };
    });
  }

  /** Sends the change back to its author, saying what should change. */
  async requestChanges(
    id: string,
    body: RequestChangesBody,
    expected: Expected,
    user: AuthUser,
  ): Promise<ReviewResult> {
    return this.#act(id, expected, user, async (tx, term, vocabulary) => {
      if (!vocabulary.permissions.review)
        throw errors.forbidden(
          'Only a reviewer of this vocabulary (or an administrator) may request changes.',
        );
      if (term.status !== 'in_review') throw errors.notInReview(term.status, 'sent back');
      await this.#repository.recordDecision(tx, {
        termId: term.id,
        vocabularyId: vocabulary.id,
        termVersion: term.version,
        reviewerId: user.id,
        decision: 'changes_requested',
        comment: body.comment,
      });
      await this.#terms.moveStatus(tx, term, 'draft', user, undefined);
      return { action: 'changes_requested', comment: body.comment };
    });
  }

  /** One reviewer's approval; the one completing the vocabulary's count publishes the concept. */
  async approve(id: string, body: ApproveBody, expected: Expected, user: AuthUser): Promise<ReviewResult> {
    return this.#act(id, expected, user, async (tx, term, vocabulary) => {
      if (!vocabulary.permissions.review)
        throw errors.forbidden(
          'Only a reviewer of this vocabulary (or an administrator) may approve a change.',
        );
      if (term.status !== 'in_review') throw errors.notInReview(term.status, 'approved');
      const comment = body.comment ?? null;
      const { complete } = await this.#approvals.approve(
        tx,
        { termId: term.id, vocabularyId: vocabulary.id, version: term.version },
        user,
        vocabulary,
        comment,
      );
      // The validated gate applies to every approval, not only to the one that publishes.
      if (complete) await this.#terms.moveStatus(tx, term, 'validated', user, body.override_findings);
      else await this.#terms.checkGate(tx, term, user, body.override_findings);
      return { action: 'approved', comment, published: complete };
    });
  }

  async state(id: string, actor: Actor): Promise<ReviewState> {
    const { term, vocabulary } = await this.#terms.find(this.#db, id, actor, { lock: false });
    if (!vocabulary.permissions.review && !this.#terms.mayChange(actor, vocabulary, term))
      throw errors.forbidden('Only the editors and reviewers of this concept see its review.');
    return this.#state(this.#db, term, vocabulary, actor);
  }

  /** What waits for the caller: changes to review, and their own changes sent back. */
  async queue(actor: Actor): Promise<ReviewQueue> {
    const readable = await this.#vocabularies.readable(this.#db, actor);
    const reviewing = readable.filter((vocabulary) => vocabulary.permissions.review);
    const slugs = new Map(readable.map((vocabulary) => [vocabulary.id, vocabulary]));
    const [toReview, returned] = await Promise.all([
      this.#repository.queue(this.#db, {
        vocabularyIds: reviewing.map((vocabulary) => vocabulary.id),
        status: 'in_review',
        notAuthoredBy: {
          userId: actor.id,
          exceptVocabularies: reviewing
            .filter((vocabulary) =>
              policy.mayApprove(actor, vocabulary.permissions, {
                authorIds: [actor.id],
                selfApproval: vocabulary.review.selfApproval,
              }),
            )
            .map((vocabulary) => vocabulary.id),
        },
        notApprovedBy: actor.id,
        limit: REVIEW_QUEUE_MAX,
      }),
      this.#repository.queue(this.#db, {
        vocabularyIds: readable.map((vocabulary) => vocabulary.id),
        status: 'draft',
        authoredBy: actor.id,
        changesRequested: true,
        limit: REVIEW_QUEUE_MAX,
      }),
    ]);
    const item = (row: QueueRow): ReviewQueueItem => {
      const vocabulary = slugs.get(row.vocabularyId)!;
      return {
        id: row.id,
        vocabulary_slug: vocabulary.slug,
        term: row.term,
        status: row.status,
        version: row.version,
        published_revision: row.publishedRevision,
        latest_revision: row.latestRevision,
        approvals: row.approvals,
        approvals_required: vocabulary.review.approvalsRequired,
        submitted_by: row.submittedBy === null ? null : { id: row.submittedBy, name: row.submittedByName },
        submitted_at: row.submittedAt.toISOString(),
        comment: row.comment,
      };
    };
    return { to_review: toReview.map(item), returned: returned.map(item) };
  }

  async #act(
    id: string,
    expected: Expected,
    user: AuthUser,
    action: (
      tx: Db,
      term: ReviewableConcept,
      vocabulary: VocabularyInScope,
    ) => Promise<{ action: RevisionAction; comment: string | null; published?: boolean }>,
  ): Promise<ReviewResult> {
    const { published, review } = await this.#db.transaction(async (tx) => {
      const { term, vocabulary } = await this.#terms.find(tx, id, user, { lock: true });
      if (term.version !== expected.version) {
        const detail = `You acted on version ${expected.version}, but the concept is now at version ${term.version}. Reload it and look again.`;
        throw expected.source === 'if-match'
          ? errors.preconditionFailed(detail)
          : errors.versionConflict(detail, {});
      }
      const done = await action(tx, term, vocabulary);
      await this.#revisions.record(tx, [{ termId: id, vocabularyId: vocabulary.id, action: done.action }], {
        authorId: user.id,
        comment: done.comment,
      });
      const after = await this.#terms.find(tx, id, user, { lock: false });
      return {
        published: done.published ?? false,
        review: await this.#state(tx, after.term, vocabulary, user),
      };
    });
    return { concept: await this.#terms.get(id, user), review, published };
  }

  async #state(
    db: Db,
    term: ReviewableConcept,
    vocabulary: VocabularyInScope,
    actor: Actor,
  ): Promise<ReviewState> {
    const [publishedRevision, latestRevision, approvals, decisions] = await Promise.all([
      this.#repository.publishedRevision(db, term.id),
      this.#repository.latestRevision(db, term.id),
      this.#repository.approvals(db, term.id, term.version),
      this.#repository.decisions(db, term.id, 20),
    ]);
    const authors = await this.#repository.authorsSince(db, term.id, publishedRevision);
    const inReview = term.status === 'in_review';
    const mayChange = this.#terms.mayChange(actor, vocabulary, term);
    const mayApprove = policy.mayApprove(actor, vocabulary.permissions, {
      authorIds: authors.map((author) => author.id),
      selfApproval: vocabulary.review.selfApproval,
    });
    const approvedAlready = approvals.some((approval) => approval.reviewerId === actor.id);
    const pending = publishedRevision !== null && term.status !== 'validated' && term.status !== 'deprecated';
    return {
      status: term.status,
      version: term.version,
      published_revision: publishedRevision,
      latest_revision: latestRevision,
      pending,
      approvals_required: vocabulary.review.approvalsRequired,
      self_approval: vocabulary.review.selfApproval,
      approvals: approvals.map(toDecision),
      decisions: decisions.map(toDecision),
      authors,
      may: {
        submit: mayChange && (term.status === 'draft' || term.status === 'proposed'),
        withdraw: mayChange && inReview,
        approve: inReview && mayApprove && !approvedAlready,
        request_changes: inReview && vocabulary.permissions.review,
      },
      refusal:
        !inReview || !vocabulary.permissions.review
          ? null
          : !mayApprove
            ? 'You made this change: another reviewer must approve it.'
            : approvedAlready
              ? 'You have approved this version; it waits for other reviewers.'
              : null,
    };
  }
}

function toDecision(row: DecisionRow): ReviewDecision {
  return {
    decision: row.decision,
    reviewer: { id: row.reviewerId, name: row.reviewerName },
    comment: row.comment,
    term_version: row.termVersion,
    at: row.createdAt.toISOString(),
  };
}
