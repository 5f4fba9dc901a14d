/**
 * Tasks, their activity history and POST /tasks idempotency keys.
 *
 * Every table is keyed with user_id first (primary keys and indexes), so that each can be distributed on
 * user_id (Citus) and every owner-scoped query is an index range on one user's rows. Each index names the
 * query that needs it; see docs/api/tasks.md ("Indexes").
 */
import type { Task } from '@primetrade/shared';
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
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './users';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

const tsvector = customType<{ data: string }>({
  dataType: () => 'tsvector',
});

export const tasks = pgTable(
  'tasks',
  {
    id: uuid('id').notNull().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
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
    // Default list (sort=-createdAt / createdAt, keyset on (created_at, id)) and the stats' daily "created".
    index('tasks_user_created_idx').on(t.userId, t.createdAt, t.id),
    // sort=updatedAt / -updatedAt.
    index('tasks_user_updated_idx').on(t.userId, t.updatedAt, t.id),
    // sort=dueDate / -dueDate (tasks without a due date sort as if due at infinity) and dueBefore/dueAfter.
    index('tasks_user_due_idx').on(t.userId, sql`coalesce(due_date, 'infinity'::timestamptz)`, t.id),
    // sort=priority / -priority and the stats' byPriority (index-only).
    index('tasks_user_priority_idx').on(t.userId, t.priorityRank, t.id),
    // sort=title / -title.
    index('tasks_user_title_idx').on(t.userId, t.title, t.id),
    // status=... filters in the default order, and the stats' byStatus (index-only).
    index('tasks_user_status_created_idx').on(t.userId, t.status, t.createdAt, t.id),
    // overdue=true, and the stats' overdue / dueToday / dueThisWeek: only active tasks with a due date.
    index('tasks_user_active_due_idx')
      .on(t.userId, t.dueDate)
      .where(sql`status in ('pending', 'in_progress') and due_date is not null`),
    // The stats' completedLast7Days, daily "completed", avgCompletionHours (index-only).
    index('tasks_user_completed_idx').on(t.userId, t.completedAt, t.createdAt).where(sql`completed_at is not null`),
    // q= full text (prefix matching) scoped to one user: btree_gin puts user_id into the GIN index.
    index('tasks_user_search_idx').using('gin', t.userId, t.search),
    // q= typo fallback: trigram word similarity to the title, scoped to one user (descriptions match by words).
    index('tasks_user_title_trgm_idx').using('gin', t.userId, sql`title gin_trgm_ops`),
    // tag= filter: array containment.
    index('tasks_user_tags_idx').using('gin', t.userId, t.tags),
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
    /** Total order of entries (several changes can share a timestamp). */
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
    type: text('type', { enum: ['created', 'updated', 'completed', 'reopened', 'deleted'] }).notNull(),
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
