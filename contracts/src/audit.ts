import { z } from 'zod';

/**
 * The audit log: the security-relevant actions, append-only, readable by administrators — who did what,
 * when, and from which address.
 */
export const auditActions = [
  'account.created',
  'auth.sign_in',
  'auth.sign_in_failed',
  'auth.sign_out',
  'auth.session_revoked',
  'vocabulary.created',
  'vocabulary.updated',
  'vocabulary.deleted',
  'member.granted',
  'member.changed',
  'member.revoked',
  'admin.promoted',
  'admin.validation_run',
  'release.published',
  'webhook.created',
  'webhook.deleted',
] as const;
export type AuditAction = (typeof auditActions)[number];

export const AUDIT_PAGE_MAX = 200;

export const auditQuerySchema = z
  .object({
    before: z.coerce
      .number()
      .int()
      .positive()
      .optional()
      .meta({ description: 'Events older than this id (the `next_before` of the previous page).' }),
    limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(50),
    action: z.enum(auditActions).optional(),
    actor_id: z.uuid().optional(),
  })
  .strict();

export const auditEventSchema = z
  .object({
    id: z.number().int().positive(),
    at: z.iso.datetime({ offset: true }),
    action: z.enum(auditActions),
    actor: z
      .object({
        id: z.uuid().nullable().meta({ description: 'Null once the account is deleted.' }),
        email: z.string().nullable(),
      })
      .nullable()
      .meta({ description: 'Who acted; null for an anonymous attempt (a failed sign-in).' }),
    source_address: z.string().meta({ description: 'The client address, or `cli` for a command.' }),
    target: z
      .object({ type: z.string(), id: z.string() })
      .nullable()
      .meta({ description: 'What was acted on: a vocabulary, a user.' }),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEvent' });
export type AuditEvent = z.infer<typeof auditEventSchema>;

export const auditPageSchema = z
  .object({ items: z.array(auditEventSchema), next_before: z.number().int().positive().nullable() })
  .meta({ id: 'AuditPage' });
export type AuditPage = z.infer<typeof auditPageSchema>;
