import type { AuthUser } from '../auth/tokens.ts';
import type { Actor } from '../auth/policy.ts';
import type { Db } from '../platform/database/client.ts';
import type { Concept, TermStatus, UpdateTermBody } from '../terms/schemas.ts';
import type { VocabularyInScope } from '../vocabularies/reader.ts';

/** A concept as review acts on it. */
export interface ReviewableConcept {
  id: string;
  vocabularyId: string;
  status: TermStatus;
  version: number;
  createdBy: string | null;
}

/** What review needs of concepts (implemented by TermsService), inside review's transaction. */
export interface ReviewableTerms {
  /** The concept (locked, with `lock`) and the caller's vocabulary: 404 when they may not read it. */
  find(
    db: Db,
    id: string,
    actor: Actor | null,
    options: { lock: boolean },
  ): Promise<{ term: ReviewableConcept; vocabulary: VocabularyInScope }>;
  /** Moves the concept's status, through the validated gate when it becomes validated. */
  moveStatus(
    tx: Db,
    term: ReviewableConcept,
    to: TermStatus,
    user: AuthUser,
    override: UpdateTermBody['override_findings'],
  ): Promise<void>;
  /**
   * The validated gate for an approval that does not publish yet: open findings refuse it unless the
   * reviewer overrides them (recorded against the current version).
   */
  checkGate(
    tx: Db,
    term: ReviewableConcept,
    user: AuthUser,
    override: UpdateTermBody['override_findings'],
  ): Promise<void>;
  /** Whether the caller may change the concept (its author, an editor). */
  mayChange(actor: Actor, vocabulary: VocabularyInScope, term: ReviewableConcept): boolean;
  get(id: string, actor: Actor): Promise<Concept>;
}
