import type { Db } from '../platform/database/client.ts';
import { termsRepository, type TermRow } from './repository.ts';

/**
 * What other features may read of terms: a narrow port, so relations, the graph and validation never
 * reach into the terms repository (nor write terms). Built once in the composition root and handed over
 * by constructor.
 */
export interface TermReader {
  findById(db: Db, id: string): Promise<TermRow | undefined>;
  findByIds(db: Db, ids: readonly string[]): Promise<TermRow[]>;
  /** By name (and domain), compared without case or accents. */
  findByName(db: Db, name: string, domain?: string): Promise<TermRow[]>;
}

export const termReader: TermReader = {
  findById: (db, id) => termsRepository.findById(db, id),
  findByIds: (db, ids) => termsRepository.findByIds(db, ids),
  findByName: (db, name, domain) => termsRepository.findByName(db, name, domain),
};

export type { TermRow };

/**
 * The one write other features may make to a concept: relations send a validated source back to review
 * when someone who may not publish their own change alters its relations (a relation is part of it).
 */
export interface TermReviewStatus {
  sendValidatedToReview(db: Db, id: string): Promise<boolean>;
}

export const termReviewStatus: TermReviewStatus = {
  sendValidatedToReview: (db, id) => termsRepository.sendValidatedToReview(db, id),
};
