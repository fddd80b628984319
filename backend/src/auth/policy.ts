import { errors } from '../platform/errors.ts';
import type { AuthUser } from './tokens.ts';

/**
 * Who may do what, decided in one place. Every service asks here; the rules are few today — a reviewer
 * (administrator) may do anything, an author may change what they created — and the vocabulary roles of
 * wave 2 extend them here rather than in each service.
 */
export type Actor = Pick<AuthUser, 'id' | 'role'>;

/** Anything with an author: a term, a relation. */
interface Authored {
  createdBy: string | null;
}

export const policy = {
  /** Reviewers validate terms, override findings, run bulk validations, see debug routes. */
  isReviewer(actor: Actor): boolean {
    return actor.role === 'admin';
  },

  /** Edit, delete, relate from, or validate now: the author, or a reviewer. */
  mayChange(actor: Actor, subject: Authored): boolean {
    return policy.isReviewer(actor) || (subject.createdBy !== null && subject.createdBy === actor.id);
  },

  /** A relation: its author, the author of either end, or a reviewer. */
  mayRemoveRelation(actor: Actor, relation: Authored, ends: readonly (Authored | undefined)[]): boolean {
    return (
      policy.mayChange(actor, relation) ||
      ends.some((end) => end !== undefined && policy.mayChange(actor, end))
    );
  },

  /** A validated term's text changed by someone who is not a reviewer goes back to review. */
  editNeedsReview(actor: Actor): boolean {
    return !policy.isReviewer(actor);
  },

  // ---- the same, as guards that answer 403 --------------------------------------------------------------

  assertReviewer(actor: Actor, detail = 'Only administrators may do this.'): void {
    if (!policy.isReviewer(actor)) throw errors.forbidden(detail);
  },

  assertMayChange(actor: Actor, subject: Authored, detail: string): void {
    if (!policy.mayChange(actor, subject)) throw errors.forbidden(detail);
  },
};
