import { assertReadable, type Actor } from '../auth/policy.ts';
import type { AuthUser } from '../auth/tokens.ts';
import type { AuditRecorder } from '../audit/recorder.ts';
import type { Db } from '../platform/database/client.ts';
import { errors } from '../platform/errors.ts';
import type { VocabularyInScope, VocabularyReader } from '../vocabularies/reader.ts';
import type { AttemptRow, DeliveryRow, WebhookRow, WebhooksRepository } from './repository.ts';
import {
  type CreateWebhookBody,
  type CreatedWebhook,
  type UpdateWebhookBody,
  type Webhook,
  type WebhookDelivery,
  type WebhookDeliveryPage,
} from './schemas.ts';
import { newWebhookSecret } from './signature.ts';
import { privateTarget } from './target.ts';

/** A vocabulary's webhooks, for its owners: create (the secret shown once), change, delete, the delivery log. */
export class WebhooksService {
  readonly #db: Db;
  readonly #repository: WebhooksRepository;
  readonly #vocabularies: VocabularyReader;
  readonly #audit: AuditRecorder;
  readonly #allowPrivateTargets: boolean;

  constructor(deps: {
    db: Db;
    repository: WebhooksRepository;
    vocabularies: VocabularyReader;
    audit: AuditRecorder;
    allowPrivateTargets: boolean;
  }) {
    this.#db = deps.db;
    this.#repository = deps.repository;
    this.#vocabularies = deps.vocabularies;
    this.#audit = deps.audit;
    this.#allowPrivateTargets = deps.allowPrivateTargets;
  }

  async create(slug: string, body: CreateWebhookBody, user: AuthUser): Promise<CreatedWebhook> {
    this.#assertTarget(body.url);
    return this.#db.transaction(async (tx) => {
      const vocabulary = await this.#owned(tx, slug, user);
      const secret = newWebhookSecret();
      const id = await this.#repository.insert(tx, {
        vocabularyId: vocabulary.id,
        url: body.url,
        events: body.events,
        description: body.description ?? null,
        secret,
        createdBy: user.id,
      });
      await this.#audit.record(tx, {
        action: 'webhook.created',
        actorId: user.id,
        target: { type: 'vocabulary', id: slug },
        details: { webhook: id, url: body.url, events: body.events },
      });
      return { ...toWebhook((await this.#repository.find(tx, vocabulary.id, id))!), secret };
    });
  }

  async list(slug: string, user: AuthUser): Promise<{ items: Webhook[] }> {
    const vocabulary = await this.#owned(this.#db, slug, user);
    return { items: (await this.#repository.list(this.#db, vocabulary.id)).map(toWebhook) };
  }

  async update(slug: string, id: string, body: UpdateWebhookBody, user: AuthUser): Promise<Webhook> {
    if (body.url !== undefined) this.#assertTarget(body.url);
    return this.#db.transaction(async (tx) => {
      const vocabulary = await this.#owned(tx, slug, user);
      await this.#webhook(tx, vocabulary, id);
      await this.#repository.update(tx, id, body);
      return toWebhook((await this.#repository.find(tx, vocabulary.id, id))!);
    });
  }

  async delete(slug: string, id: string, user: AuthUser): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const vocabulary = await this.#owned(tx, slug, user);
      const webhook = await this.#webhook(tx, vocabulary, id);
      await this.#repository.delete(tx, id);
      await this.#audit.record(tx, {
        action: 'webhook.deleted',
        actorId: user.id,
        target: { type: 'vocabulary', id: slug },
        details: { webhook: id, url: webhook.url },
      });
    });
  }

  async deliveries(
    slug: string,
    id: string,
    query: { before?: number | undefined; limit: number },
    user: AuthUser,
  ): Promise<WebhookDeliveryPage> {
    const vocabulary = await this.#owned(this.#db, slug, user);
    await this.#webhook(this.#db, vocabulary, id);
    const rows = await this.#repository.deliveries(this.#db, id, query.before ?? null, query.limit + 1);
    const page = rows.slice(0, query.limit);
    const attempts = await this.#repository.attempts(
      this.#db,
      page.map((row) => row.id),
    );
    return {
      items: page.map((row) => toDelivery(row, attempts.get(row.id) ?? [])),
      next_before: rows.length > query.limit ? page[page.length - 1]!.id : null,
    };
  }

  /** Queues the delivery's event again, due now: a new delivery with the same event id. */
  async redeliver(slug: string, id: string, deliveryId: number, user: AuthUser): Promise<WebhookDelivery> {
    return this.#db.transaction(async (tx) => {
      const vocabulary = await this.#owned(tx, slug, user);
      await this.#webhook(tx, vocabulary, id);
      const delivery = await this.#repository.delivery(tx, id, deliveryId);
      if (!delivery) throw errors.notFound(`No delivery ${deliveryId} of this webhook.`);
      const created = await this.#repository.redeliver(tx, delivery);
      return toDelivery((await this.#repository.delivery(tx, id, created))!, []);
    });
  }

  #assertTarget(url: string): void {
    if (!this.#allowPrivateTargets && privateTarget(new URL(url)))
      throw errors.validation([
        {
          path: 'body.url',
          message:
            'This server does not send webhooks to loopback or private addresses (WEBHOOK_ALLOW_PRIVATE_TARGETS).',
        },
      ]);
  }

  async #owned(db: Db, slug: string, actor: Actor): Promise<VocabularyInScope> {
    const vocabulary = await this.#vocabularies.bySlug(db, slug, actor);
    assertReadable(vocabulary, `No vocabulary "${slug}".`);
    if (!vocabulary.permissions.edit_settings)
      throw errors.forbidden('Only the owners of this vocabulary may see and manage its webhooks.');
    return vocabulary;
  }

  async #webhook(db: Db, vocabulary: VocabularyInScope, id: string): Promise<WebhookRow> {
    const webhook = await this.#repository.find(db, vocabulary.id, id);
    if (!webhook) throw errors.notFound('No webhook with this id in this vocabulary.');
    return webhook;
  }
}

function toWebhook(row: WebhookRow): Webhook {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    active: row.active,
    created_at: row.createdAt.toISOString(),
    deliveries: { pending: row.pending, delivered: row.delivered, failed: row.failed },
  };
}

function toDelivery(row: DeliveryRow, attempts: AttemptRow[]): WebhookDelivery {
  return {
    id: row.id,
    event: row.event,
    event_id: row.eventId,
    status: row.status,
    attempts: attempts.map((attempt) => ({
      attempt: attempt.attempt,
      at: attempt.at.toISOString(),
      status_code: attempt.statusCode,
      error: attempt.error,
      duration_ms: attempt.durationMs,
    })),
    next_attempt_at: row.status === 'pending' ? row.availableAt.toISOString() : null,
    created_at: row.createdAt.toISOString(),
    delivered_at: row.deliveredAt?.toISOString() ?? null,
    redelivery_of: row.redeliveryOf,
    payload: row.payload,
  };
}
