import { policy, type Actor } from '../auth/policy.ts';
import type { Db } from '../platform/database/client.ts';
import type { AuditRepository } from './repository.ts';
import type { AuditPage } from './schemas.ts';

/** Reading the audit log: administrators only. */
export class AuditService {
  readonly #db: Db;
  readonly #repository: AuditRepository;

  constructor(deps: { db: Db; repository: AuditRepository }) {
    this.#db = deps.db;
    this.#repository = deps.repository;
  }

  async page(
    query: {
      before?: number | undefined;
      limit: number;
      action?: AuditPage['items'][number]['action'] | undefined;
      actor_id?: string | undefined;
    },
    actor: Actor,
  ): Promise<AuditPage> {
    policy.assertReviewer(actor, 'Only administrators may read the audit log.');
    const rows = await this.#repository.page(
      this.#db,
      { before: query.before, action: query.action, actorId: query.actor_id },
      query.limit + 1,
    );
    const page = rows.slice(0, query.limit);
    return {
      items: page.map((row) => ({
        id: row.id,
        at: row.at.toISOString(),
        action: row.action,
        actor:
          row.actorId === null && row.actorEmail === null ? null : { id: row.actorId, email: row.actorEmail },
        source_address: row.sourceAddress,
        target:
          row.targetType === null || row.targetId === null
            ? null
            : { type: row.targetType, id: row.targetId },
        details: row.details,
      })),
      next_before: rows.length > query.limit ? page.at(-1)!.id : null,
    };
  }
}
