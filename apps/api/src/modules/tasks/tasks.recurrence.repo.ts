/**
 * Rows of recurrence (issue 17 item 1): the owner's time zone, a task's place in its series, and the insert of the
 * next occurrence — once per (series, occurrence): the unique tasks_series_key decides between racing completions.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../infra/db/client';
import { users } from '../../infra/db/schema';
import { tasks } from '../../infra/db/schema/tasks';
import type { TaskRecord, TaskWrite } from './tasks.mapper';
import { insertTasks, type OwnedTask, taskColumns } from './tasks.repo';

/** The user's IANA time zone (users.timezone); UTC when the account is gone. */
export async function ownerTimezone(db: DbOrTx, userId: string): Promise<string> {
  const [row] = await db.select({ timezone: users.timezone }).from(users).where(eq(users.id, userId)).limit(1);
  return row?.timezone ?? 'UTC';
}

/** The task's series and its number in it (null for a task that never recurred). */
export async function seriesOf(db: DbOrTx, id: string): Promise<{ seriesId: string; occurrence: number } | null> {
  const [row] = await db
    .select({ seriesId: tasks.seriesId, occurrence: tasks.occurrence })
    .from(tasks)
    .where(eq(tasks.id, id));
  return row?.seriesId && row.occurrence !== null ? { seriesId: row.seriesId, occurrence: row.occurrence } : null;
}

/**
 * Insert occurrence `occurrence` of `seriesId`, unless it exists (a deleted one included): null then. The
 * conflict target is the unique tasks_series_key, so two completions of one occurrence — whatever path they take,
 * on whatever instance — insert one next occurrence between them.
 */
export async function insertOccurrence(
  db: DbOrTx,
  ownerId: string,
  write: TaskWrite,
  series: { seriesId: string; occurrence: number },
): Promise<TaskRecord | null> {
  const rows = (await db
    .insert(tasks)
    .values({ ...write, completedAt: null, userId: ownerId, seriesId: series.seriesId, occurrence: series.occurrence })
    // No conflict target: the only unique key a new row (a fresh id, unplaced) can meet is tasks_series_key —
    // and without that index the insert would go through (the planted fault of tasks.recurrence.http.test.ts).
    .onConflictDoNothing()
    .returning(taskColumns)) as TaskRecord[];
  return rows[0] ?? null;
}

/** The live subtasks of a task, with their creators. */
export async function liveSubtasks(db: DbOrTx, projectId: string, parentId: string): Promise<OwnedTask[]> {
  return (await db
    .select({ ...taskColumns, ownerId: tasks.userId })
    .from(tasks)
    .where(and(eq(tasks.projectId, projectId), eq(tasks.parentId, parentId), isNull(tasks.deletedAt)))
    .orderBy(tasks.createdAt, tasks.id)) as OwnedTask[];
}

export { insertTasks };
