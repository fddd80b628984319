import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../platform/database/client.ts';
import type { WebhookEvent } from './schemas.ts';

export interface WebhookRow {
  id: string;
  vocabularyId: string;
  url: string;
  events: WebhookEvent[];
  description: string | null;
  active: boolean;
  createdAt: Date;
  pending: number;
  delivered: number;
  failed: number;
}

export interface DeliveryRow {
  id: number;
  webhookId: string;
  event: WebhookEvent;
  eventId: string;
  payload: Record<string, unknown>;
  status: 'pending' | 'delivered' | 'failed';
  availableAt: Date;
  createdAt: Date;
  deliveredAt: Date | null;
  redeliveryOf: number | null;
}

export interface AttemptRow {
  deliveryId: number;
  attempt: number;
  at: Date;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** A delivery as the worker holds it: where to, signed with what. `attempts` counts this run. */
export interface ClaimedDelivery {
  id: number;
  event: WebhookEvent;
  eventId: string;
  payload: Record<string, unknown>;
  createdAt: Date;
  attempts: number;
  url: string;
  secret: string;
  webhookId: string;
}

/** Timestamps come back as strings from some drivers: the named columns as Dates. */
function dates<T extends object>(row: T, keys: (keyof T)[]): T {
  const copy = { ...row } as Record<string, unknown>;
  for (const key of keys) {
    const value = copy[key as string];
    if (value !== null && value !== undefined) copy[key as string] = new Date(value as string);
  }
  return copy as T;
}

const webhookColumns = sql`
  w.id, w.vocabulary_id AS "vocabularyId", w.url, w.events, w.description, w.active, w.created_at AS "createdAt",
  (SELECT count(*)::int FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.status = 'pending') AS pending,
  (SELECT count(*)::int FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.status = 'delivered') AS delivered,
  (SELECT count(*)::int FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.status = 'failed') AS failed`;

const deliveryColumns = sql`
  d.id::float8 AS id, d.webhook_id AS "webhookId", d.event, d.event_id AS "eventId", d.payload, d.status,
  d.available_at AS "availableAt", d.created_at AS "createdAt", d.delivered_at AS "deliveredAt",
  d.redelivery_of::float8 AS "redeliveryOf"`;

function deliveryRows(result: unknown): DeliveryRow[] {
  return rowsOf<DeliveryRow>(result).map((row) => dates(row, ['availableAt', 'createdAt', 'deliveredAt']));
}

export const webhooksRepository = {
  async insert(
    tx: Db,
    values: {
      vocabularyId: string;
      url: string;
      events: string[];
      description: string | null;
      secret: string;
      createdBy: string;
    },
  ): Promise<string> {
    const [row] = rowsOf<{ id: string }>(
      await tx.execute(sql`
        INSERT INTO webhooks (vocabulary_id, url, events, description, secret, created_by)
        VALUES (${values.vocabularyId}::uuid, ${values.url}, ${`{${values.events.join(',')}}`}::text[],
                ${values.description}, ${values.secret}, ${values.createdBy}::uuid)
        RETURNING id`),
    );
    return row!.id;
  },

  async list(db: Db, vocabularyId: string): Promise<WebhookRow[]> {
    return rowsOf<WebhookRow>(
      await db.execute(sql`
        SELECT ${webhookColumns} FROM webhooks w WHERE w.vocabulary_id = ${vocabularyId}::uuid ORDER BY w.created_at, w.id`),
    ).map((row) => dates(row, ['createdAt']));
  },

  async find(db: Db, vocabularyId: string, id: string): Promise<WebhookRow | undefined> {
    const [row] = rowsOf<WebhookRow>(
      await db.execute(sql`
        SELECT ${webhookColumns} FROM webhooks w
        WHERE w.vocabulary_id = ${vocabularyId}::uuid AND w.id = ${id}::uuid`),
    );
    return row && dates(row, ['createdAt']);
  },

  async update(
    tx: Db,
    id: string,
    changes: { url?: string; events?: string[]; description?: string | null; active?: boolean },
  ): Promise<void> {
    await tx.execute(sql`
      UPDATE webhooks SET
        url = coalesce(${changes.url ?? null}, url),
        events = coalesce(${changes.events ? `{${changes.events.join(',')}}` : null}::text[], events),
        description = CASE WHEN ${changes.description !== undefined} THEN ${changes.description ?? null} ELSE description END,
        active = coalesce(${changes.active ?? null}::boolean, active),
        updated_at = now()
      WHERE id = ${id}::uuid`);
  },

  async delete(tx: Db, id: string): Promise<void> {
    await tx.execute(sql`DELETE FROM webhooks WHERE id = ${id}::uuid`);
  },

  /** Deliveries newest first, older than `before`: `limit + 1` rows, so the caller knows if there are more. */
  async deliveries(db: Db, webhookId: string, before: number | null, count: number): Promise<DeliveryRow[]> {
    return deliveryRows(
      await db.execute(sql`
        SELECT ${deliveryColumns} FROM webhook_deliveries d
        WHERE d.webhook_id = ${webhookId}::uuid ${before === null ? sql`` : sql`AND d.id < ${before}`}
        ORDER BY d.id DESC LIMIT ${count}`),
    );
  },

  async delivery(db: Db, webhookId: string, id: number): Promise<DeliveryRow | undefined> {
    return deliveryRows(
      await db.execute(sql`
        SELECT ${deliveryColumns} FROM webhook_deliveries d WHERE d.webhook_id = ${webhookId}::uuid AND d.id = ${id}`),
    )[0];
  },

  async attempts(db: Db, deliveryIds: readonly number[]): Promise<Map<number, AttemptRow[]>> {
    const byDelivery = new Map<number, AttemptRow[]>();
    if (deliveryIds.length === 0) return byDelivery;
    for (const row of rowsOf<AttemptRow>(
      await db.execute(sql`
        SELECT delivery_id::float8 AS "deliveryId", attempt, at, status_code AS "statusCode", error,
               duration_ms AS "durationMs"
        FROM webhook_attempts
        WHERE delivery_id IN (SELECT value::bigint FROM jsonb_array_elements_text(${JSON.stringify(deliveryIds)}::jsonb))
        ORDER BY delivery_id, attempt`),
    )) {
      const attempt = dates(row, ['at']);
      byDelivery.set(attempt.deliveryId, [...(byDelivery.get(attempt.deliveryId) ?? []), attempt]);
    }
    return byDelivery;
  },

  /** The same event again, as a new delivery due now (the receiver dedupes on `event_id`). */
  async redeliver(tx: Db, delivery: DeliveryRow): Promise<number> {
    const [row] = rowsOf<{ id: number }>(
      await tx.execute(sql`
        INSERT INTO webhook_deliveries (webhook_id, event, event_id, payload, redelivery_of)
        SELECT webhook_id, event, event_id, payload, id FROM webhook_deliveries WHERE id = ${delivery.id}
        RETURNING id::float8 AS id`),
    );
    return row!.id;
  },

  // ---- the queue --------------------------------------------------------------------------------------

  async claim(
    db: Db,
    options: { limit: number; workerId: string; now: Date; leaseMs: number },
  ): Promise<ClaimedDelivery[]> {
    const now = options.now.toISOString();
    const leaseUntil = new Date(options.now.getTime() + options.leaseMs).toISOString();
    return rowsOf<ClaimedDelivery>(
      await db.execute(sql`
        WITH due AS (
          SELECT d.id FROM webhook_deliveries d
          WHERE d.status = 'pending' AND d.available_at <= ${now}::timestamptz
            AND (d.locked_until IS NULL OR d.locked_until < ${now}::timestamptz)
          ORDER BY d.available_at, d.id
          LIMIT ${options.limit}
          FOR UPDATE SKIP LOCKED
        )
        UPDATE webhook_deliveries d
        SET locked_until = ${leaseUntil}::timestamptz, locked_by = ${options.workerId}, attempts = d.attempts + 1
        FROM due, webhooks w
        WHERE d.id = due.id AND w.id = d.webhook_id
        RETURNING d.id::float8 AS id, d.event, d.event_id AS "eventId", d.payload, d.created_at AS "createdAt",
                  d.attempts, w.url, w.secret, w.id AS "webhookId"`),
    ).map((row) => dates(row, ['createdAt']));
  },

  async recordAttempt(
    db: Db,
    attempt: {
      deliveryId: number;
      attempt: number;
      statusCode: number | null;
      error: string | null;
      durationMs: number;
    },
  ): Promise<void> {
    await db.execute(sql`
      INSERT INTO webhook_attempts (delivery_id, attempt, status_code, error, duration_ms)
      VALUES (${attempt.deliveryId}, ${attempt.attempt}, ${attempt.statusCode}, ${attempt.error}, ${attempt.durationMs})`);
  },

  async delivered(db: Db, ids: readonly number[], workerId: string, now: Date): Promise<number> {
    const result = await db.execute(sql`
      UPDATE webhook_deliveries SET status = 'delivered', delivered_at = ${now.toISOString()}::timestamptz,
             locked_until = NULL, locked_by = NULL
      WHERE id IN (SELECT value::bigint FROM jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))
        AND locked_by = ${workerId}
      RETURNING id`);
    return rowsOf(result).length;
  },

  /** Back to the queue without spending the attempt (the worker is stopping). */
  async release(db: Db, ids: readonly number[]): Promise<void> {
    await db.execute(sql`
      UPDATE webhook_deliveries SET locked_until = NULL, locked_by = NULL, attempts = greatest(attempts - 1, 0)
      WHERE id IN (SELECT value::bigint FROM jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`);
  },

  async retryLater(db: Db, id: number, runAfter: Date): Promise<void> {
    await db.execute(sql`
      UPDATE webhook_deliveries SET available_at = ${runAfter.toISOString()}::timestamptz, locked_until = NULL,
             locked_by = NULL
      WHERE id = ${id}`);
  },

  async fail(db: Db, id: number, now: Date): Promise<void> {
    await db.execute(sql`
      UPDATE webhook_deliveries SET status = 'failed', failed_at = ${now.toISOString()}::timestamptz,
             locked_until = NULL, locked_by = NULL
      WHERE id = ${id}`);
  },
};

export type WebhooksRepository = typeof webhooksRepository;
