import { policy } from '../auth/policy.ts';
import type { AuthUser } from '../auth/tokens.ts';
import type { Db } from '../platform/database/client.ts';
import { errors } from '../platform/errors.ts';
import type { VocabularyInScope } from '../vocabularies/reader.ts';
import { reviewRepository } from './repository.ts';

/** A concept's change as approval sees it: the version approved. */
export interface ChangeUnderReview {
  termId: string;
  vocabularyId: string;
  version: number;
}

/**
 * The approval rules, in one place for both ways of publishing: the review route's approve and the seed's
 * PATCH to `validated`. Runs inside the caller's transaction, the concept locked.
 */
export interface ApprovalGate {
  /**
   * Records the reviewer's approval of the change's version (refused when they may not approve it, or
   * did already) and tells whether the approvals are now complete.
   */
  approve(
    tx: Db,
    change: ChangeUnderReview,
    user: AuthUser,
    vocabulary: VocabularyInScope,
    comment: string | null,
  ): Promise<{ complete: boolean; recorded: number }>;
  /** Whether this editor's own change of a published concept is published at once, without review. */
  editStands(user: AuthUser, vocabulary: VocabularyInScope): boolean;
}

export const approvalGate: ApprovalGate = {
  async approve(tx, change, user, vocabulary, comment) {
    const published = await reviewRepository.publishedRevision(tx, change.termId);
    const authors = await reviewRepository.authorsSince(tx, change.termId, published);
    if (!vocabulary.permissions.review)
      throw errors.forbidden(
        'Only a reviewer of this vocabulary (or an administrator) may approve a change.',
      );
    if (
      !policy.mayApprove(user, vocabulary.permissions, {
        authorIds: authors.map((author) => author.id),
        selfApproval: vocabulary.review.selfApproval,
      })
    )
      throw errors.selfApproval();
    const approvals = await reviewRepository.approvals(tx, change.termId, change.version);
    if (approvals.some((approval) => approval.reviewerId === user.id)) throw errors.alreadyApproved();
    await reviewRepository.recordDecision(tx, {
      termId: change.termId,
      vocabularyId: change.vocabularyId,
      termVersion: change.version,
      reviewerId: user.id,
      decision: 'approved',
      comment,
    });
    const recorded = approvals.length + 1;
    return { complete: recorded >= vocabulary.review.approvalsRequired, recorded };
  },

  editStands(user, vocabulary) {
    return (
      vocabulary.review.approvalsRequired === 1 &&
      policy.mayApprove(user, vocabulary.permissions, {
        authorIds: [user.id],
        selfApproval: vocabulary.review.selfApproval,
      })
    );
  },
};
