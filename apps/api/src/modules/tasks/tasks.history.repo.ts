/**
 * The activity of tasks (task_activity): one row per change, written in the same transaction as the change. Each
 * row is also the change's outbox entry (its payload: the task as the change left it; see tasks.outbox.ts).
 */
import type { Task } from '@primetrade/shared';
import { DELETED_USER_NAME } from '@primetrade/shared';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../infra/db/client';
import { taskActivity } from '../../infra/db/schema/tasks';
import { users } from '../../infra/db/schema/users';

export type ActivityType = 'created' | 'updated' | 'completed' | 'reopened' | 'deleted' | 'restored';
export type Changes = Record<string, { from: unknown; to: unknown }>;

export interface ActivityWrite {
  taskId: string;
  type: ActivityType;
  changes: Changes;
  /** The task after this change (the outbox event's payload); absent for a deletion. A restore carries the task. */
  payload?: Task;
  /** Who made the change (issue 15 item 5); absent: the task's owner (the row's user_id). */
  actorId?: string;
}

export async function insertActivity(db: DbOrTx, userId: string, rows: ActivityWrite[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insert(taskActivity).values(rows.map((r) => ({ ...r, userId })));
}

/**
 * A task's history, newest first (at most 1,000 entries), with each entry's actor: actor_id, or the owner for rows
 * written before actors were recorded; an actor whose account is gone reads as null / "Deleted user".
 */
export async function listActivity(db: DbOrTx, userId: string, taskId: string) {
  return db
    .select({
      id: taskActivity.id,
      type: taskActivity.type,
      changes: taskActivity.changes,
      createdAt: taskActivity.createdAt,
      actorId: users.id,
      actorName: sql<string>`coalesce(${users.name}, ${DELETED_USER_NAME})`,
    })
    .from(taskActivity)
    .leftJoin(users, eq(users.id, sql`coalesce(${taskActivity.actorId}, ${taskActivity.userId})`))
    .where(and(eq(taskActivity.userId, userId), eq(taskActivity.taskId, taskId)))
    .orderBy(desc(taskActivity.seq))
    .limit(1000);
}
