/**
 * Webhooks per project (api.md "Tokens, webhooks, MFA, audit"; issue 18 item 4): GET|POST /projects/:id/webhooks,
 * PATCH|DELETE /projects/:id/webhooks/:hookId, GET …/:hookId/deliveries, POST …/deliveries/:deliveryId/redeliver.
 * Owners only. The signing secret is shown once, in the answer to POST.
 */
import { z } from 'zod';
import { envelope, ISO_DATE_TIME_MAX, text, uuid } from './common';

/** The events a webhook may subscribe to: the SSE event types of a project. */
export const WEBHOOK_EVENTS = [
  'task.created',
  'task.updated',
  'task.deleted',
  'comment.created',
  'comment.updated',
  'comment.deleted',
  'project.updated',
  'project.member.added',
  'project.member.updated',
  'project.member.removed',
] as const;
export const webhookEventSchema = z.enum(WEBHOOK_EVENTS);
export type WebhookEvent = z.infer<typeof webhookEventSchema>;

/** Webhooks one project may have. */
export const WEBHOOKS_PER_PROJECT_MAX = 20;
export const WEBHOOK_URL_MAX = 2048;
/** The answer body kept per attempt (bytes; the rest is never read). */
export const WEBHOOK_RESPONSE_PREFIX_MAX = 1024;
/** Deliveries listed per request (newest first). */
export const WEBHOOK_DELIVERIES_PAGE_MAX = 100;
/** The signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. */
export const WEBHOOK_SIGNATURE_HEADER = 'Primetrade-Signature';
/** The secret's recognisable prefix. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

const webhookUrl = text()
  .trim()
  .max(WEBHOOK_URL_MAX)
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password && u.hostname !== '';
    } catch {
      return false;
    }
  }, 'Must be an http(s) URL without credentials (http only where private targets are allowed)')
  .describe('https URL (http only when the server allows private targets, WEBHOOK_ALLOW_PRIVATE=true)');

const eventsList = z
  .array(webhookEventSchema)
  .min(1)
  .max(WEBHOOK_EVENTS.length)
  .refine((s) => new Set(s).size === s.length, { message: 'Each event may be listed once' });

export const createWebhookBody = z.strictObject({
  url: webhookUrl,
  events: eventsList,
  active: z.boolean().optional().describe('Default true'),
});
export type CreateWebhookBody = z.infer<typeof createWebhookBody>;

export const patchWebhookBody = z
  .strictObject({
    url: webhookUrl.optional(),
    events: eventsList.optional(),
    active: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'Send at least one field' });
export type PatchWebhookBody = z.infer<typeof patchWebhookBody>;

export const webhookParams = z.strictObject({ id: uuid, hookId: uuid });
export const webhookDeliveryParams = z.strictObject({ id: uuid, hookId: uuid, deliveryId: uuid });
export const webhookDeliveriesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(WEBHOOK_DELIVERIES_PAGE_MAX).optional().describe('Default 50'),
});

export const webhookSchema = z
  .object({
    id: uuid,
    projectId: uuid,
    url: z.string().max(WEBHOOK_URL_MAX),
    events: z.array(webhookEventSchema).max(WEBHOOK_EVENTS.length),
    active: z.boolean(),
    createdAt: z.string().max(ISO_DATE_TIME_MAX),
    updatedAt: z.string().max(ISO_DATE_TIME_MAX),
  })
  .meta({ id: 'Webhook' });
export type Webhook = z.infer<typeof webhookSchema>;

export const createdWebhookSchema = webhookSchema
  .extend({
    secret: z
      .string()
      .max(100)
      .describe('The signing secret: shown only in this answer (HMAC-SHA256 key of Primetrade-Signature)'),
  })
  .meta({ id: 'CreatedWebhook' });
export type CreatedWebhook = z.infer<typeof createdWebhookSchema>;

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

export const webhookDeliverySchema = z
  .object({
    id: uuid,
    webhookId: uuid,
    event: z.string().max(64),
    status: z.enum(WEBHOOK_DELIVERY_STATUSES),
    attempts: z.number().int().min(0).max(1_000_000),
    responseStatus: z.number().int().min(0).max(999).nullable().describe('Null: no HTTP answer (see error)'),
    responseMs: z.number().int().min(0).max(86_400_000).nullable(),
    error: z.string().max(500).nullable(),
    responseBody: z.string().max(WEBHOOK_RESPONSE_PREFIX_MAX).nullable().describe('The first ≤ 1 KB of the answer'),
    createdAt: z.string().max(ISO_DATE_TIME_MAX),
    lastAttemptAt: z.string().max(ISO_DATE_TIME_MAX).nullable(),
    nextAttemptAt: z.string().max(ISO_DATE_TIME_MAX).nullable().describe('Null unless pending'),
    deliveredAt: z.string().max(ISO_DATE_TIME_MAX).nullable(),
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

export const webhookEnvelope = envelope(webhookSchema);
export const webhooksEnvelope = envelope(z.array(webhookSchema).max(WEBHOOKS_PER_PROJECT_MAX));
export const createdWebhookEnvelope = envelope(createdWebhookSchema);
export const webhookDeliveryEnvelope = envelope(webhookDeliverySchema);
export const webhookDeliveriesEnvelope = envelope(z.array(webhookDeliverySchema).max(WEBHOOK_DELIVERIES_PAGE_MAX));
