import { z } from 'zod';
import { proseSchema } from './text.ts';
import { vocabularySlugSchema } from './vocabularies.ts';

/**
 * Signed webhooks per vocabulary: Lexikon POSTs an event to a URL when a concept is published or
 * deprecated, or a release is published. Each delivery carries `Lexikon-Signature: t=<unix seconds>,
 * v1=<hex HMAC-SHA256 of "<t>.<body>" with the webhook's secret>`; the secret is shown once, at creation.
 */
export const webhookEvents = ['term.published', 'term.deprecated', 'release.published'] as const;
export type WebhookEvent = (typeof webhookEvents)[number];

export const deliveryStatuses = ['pending', 'delivered', 'failed'] as const;
export const WEBHOOK_DELIVERIES_PAGE_MAX = 100;
export const SIGNATURE_HEADER = 'lexikon-signature';

const webhookUrlSchema = z
  .url({ protocol: /^https?$/, message: 'An http:// or https:// URL.' })
  .max(2000)
  .meta({ description: 'Where Lexikon POSTs the events (http or https).' });
const eventsSchema = z
  .array(z.enum(webhookEvents))
  .min(1, 'Choose at least one event.')
  .transform((events) => [...new Set(events)].sort())
  .meta({ description: 'The events to send.' });

export const createWebhookBodySchema = z
  .object({
    url: webhookUrlSchema,
    events: eventsSchema,
    description: proseSchema(500).optional(),
  })
  .strict()
  .meta({ id: 'CreateWebhook' });
export type CreateWebhookBody = z.infer<typeof createWebhookBodySchema>;

export const updateWebhookBodySchema = z
  .object({
    url: webhookUrlSchema.optional(),
    events: eventsSchema.optional(),
    description: proseSchema(500).nullable().optional(),
    active: z.boolean().optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'Send at least one field to change.')
  .meta({ id: 'UpdateWebhook' });
export type UpdateWebhookBody = z.infer<typeof updateWebhookBodySchema>;

export const webhookParamsSchema = z.object({ slug: vocabularySlugSchema, id: z.uuid() });
export const deliveryParamsSchema = webhookParamsSchema.extend({
  delivery: z.coerce.number().int().positive(),
});

export const webhookSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    events: z.array(z.enum(webhookEvents)),
    description: z.string().nullable(),
    active: z.boolean(),
    created_at: z.iso.datetime({ offset: true }),
    deliveries: z.object({
      pending: z.number().int().nonnegative(),
      delivered: z.number().int().nonnegative(),
      failed: z.number().int().nonnegative(),
    }),
  })
  .meta({ id: 'Webhook' });
export type Webhook = z.infer<typeof webhookSchema>;

export const createdWebhookSchema = webhookSchema
  .extend({
    secret: z.string().meta({ description: 'The signing secret: shown this once, store it now.' }),
  })
  .meta({ id: 'CreatedWebhook' });
export type CreatedWebhook = z.infer<typeof createdWebhookSchema>;

export const webhookListSchema = z.object({ items: z.array(webhookSchema) }).meta({ id: 'WebhookList' });

export const deliveryAttemptSchema = z.object({
  attempt: z.number().int().positive(),
  at: z.iso.datetime({ offset: true }),
  status_code: z.number().int().nullable(),
  error: z.string().nullable(),
  duration_ms: z.number().int().nonnegative(),
});

export const deliverySchema = z
  .object({
    id: z.number().int().positive(),
    event: z.enum(webhookEvents),
    event_id: z
      .uuid()
      .meta({ description: 'The same for redeliveries of one event: receivers dedupe on it.' }),
    status: z.enum(deliveryStatuses),
    attempts: z.array(deliveryAttemptSchema),
    next_attempt_at: z.iso.datetime({ offset: true }).nullable(),
    created_at: z.iso.datetime({ offset: true }),
    delivered_at: z.iso.datetime({ offset: true }).nullable(),
    redelivery_of: z.number().int().positive().nullable(),
    payload: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDelivery = z.infer<typeof deliverySchema>;

export const deliveriesQuerySchema = z
  .object({
    before: z.coerce.number().int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(WEBHOOK_DELIVERIES_PAGE_MAX).default(20),
  })
  .strict();

export const deliveriesPageSchema = z
  .object({ items: z.array(deliverySchema), next_before: z.number().int().positive().nullable() })
  .meta({ id: 'WebhookDeliveryPage' });
export type WebhookDeliveryPage = z.infer<typeof deliveriesPageSchema>;
