/**
 * Reminder queries: the due candidates, the atomic claim in task_reminders, the sent / released marks, and the
 * markers of a deleted task. No rules here: the service decides, these functions only read and write.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../infra/db/client';
import { taskReminders } from '../../infra/db/schema';

export type ReminderKind = 'due_soon' | 'overdue';

/** An active task due soon (or overdue) for a user who gets reminders, with what the mail needs. */
export interface ReminderCandidate {
  task_id: string;
  user_id: string;
  title: string;
  due_date: Date | string;
  kind: ReminderKind;
  email: string;
  name: string;
  timezone: string;
}

/**
 * Active tasks (pending / in progress) due within their user's lead time or already overdue, for active users
 * who have not opted out, without a sent marker or a claim younger than the lease; soonest first.
 */
export async function findDue(
  db: Db,
  o: { now: Date; leaseSeconds: number; limit: number },
): Promise<ReminderCandidate[]> {
  const { now, leaseSeconds: lease, limit } = o;
  const found = (await db.execute(sql`
      select t.id as task_id, t.user_id, t.title, t.due_date, u.email, u.name, u.timezone,
             case when t.due_date <= ${now} then 'overdue' else 'due_soon' end as kind
      from tasks t
      join users u on u.id = t.user_id
      where t.status in ('pending', 'in_progress')
        and t.deleted_at is null
        and t.due_date is not null
        and t.due_date <= ${now}::timestamptz + make_interval(mins => u.reminder_lead_minutes)
        and u.reminders_enabled and u.is_active
        and not exists (
          select 1 from task_reminders r
          where r.user_id = t.user_id and r.task_id = t.id and r.due_date = t.due_date
            and r.kind = case when t.due_date <= ${now} then 'overdue' else 'due_soon' end
            and (r.sent_at is not null or r.claimed_at > ${now}::timestamptz - make_interval(secs => ${lease}))
        )
      order by t.due_date
      limit ${limit}`)) as unknown as { rows: ReminderCandidate[] };
  return found.rows;
}

/**
 * Claim one reminder: true when this statement inserted the marker or took over a claim older than the lease
 * (then it is ours alone); false when it is sent or another scan holds it.
 */
export async function claim(db: Db, c: ReminderCandidate, now: Date, leaseSeconds: number): Promise<boolean> {
  const r = (await db.execute(sql`
        insert into task_reminders (user_id, task_id, kind, due_date, claimed_at)
        values (${c.user_id}, ${c.task_id}, ${c.kind}, ${new Date(c.due_date)}, ${now})
        on conflict (user_id, task_id, kind, due_date) do update
          set claimed_at = excluded.claimed_at, attempts = task_reminders.attempts + 1
          where task_reminders.sent_at is null
            and task_reminders.claimed_at <= ${now}::timestamptz - make_interval(secs => ${leaseSeconds})
        returning task_id`)) as unknown as { rows: unknown[] };
  return r.rows.length > 0;
}

export async function markSent(db: Db, c: ReminderCandidate): Promise<void> {
  await db.execute(sql`update task_reminders set sent_at = now()
          where user_id = ${c.user_id} and task_id = ${c.task_id} and kind = ${c.kind} and due_date = ${new Date(c.due_date)}`);
}

/** Give an unsent claim back at once, so the next scan takes it (its mail was not sent). */
export async function release(db: Db, c: ReminderCandidate): Promise<void> {
  await db.execute(sql`update task_reminders set claimed_at = 'epoch'
          where user_id = ${c.user_id} and task_id = ${c.task_id} and kind = ${c.kind} and due_date = ${new Date(c.due_date)} and sent_at is null`);
}

/** The markers of one task (it was deleted). */
export async function deleteForTask(db: Db, userId: string, taskId: string): Promise<void> {
  await db.delete(taskReminders).where(and(eq(taskReminders.userId, userId), eq(taskReminders.taskId, taskId)));
}
