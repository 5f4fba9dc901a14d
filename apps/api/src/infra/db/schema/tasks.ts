/**
 * Tasks, their activity history and POST /tasks idempotency keys.
 *
 * Tasks are keyed (primary key) by their creator's user_id; their list, search and stats indexes lead with
 * project_id (issue 15), the distribution key of shared data: a caller's query is an index range per project. Each index names the
 * query that needs it; see docs/api/tasks.md ("Indexes").
 */
import type { Recurrence, Reminder, Task } from '@primetrade/shared';
import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { projects } from './projects';
import { users } from './users';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

const tsvector = customType<{ data: string }>({
  dataType: () => 'tsvector',
});

/**
 * The list, search and stats indexes hold live tasks only: every such query says `deleted_at is null`
 * (soft delete), and a partial index lets it stay index-only (the stats' counts) and keeps the planner on the
 * right index (measured: without it the priority counts took a GIN bitmap scan; tasks.plans.test.ts).
 */
const LIVE = sql`deleted_at is null`;

export const tasks = pgTable(
  'tasks',
  {
    id: uuid('id').notNull().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /**
     * The project the task is in (the distribution key of shared data, issue 15). Nullable in the schema only
     * for the zero-downtime migration: the tasks_default_project trigger fills in the owner's inbox for a row
     * inserted without it, and the backfill (projects.backfill.ts) sets it on older rows, then adds the
     * validated tasks_project_id_not_null constraint.
     */
    projectId: uuid('project_id').references(() => projects.id, { onDelete: 'cascade' }),
    /** A member of the project, or null. */
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    /** The parent task (same project, one level deep), or null. */
    parentId: uuid('parent_id'),
    /** Sort key within a status column of the project's board (null: not placed yet). */
    position: text('position'),
    /**
     * The live subtasks of this task and how many of them are completed (issue 15 item 5): kept by the
     * tasks_subtask_counts triggers (migration 0017), whichever statement inserts, moves, completes, deletes or
     * restores a subtask — every task response reads them without a grouped count.
     */
    subtaskCount: integer('subtask_count').notNull().default(0),
    subtaskDoneCount: integer('subtask_done_count').notNull().default(0),
    /**
     * Recurrence (issue 17 item 1): the rule, `null` for a one-off task. A recurring task is occurrence number
     * `occurrence` of its series `series_id` (the first occurrence's id; both set by the tasks_series trigger when
     * a recurrence is first given). Completing an occurrence inserts occurrence + 1 of the same series: the unique
     * tasks_series_key makes that happen once, however many completions race (deleted occurrences keep their slot).
     */
    recurrence: jsonb('recurrence').$type<Recurrence>(),
    seriesId: uuid('series_id'),
    occurrence: integer('occurrence'),
    /**
     * Reminders (issue 17 item 2): the client's list (`{ at }` / `{ before }`), scheduled into
     * task_reminder_schedule by the tasks_reminder_schedule trigger (schema/task-reminders.ts).
     */
    reminders: jsonb('reminders').$type<Reminder[]>().notNull().default(sql`'[]'::jsonb`),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    status: text('status', { enum: ['pending', 'in_progress', 'completed', 'cancelled'] })
      .notNull()
      .default('pending'),
    priority: text('priority', { enum: ['low', 'medium', 'high', 'urgent'] })
      .notNull()
      .default('medium'),
    /** low < medium < high < urgent as 0..3: what `sort=priority` orders by (text would sort alphabetically). */
    priorityRank: smallint('priority_rank').generatedAlwaysAs(
      sql`case priority when 'low' then 0 when 'medium' then 1 when 'high' then 2 else 3 end`,
    ),
    dueDate: ts('due_date'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    completedAt: ts('completed_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    version: integer('version').notNull().default(1),
    /**
     * Soft delete (undo): set by DELETE /tasks/:id and bulk delete, null while the task is live. A deleted task is
     * invisible to every read and write except POST /tasks/:id/restore, and purged 30 days later. Its children
     * deleted with it carry the same instant (one transaction's now()), which is how a restore finds them.
     */
    deletedAt: ts('deleted_at'),
    /** Full-text document ('simple': no stemming, language-neutral): title weighted A, description B. */
    search: tsvector('search').generatedAlwaysAs(
      sql`setweight(to_tsvector('simple'::regconfig, title), 'A') || setweight(to_tsvector('simple'::regconfig, description), 'B')`,
    ),
  },
  (t) => [
    primaryKey({ name: 'tasks_pkey', columns: [t.userId, t.id] }),
    check('tasks_status_check', sql`${t.status} in ('pending', 'in_progress', 'completed', 'cancelled')`),
    check('tasks_priority_check', sql`${t.priority} in ('low', 'medium', 'high', 'urgent')`),
    check('tasks_version_check', sql`${t.version} >= 1`),
    // One task by id for any member of its project (GET|PATCH|DELETE /tasks/:id).
    uniqueIndex('tasks_id_key').on(t.id),
    // Every list index leads with project_id: a caller's list is `project_id = any(<their projects>)`.
    // Default list (sort=-createdAt / createdAt, keyset on (created_at, id)) and the stats' daily "created".
    index('tasks_project_created_idx').on(t.projectId, t.createdAt, t.id).where(LIVE),
    // sort=updatedAt / -updatedAt.
    index('tasks_project_updated_idx').on(t.projectId, t.updatedAt, t.id).where(LIVE),
    // sort=dueDate / -dueDate (tasks without a due date sort as if due at infinity) and dueBefore/dueAfter.
    index('tasks_project_due_idx').on(t.projectId, sql`coalesce(due_date, 'infinity'::timestamptz)`, t.id).where(LIVE),
    // sort=priority / -priority and the stats' byPriority (index-only).
    index('tasks_project_priority_idx').on(t.projectId, t.priorityRank, t.id).where(LIVE),
    // sort=title / -title.
    index('tasks_project_title_idx').on(t.projectId, t.title, t.id).where(LIVE),
    // status=... filters in the default order, and the stats' byStatus (index-only).
    index('tasks_project_status_created_idx').on(t.projectId, t.status, t.createdAt, t.id).where(LIVE),
    // overdue=true, and the stats' overdue / dueToday / dueThisWeek: only active tasks with a due date.
    index('tasks_project_active_due_idx')
      .on(t.projectId, t.dueDate)
      .where(sql`status in ('pending', 'in_progress') and due_date is not null and deleted_at is null`),
    // The stats' completedLast7Days, daily "completed", avgCompletionHours (index-only).
    index('tasks_project_completed_idx')
      .on(t.projectId, t.completedAt, t.createdAt)
      .where(sql`completed_at is not null and deleted_at is null`),
    // q= full text (prefix matching) scoped to the projects: btree_gin puts project_id into the GIN index.
    index('tasks_project_search_idx').using('gin', t.projectId, t.search).where(LIVE),
    // q= typo fallback: trigram word similarity to the title, scoped to the projects.
    index('tasks_project_title_trgm_idx').using('gin', t.projectId, sql`title gin_trgm_ops`).where(LIVE),
    // tag= filter: array containment.
    index('tasks_project_tags_idx').using('gin', t.projectId, t.tags).where(LIVE),
    // assigneeId= filter ("Assigned to me").
    index('tasks_project_assignee_idx').on(t.projectId, t.assigneeId).where(sql`assignee_id is not null`),
    // A task's subtasks (parentId=, the move of a task with its subtasks).
    index('tasks_project_parent_idx').on(t.projectId, t.parentId).where(sql`parent_id is not null`),
    // The board (issue 15 item 4): a status column of a project in position order (sort=position), and the
    // guarantee that no two live tasks of a column share a position. Unplaced tasks (null: created before
    // positions, imported) sort after the placed ones by id; '~' sorts after every base-62 key in the C collation.
    uniqueIndex('tasks_board_key')
      .on(t.projectId, t.status, sql`(coalesce(position, '~' || id::text) collate "C")`)
      .where(sql`deleted_at is null`),
    // Exactly one next occurrence per completed one (issue 17 item 1): see `recurrence`.
    uniqueIndex('tasks_series_key').on(t.seriesId, t.occurrence).where(sql`series_id is not null`),
    // The purge of tasks deleted more than 30 days ago (a small index: only deleted tasks).
    index('tasks_deleted_idx').on(t.deletedAt).where(sql`deleted_at is not null`),
  ],
);

/** One row per change of a task, written in the same transaction as the change. Kept after the task is deleted. */
export const taskActivity = pgTable(
  'task_activity',
  {
    id: uuid('id').notNull().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    taskId: uuid('task_id').notNull(),
    /**
     * Who made the change (issue 15 item 5); null on rows written before actors were recorded (read as the
     * task's owner, user_id). No foreign key: a deleted account's entries stay and read as "Deleted user".
     */
    actorId: uuid('actor_id'),
    /** Total order of entries (several changes can share a timestamp). */
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
    type: text('type', { enum: ['created', 'updated', 'completed', 'reopened', 'deleted', 'restored'] }).notNull(),
    changes: jsonb('changes').$type<Record<string, { from: unknown; to: unknown }>>().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    /** Transactional outbox: null until the event relay has published this change as a domain event. */
    publishedAt: ts('published_at'),
    /**
     * The outbox event's payload: the task as this change left it (null for a deletion). Events carry the state
     * of their own change even when later changes commit before the relay runs; cleared once published.
     */
    payload: jsonb('payload').$type<Task>(),
  },
  (t) => [
    primaryKey({ name: 'task_activity_pkey', columns: [t.userId, t.id] }),
    // GET /tasks/:id/history, newest first.
    index('task_activity_task_idx').on(t.userId, t.taskId, t.seq),
    // The event relay's queue: unpublished changes in commit-independent total order.
    index('task_activity_unpublished_idx').on(t.seq).where(sql`published_at is null`),
  ],
);

/** POST /tasks Idempotency-Key: the request's hash and the stored response, for 24 hours. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    statusCode: integer('status_code'),
    /** The response body and the headers to repeat (Location, ETag); null while the first request is in flight. */
    response: jsonb('response').$type<{ body: unknown; headers: Record<string, string> }>(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [
    primaryKey({ name: 'idempotency_keys_pkey', columns: [t.userId, t.key] }),
    // Purging expired keys.
    index('idempotency_keys_expires_idx').on(t.expiresAt),
  ],
);

export type TaskRow = typeof tasks.$inferSelect;
export type TaskActivityRow = typeof taskActivity.$inferSelect;
