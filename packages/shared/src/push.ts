/**
 * Web Push subscriptions (api.md "Recurrence, reminders, views, quick add, undo"; issue 17 item 2): a browser's
 * PushSubscription (its `toJSON()`), stored per device so reminders reach it. Signed-in users only — API tokens
 * never reach /push (tokens.ts).
 */
import { z } from 'zod';
import { envelope, ISO_DATE_TIME_MAX, text } from './common';

const base64url = (bytes: number) => {
  const chars = Math.ceil((bytes * 4) / 3);
  return z
    .string()
    .max(chars + 2)
    .regex(new RegExp(`^[A-Za-z0-9_-]{${chars}}={0,2}$`), `expected ${bytes} bytes, base64url`);
};

/** The longest push endpoint URL accepted (real ones are under 500 characters). */
export const PUSH_ENDPOINT_MAX = 2048;
/** Subscriptions (devices) one user may hold; the next is 409. */
export const PUSH_SUBSCRIPTIONS_PER_USER_MAX = 20;

/** POST /push/subscriptions: what `PushSubscription.toJSON()` gives, plus an optional device label. */
export const createPushSubscriptionBody = z.strictObject({
  endpoint: z
    .url({ protocol: /^https?$/ })
    .max(PUSH_ENDPOINT_MAX)
    .describe('The push service URL the browser gave (https; a public host unless the server allows private ones)'),
  expirationTime: z.number().nullable().optional().describe('Ignored (browsers send null)'),
  keys: z.strictObject({
    p256dh: base64url(65).describe("The subscription's P-256 public key, uncompressed (RFC 8291)"),
    auth: base64url(16).describe("The subscription's 16-byte authentication secret (RFC 8291)"),
  }),
  label: text()
    .trim()
    .max(200)
    .optional()
    .describe("A name for the device; default the request's User-Agent (cut to 200 characters)"),
});
export type CreatePushSubscriptionBody = z.infer<typeof createPushSubscriptionBody>;

export const pushSubscriptionSchema = z
  .object({
    id: z.uuid(),
    endpoint: z.string().max(PUSH_ENDPOINT_MAX),
    label: z.string().max(200).nullable(),
    createdAt: z.string().max(ISO_DATE_TIME_MAX),
    lastSuccessAt: z
      .string()
      .max(ISO_DATE_TIME_MAX)
      .nullable()
      .describe('When the push service last accepted a message for it'),
  })
  .meta({ id: 'PushSubscription' });
export type PushSubscriptionDto = z.infer<typeof pushSubscriptionSchema>;

export const pushSubscriptionEnvelope = envelope(pushSubscriptionSchema);
export const pushSubscriptionsEnvelope = envelope(z.array(pushSubscriptionSchema).max(PUSH_SUBSCRIPTIONS_PER_USER_MAX));

/** GET /push/vapid-public-key: the applicationServerKey for `pushManager.subscribe` (base64url, 65 bytes). */
export const vapidPublicKeySchema = z.object({ publicKey: z.string().max(100) }).meta({ id: 'VapidPublicKey' });
export const vapidPublicKeyEnvelope = envelope(vapidPublicKeySchema);

/** What a reminder push carries (the service worker shows it; a click opens `url`). */
export const pushPayloadSchema = z.object({
  title: z.string(),
  body: z.string(),
  url: z.string().optional(),
  tag: z.string().optional(),
});
export type PushPayload = z.infer<typeof pushPayloadSchema>;
