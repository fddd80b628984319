import type { Db } from '../platform/database/client.ts';
import { currentSourceAddress } from '../platform/request-context.ts';
import { auditRepository } from './repository.ts';
import type { AuditAction } from './schemas.ts';

/**
 * What other features tell the audit log: a narrow port. Called inside the action's transaction where
 * it has one, so the record exists exactly when the action does; the source address comes from the
 * request being served.
 */
export interface AuditRecorder {
  record(
    db: Db,
    event: {
      action: AuditAction;
      actorId: string | null;
      actorEmail?: string | null;
      target?: { type: string; id: string } | null;
      details?: Record<string, unknown>;
    },
  ): Promise<void>;
}

export const auditRecorder: AuditRecorder = {
  record: (db, event) => auditRepository.insert(db, { ...event, sourceAddress: currentSourceAddress() }),
};
