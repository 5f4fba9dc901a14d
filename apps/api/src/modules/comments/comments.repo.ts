/**
 * task_comments rows (issue 15 item 5), always addressed by project_id first (the table's distribution key and
 * the leading column of its primary key and of task_comments_task_idx). The author's name is joined from users;
 * a deleted account's comments keep author_id null and read as "Deleted user".
 */
import { type Comment, DELETED_USER_NAME } from '@primetrade/shared';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../infra/db/client';
import { taskComments } from '../../infra/db/schema/comments';
import { tasks } from '../../infra/db/schema/tasks';
import { users } from '../../infra/db/schema/users';

/** At most this many comments in one answer (oldest first). */
export const COMMENT_LIST_MAX = 1000;

const ISO = sql.raw(`'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`);
const iso = (c: typeof taskComments.createdAt) => sql<string>`to_char(${c} at time zone 'UTC', ${ISO})`;

const commentColumns = {
  id: taskComments.id,
  taskId: taskComments.taskId,
  authorId: taskComments.authorId,
  authorName: sql<string>`coalesce(${users.name}, ${DELETED_USER_NAME})`,
  body: taskComments.body,
  createdAt: iso(taskComments.createdAt),
  updatedAt: iso(taskComments.updatedAt),
};

/** The project of a live task (null: no such task, or deleted). */
export async function projectOfTask(db: DbOrTx, taskId: string): Promise<string | null> {
  const [row] = await db
    .select({ projectId: tasks.projectId })
    .from(tasks)
    .where(and(eq(tasks.id, taskId), isNull(tasks.deletedAt)));
  return row?.projectId ?? null;
}

/** A task's comments, oldest first (task_comments_task_idx). */
export async function listComments(db: DbOrTx, projectId: string, taskId: string): Promise<Comment[]> {
  return db
    .select(commentColumns)
    .from(taskComments)
    .leftJoin(users, eq(users.id, taskComments.authorId))
    .where(and(eq(taskComments.projectId, projectId), eq(taskComments.taskId, taskId)))
    .orderBy(asc(taskComments.createdAt), asc(taskComments.id))
    .limit(COMMENT_LIST_MAX);
}

/** The list query itself (tests EXPLAIN it). */
export function listCommentsQuery(db: DbOrTx, projectId: string, taskId: string) {
  return db
    .select(commentColumns)
    .from(taskComments)
    .leftJoin(users, eq(users.id, taskComments.authorId))
    .where(and(eq(taskComments.projectId, projectId), eq(taskComments.taskId, taskId)))
    .orderBy(asc(taskComments.createdAt), asc(taskComments.id))
    .limit(COMMENT_LIST_MAX);
}

export async function findComment(
  db: DbOrTx,
  projectId: string,
  taskId: string,
  id: string,
  forUpdate = false,
): Promise<Comment | null> {
  const q = db
    .select(commentColumns)
    .from(taskComments)
    .leftJoin(users, eq(users.id, taskComments.authorId))
    .where(and(eq(taskComments.projectId, projectId), eq(taskComments.id, id), eq(taskComments.taskId, taskId)))
    .$dynamic();
  const rows = await (forUpdate ? q.for('update', { of: taskComments }) : q);
  return rows[0] ?? null;
}

export async function insertComment(
  db: DbOrTx,
  c: { projectId: string; taskId: string; authorId: string; body: string },
): Promise<string> {
  const [row] = await db.insert(taskComments).values(c).returning({ id: taskComments.id });
  if (!row) throw new Error('comment insert returned no row');
  return row.id;
}

export async function updateComment(db: DbOrTx, projectId: string, id: string, body: string): Promise<void> {
  await db
    .update(taskComments)
    .set({ body, updatedAt: sql`now()` })
    .where(and(eq(taskComments.projectId, projectId), eq(taskComments.id, id)));
}

export async function deleteComment(db: DbOrTx, projectId: string, id: string): Promise<void> {
  await db.delete(taskComments).where(and(eq(taskComments.projectId, projectId), eq(taskComments.id, id)));
}
