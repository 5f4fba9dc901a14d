/**
 * Per-task reminders (issue 17 item 2). A task's `reminders` (tasks.reminders, the list the client set) are
 * scheduled here: one row per (task, fire time), kept by the tasks_reminder_schedule trigger (migration 0025) in the
 * transaction of whatever statement writes the task — create, PATCH/PUT, bulk, import, the next occurrence of a
 * recurring task, delete, restore. The due-reminders job claims due rows (claimed_at, a lease) and marks them sent:
 * the primary key makes each (occurrence, fire time) one row, so it is mailed once. Sent rows stay (a reopened or
 * re-saved task does not fire again); unsent rows of a completed, cancelled or deleted task are removed.
 */
import { sql } from 'drizzle-orm';
import { index, integer, pgTable, primaryKey, timestamp, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const taskReminderSchedule = pgTable(
  'task_reminder_schedule',
  {
    /** The task's project (kept by the trigger when the task moves): the distribution key of shared data. */
    projectId: uuid('project_id').notNull(),
    taskId: uuid('task_id').notNull(),
    /** The task's creator (tasks' primary key is (user_id, id)). */
    userId: uuid('user_id').notNull(),
    /** When it fires: `at`, or the due date minus `before`. */
    fireAt: ts('fire_at').notNull(),
    /** Taken by a job run; a claim older than the lease without sent_at is taken again (its worker died). */
    claimedAt: ts('claimed_at'),
    sentAt: ts('sent_at'),
    attempts: integer('attempts').notNull().default(0),
  },
  (t) => [
    // Exactly once per (occurrence, fire time): an occurrence is a task row of its own.
    primaryKey({ name: 'task_reminder_schedule_pkey', columns: [t.taskId, t.fireAt] }),
    // A project's reminders (the distribution key leads, architecture.md "Ownership with projects").
    index('task_reminder_schedule_project_idx').on(t.projectId, t.taskId),
    // The due-reminders job: unsent rows by fire time.
    index('task_reminder_schedule_due_idx').on(t.fireAt).where(sql`sent_at is null`),
  ],
);
