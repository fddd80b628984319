import type { Db } from '../platform/database/client.ts';
import { reviewRepository, type PublishedRow } from './repository.ts';

/**
 * What readers of concepts need of review: the published revision of concepts, for those who get it rather
 * than a pending change. A narrow port, so terms never reach into this feature's repository.
 */
export interface PublicationReader {
  published(db: Db, termIds: readonly string[]): Promise<Map<string, PublishedRow>>;
}

export const publicationReader: PublicationReader = {
  published: (db, termIds) => reviewRepository.published(db, termIds),
};

export type { PublishedRow };
