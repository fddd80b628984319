import type {
  VocabularyContribution,
  VocabularyPermissions,
  VocabularyRole,
  VocabularyVisibility,
} from '@lexikon/contracts/vocabularies';
import { errors } from '../platform/errors.ts';
import type { AuthUser } from './tokens.ts';

/**
 * Who may do what, decided in one place. Every service asks here, and the web app reads the same
 * answers (a vocabulary's `permissions`). Administrators may do anything. Within a vocabulary, a role:
 * owner (settings, members, everything below), editor (write any concept), reviewer (validate, override
 * findings), viewer (read a private vocabulary). A vocabulary open to contribution (the default one) also
 * lets any signed-in user add concepts and change the ones they made, as before vocabularies existed.
 */
export type Actor = Pick<AuthUser, 'id' | 'role'>;

/** A vocabulary as the policy sees it, with the caller's role in it. */
export interface VocabularyAccess {
  visibility: VocabularyVisibility;
  contribution: VocabularyContribution;
  role: VocabularyRole | null;
  /** The default vocabulary cannot be deleted. */
  isDefault: boolean;
}

/** Anything with an author: a term, a relation. */
interface Authored {
  createdBy: string | null;
}

export const policy = {
  /** Reviewers validate terms, override findings, run bulk validations, see debug routes. */
  isReviewer(actor: Actor): boolean {
    return actor.role === 'admin';
  },

  /** Everything the caller (null: anonymous) may do in a vocabulary. */
  vocabulary(actor: Actor | null, access: VocabularyAccess): VocabularyPermissions {
    const admin = actor !== null && policy.isReviewer(actor);
    const role = actor === null ? null : access.role;
    const read =
      admin ||
      role !== null ||
      access.visibility === 'public' ||
      (actor !== null && access.visibility === 'internal');
    const owner = admin || role === 'owner';
    const editor = owner || role === 'editor';
    return {
      read,
      create_terms: editor || (actor !== null && read && access.contribution === 'signed_in'),
      edit_terms: editor,
      review: owner || role === 'reviewer',
      edit_settings: owner,
      manage_members: owner,
      delete: owner && !access.isDefault,
    };
  },

  /**
   * A relation: whoever may edit the vocabulary's concepts, or — where contribution is open — its author
   * or the author of either end.
   */
  mayRemoveRelation(
    actor: Actor,
    permissions: VocabularyPermissions,
    relation: Authored,
    ends: readonly (Authored | undefined)[],
  ): boolean {
    const authored = (subject: Authored | undefined) =>
      subject !== undefined && subject.createdBy !== null && subject.createdBy === actor.id;
    return (
      permissions.edit_terms || (permissions.create_terms && (authored(relation) || ends.some(authored)))
    );
  },

  /** A concept: anyone who may edit the vocabulary's concepts, or its author where contribution is open. */
  mayChangeTerm(actor: Actor, permissions: VocabularyPermissions, term: Authored): boolean {
    return (
      permissions.edit_terms ||
      (permissions.create_terms && term.createdBy !== null && term.createdBy === actor.id)
    );
  },

  /**
   * Approving a change: a reviewer of the vocabulary — not one of the change's authors, unless the
   * vocabulary allows it or they own it (administrators included).
   */
  mayApprove(
    actor: Actor,
    permissions: VocabularyPermissions,
    change: { authorIds: readonly string[]; selfApproval: boolean },
  ): boolean {
    if (!permissions.review) return false;
    return change.selfApproval || permissions.edit_settings || !change.authorIds.includes(actor.id);
  },

  // ---- the same, as guards that answer 403 --------------------------------------------------------------

  assertReviewer(actor: Actor, detail = 'Only administrators may do this.'): void {
    if (!policy.isReviewer(actor)) throw errors.forbidden(detail);
  },
};

/**
 * What the caller may not read does not exist for them: 404, not 403, so nothing leaks. A function of its
 * own, not a member of `policy`, because TypeScript only narrows through declared assertion functions.
 */
export function assertReadable<Scope extends { permissions: VocabularyPermissions }>(
  scope: Scope | null | undefined,
  detail = 'No term with this id.',
): asserts scope is Scope {
  if (!scope?.permissions.read) throw errors.notFound(detail);
}
