import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../platform/database/client.ts';
import type { AuditAction } from './schemas.ts';

export interface NewAuditEvent {
  action: AuditAction;
  actorId: string | null;
  /** Copied at the time (the account may go); read from the account when left out. */
  actorEmail?: string | null;
  sourceAddress: string;
  target?: { type: string; id: string } | null;
  details?: Record<string, unknown>;
}

export interface AuditRow {
  id: number;
  at: Date;
  action: AuditAction;
  actorId: string | null;
  actorEmail: string | null;
  sourceAddress: string;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
}

export const auditRepository = {
  async insert(db: Db, event: NewAuditEvent): Promise<void> {
    await db.execute(sql`
      INSERT INTO audit_events (action, actor_id, actor_email, source_address, target_type, target_id, details)
      VALUES (${event.action}, ${event.actorId}::uuid,
              coalesce(${event.actorEmail ?? null}, (SELECT email FROM users WHERE id = ${event.actorId}::uuid)),
              ${event.sourceAddress}, ${event.target?.type ?? null}, ${event.target?.id ?? null},
              ${JSON.stringify(event.details ?? {})}::jsonb)`);
  },

  /** Newest first, older than `before`; `limit + 1` rows, so the caller knows if there are more. */
  async page(
    db: Db,
    filters: { before?: number | undefined; action?: AuditAction | undefined; actorId?: string | undefined },
    count: number,
  ): Promise<AuditRow[]> {
    const conditions = [
      filters.before === undefined ? null : sql`id < ${filters.before}`,
      filters.action === undefined ? null : sql`action = ${filters.action}`,
      filters.actorId === undefined ? null : sql`actor_id = ${filters.actorId}::uuid`,
    ].filter((condition) => condition !== null);
    const where = conditions.length === 0 ? sql`` : sql`WHERE ${sql.join(conditions, sql` AND `)}`;
    return rowsOf<AuditRow & { id: number | string; at: Date | string }>(
      await db.execute(sql`
        SELECT id::float8 AS id, at, action, actor_id AS "actorId", actor_email AS "actorEmail",
               source_address AS "sourceAddress", target_type AS "targetType", target_id AS "targetId", details
        FROM audit_events ${where} ORDER BY id DESC LIMIT ${count}`),
    ).map((row) => ({ ...row, id: Number(row.id), at: new Date(row.at) }));
  },
};

export type AuditRepository = typeof auditRepository;
