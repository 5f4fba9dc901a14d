/**
 * Webhooks per project (issue 18 item 4, modules/webhooks). The signing secret is needed in the clear to sign, so
 * it is stored sealed with the field cipher (AAD "webhooks.secret:<id>"), never hashed.
 *
 * Deliveries: one row per (webhook, event), written in the outbox relay's transaction for task events (so a
 * published task change always has its deliveries) and in the change's own transaction for comment and project
 * events. The dispatcher sends the due pending ones, oldest first, never one while an older pending delivery of the
 * same webhook and ordering key (the task) waits: in order per task.
 */
import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { projects } from './projects';
import { users } from './users';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const webhooks = pgTable(
  'webhooks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    /** Subset of WEBHOOK_EVENTS (packages/shared/src/webhooks.ts). */
    events: text('events').array().notNull(),
    /** The signing secret, sealed (field cipher envelope). */
    secretEnc: text('secret_enc').notNull(),
    active: boolean('active').notNull().default(true),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('webhooks_project_idx').on(t.projectId, t.createdAt)],
);

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    /** Total order of the deliveries (the outbox's order for task events). */
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    id: uuid('id').notNull().unique().defaultRandom(),
    webhookId: uuid('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    event: text('event').notNull(),
    /** What must be delivered in order: the task id for task and comment events, the project id otherwise. */
    orderKey: text('order_key').notNull(),
    /** The JSON body sent (the same bytes on every attempt). */
    body: text('body').notNull(),
    /** pending | delivered | failed */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    /** A dispatcher working on it holds it until then (another instance skips it meanwhile). */
    lockedUntil: ts('locked_until'),
    lastAttemptAt: ts('last_attempt_at'),
    /** The last attempt's answer: status code (null: no answer), time, error, the first ≤ 1 KB of its body. */
    responseStatus: integer('response_status'),
    responseMs: integer('response_ms'),
    error: text('error'),
    responseBody: text('response_body'),
    createdAt: ts('created_at').notNull().defaultNow(),
    deliveredAt: ts('delivered_at'),
  },
  (t) => [
    index('webhook_deliveries_hook_idx').on(t.webhookId, t.seq),
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`status = 'pending'`),
    index('webhook_deliveries_order_idx').on(t.webhookId, t.orderKey, t.seq).where(sql`status = 'pending'`),
  ],
);

export type WebhookRow = typeof webhooks.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
