/**
 * Background-job bookkeeping. task_reminders is the sent-marker of each reminder: one row per task, kind and
 * due date (a new due date may be reminded again). A row is claimed atomically before mailing and marked sent
 * after; a claim that is not marked sent within the lease is taken again by a later scan.
 */
import { sql } from 'drizzle-orm';
import { index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './users';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const taskReminders = pgTable(
  'task_reminders',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    taskId: uuid('task_id').notNull(),
    kind: text('kind', { enum: ['due_soon', 'overdue'] }).notNull(),
    dueDate: ts('due_date').notNull(),
    claimedAt: ts('claimed_at').notNull().defaultNow(),
    sentAt: ts('sent_at'),
    attempts: integer('attempts').notNull().default(1),
  },
  (t) => [
    primaryKey({ name: 'task_reminders_pkey', columns: [t.userId, t.taskId, t.kind, t.dueDate] }),
    index('task_reminders_unsent_idx').on(t.claimedAt).where(sql`sent_at is null`),
  ],
);
