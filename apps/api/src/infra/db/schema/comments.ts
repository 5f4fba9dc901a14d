/**
 * Comments on tasks (issue 15 item 5). Keyed by project_id first, the distribution key of shared data
 * (docs/architecture.md, "Ownership with projects"): a comment moves with its task to another project, and a
 * task's comments are one index range inside its project.
 */
import { sql } from 'drizzle-orm';
import { check, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { projects } from './projects';
import { users } from './users';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const taskComments = pgTable(
  'task_comments',
  {
    id: uuid('id').notNull().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    /** The task (no foreign key: tasks are keyed by their creator; the tasks_comments_purge trigger of
     * migration 0018 deletes a task's comments with the task). */
    taskId: uuid('task_id').notNull(),
    /** Null once the author's account is deleted: the comment stays, shown as "Deleted user". */
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    /** Markdown as the author wrote it (1-5,000 characters); never rendered by the API. */
    body: text('body').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'task_comments_pkey', columns: [t.projectId, t.id] }),
    // GET /tasks/:id/comments: a task's comments, oldest first.
    index('task_comments_task_idx').on(t.projectId, t.taskId, t.createdAt, t.id),
    check('task_comments_body_check', sql`char_length(${t.body}) between 1 and 5000`),
  ],
);

export type TaskCommentRow = typeof taskComments.$inferSelect;
