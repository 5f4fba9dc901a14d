import { sql } from 'drizzle-orm';
import { bigint, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * The audit log: one row per security event or admin action, written in the transaction of the action itself.
 * Append-only: a trigger (migration 0011) refuses UPDATE, DELETE and TRUNCATE; only the retention purge
 * (the SQL function audit_purge(cutoff)) may delete, and only rows older than its cutoff. No foreign keys: a row
 * outlives the account it is about (deleting a user must not rewrite its history). `details` never holds a secret.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: ts('at').notNull().defaultNow(),
    /** The account the event is about (null: a failed sign-in for an unknown email). */
    userId: uuid('user_id'),
    /** Who did it: the user themself, an administrator, or null (an anonymous caller, the system). */
    actorId: uuid('actor_id'),
    type: text('type').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  },
  (t) => [
    index('audit_events_user_idx').on(t.userId, t.id),
    index('audit_events_type_idx').on(t.type, t.id),
    index('audit_events_at_idx').on(t.at),
  ],
);

export type AuditEventRow = typeof auditEvents.$inferSelect;
export type NewAuditEvent = typeof auditEvents.$inferInsert;
