/**
 * Per-task reminders (issue 17 item 2): the atomic claim of due rows of task_reminder_schedule, and the sent /
 * released marks. The rows themselves are written by the tasks_reminder_schedule trigger (migration 0025) in the
 * transaction that writes the task. No rules here: the service decides.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../infra/db/client';

/** A claimed reminder with what its mail and push need. */
export interface DueReminder {
  task_id: string;
  fire_at: Date | string;
  title: string;
  due_date: Date | string | null;
  /** Who is reminded: the assignee, else the task's creator. */
  recipient_id: string;
  email: string;
  name: string;
  timezone: string;
}

/**
 * Claim up to `limit` due rows — fire time reached, not sent, not claimed within the lease, of a live open task —
 * in one statement: FOR UPDATE SKIP LOCKED makes two concurrent claims take disjoint rows, and the claim condition
 * (claimed_at older than the lease) is checked again on the locked row, so a row is held by one run at a time.
 */
export async function claimDue(db: Db, o: { now: Date; leaseSeconds: number; limit: number }): Promise<DueReminder[]> {
  const { now, leaseSeconds, limit } = o;
  const stale = sql`${now}::timestamptz - make_interval(secs => ${leaseSeconds})`;
  const r = (await db.execute(sql`
    with due as (
      select s.task_id, s.fire_at
      from task_reminder_schedule s
      join tasks t on t.id = s.task_id
      join users u on u.id = coalesce(t.assignee_id, t.user_id)
      where s.fire_at <= ${now}::timestamptz and s.sent_at is null
        and (s.claimed_at is null or s.claimed_at <= ${stale})
        and t.status in ('pending', 'in_progress') and t.deleted_at is null and u.is_active
      order by s.fire_at
      limit ${limit}
      for update of s skip locked
    ), claimed as (
      update task_reminder_schedule s set claimed_at = ${now}::timestamptz, attempts = s.attempts + 1
      from due
      where s.task_id = due.task_id and s.fire_at = due.fire_at
        and s.sent_at is null and (s.claimed_at is null or s.claimed_at <= ${stale})
      returning s.task_id, s.fire_at
    )
    select c.task_id, c.fire_at, t.title, t.due_date, u.id as recipient_id, u.email, u.name, u.timezone
    from claimed c
    join tasks t on t.id = c.task_id
    join users u on u.id = coalesce(t.assignee_id, t.user_id)
    order by c.fire_at`)) as unknown as { rows: DueReminder[] };
  return r.rows;
}

export async function markSent(db: Db, r: Pick<DueReminder, 'task_id' | 'fire_at'>): Promise<void> {
  await db.execute(sql`update task_reminder_schedule set sent_at = now()
    where task_id = ${r.task_id} and fire_at = ${new Date(r.fire_at)}`);
}

/** Give an unsent claim back at once (its mail failed): the next run takes it. */
export async function release(db: Db, r: Pick<DueReminder, 'task_id' | 'fire_at'>): Promise<void> {
  await db.execute(sql`update task_reminder_schedule set claimed_at = null
    where task_id = ${r.task_id} and fire_at = ${new Date(r.fire_at)} and sent_at is null`);
}
