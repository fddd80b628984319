import type { Db } from '../../platform/database/client.ts';
import { graphOutboxRepository, type RelationChange, type TermChange } from './repository.ts';

/**
 * What term and relation writes tell the graph mirror, inside their own transaction — so a change is in
 * the outbox exactly when it is in PostgreSQL. Services see this port only, never Neo4j.
 */
export interface GraphChangeRecorder {
  termsChanged(tx: Db, changes: readonly TermChange[]): Promise<void>;
  relationsChanged(tx: Db, changes: readonly RelationChange[]): Promise<void>;
}

/**
 * Rows are written only while a mirror is configured (NEO4J_URI): without a consumer the outbox would
 * only grow. A mirror added later starts with `lexikon graph resync`, which copies everything anyway.
 */
export function graphChangeRecorder(mirrorConfigured: boolean): GraphChangeRecorder {
  return mirrorConfigured ? outboxRecorder : noMirror;
}

const outboxRecorder: GraphChangeRecorder = {
  termsChanged: (tx, changes) => graphOutboxRepository.recordTerms(tx, changes),
  relationsChanged: (tx, changes) => graphOutboxRepository.recordRelations(tx, changes),
};

const noMirror: GraphChangeRecorder = {
  termsChanged: async () => {},
  relationsChanged: async () => {},
};
