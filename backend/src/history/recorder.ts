import type { Db } from '../platform/database/client.ts';
import { historyRepository, type RevisionEntry, type RevisionMeta, type RevisionRow } from './repository.ts';
import type { ConceptSnapshot } from './schemas.ts';

/**
 * What writers of concepts (terms, relations, imports) need of history: a narrow port, so they never
 * reach into the history repository. Every method runs in the writer's transaction.
 */
export interface RevisionRecorder {
  /**
   * Records the next revision of each concept, and returns their change set. The last statement of the
   * write: see historyRepository.record.
   */
  record(tx: Db, entries: readonly RevisionEntry[], meta: RevisionMeta): Promise<string>;
  /** The concept as its next revision would record it: taken before a deletion. */
  snapshot(tx: Db, termId: string): Promise<ConceptSnapshot | undefined>;
  /** The other concepts with relations to this one. */
  sourcesRelatedTo(tx: Db, termId: string): Promise<string[]>;
  latest(db: Db, termId: string): Promise<RevisionRow | undefined>;
  /** The tombstone of the deleted concept that had this IRI (none if it is live or unknown). */
  deletedByIri(db: Db, iri: string): Promise<RevisionRow | undefined>;
  revision(db: Db, termId: string, revision: number): Promise<RevisionRow | undefined>;
  changeSet(db: Db, changeSetId: string): Promise<RevisionRow[]>;
}

export const revisionRecorder: RevisionRecorder = {
  record: (tx, entries, meta) => historyRepository.record(tx, entries, meta),
  snapshot: (tx, termId) => historyRepository.snapshot(tx, termId),
  sourcesRelatedTo: (tx, termId) => historyRepository.sourcesRelatedTo(tx, termId),
  latest: (db, termId) => historyRepository.latest(db, termId),
  deletedByIri: (db, iri) => historyRepository.deletedByIri(db, iri),
  revision: async (db, termId, revision) =>
    (await historyRepository.byNumbers(db, termId, [revision])).get(revision),
  changeSet: (db, changeSetId) => historyRepository.changeSet(db, changeSetId),
};

export type { RevisionEntry, RevisionMeta, RevisionRow };
