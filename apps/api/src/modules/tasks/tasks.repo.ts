/**
 * Task rows: read one or a few, create, update, delete — always scoped by user_id (the leading column of every
 * index and primary key). No rules here: the services decide, these functions only read and write. Every value
 * reaches SQL as a bound parameter. The column lists are the mapper's fields (tasks.mapper.ts).
 */
import type { Task } from '@primetrade/shared';
import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { type DbOrTx, rawExecutor } from '../../infra/db/client';
import { tasks } from '../../infra/db/schema/tasks';
import {
  FIELD_NAMES,
  fromListRow,
  isTimeField,
  TASK_FIELDS,
  type TaskField,
  type TaskRecord,
  type TaskWrite,
  WRITABLE_FIELDS,
} from './tasks.mapper';

/** Every field's column, for a select or a returning clause (rows come back as TaskRecord). */
export const taskColumns = Object.fromEntries(FIELD_NAMES.map((f) => [f, tasks[f]])) as {
  [K in TaskField]: (typeof tasks)[K];
};

/** A field's column name in SQL text. */
export const columnOf = (f: TaskField): string => tasks[f].name;

/** A timestamp as the API writes it (`toISOString()`'s format), formatted by PostgreSQL: no Date per field. */
const ISO_FORMAT = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const isoOf = (column: string) => `to_char(${column} at time zone 'UTC', ${ISO_FORMAT})`;
export const isoText = (column: AnyPgColumn) =>
  sql<string | null>`to_char(${column} at time zone 'UTC', ${sql.raw(ISO_FORMAT)})`;

/** The fields in the API's shape as SQL text, in FIELD_NAMES order (times as ISO text): `prefix` qualifies them. */
export function apiSelectList(prefix = ''): string {
  return FIELD_NAMES.map((f) => (isTimeField(f) ? isoOf(`${prefix}${columnOf(f)}`) : `${prefix}${columnOf(f)}`)).join(
    ', ',
  );
}

/** completedAt `'now'` is the database's clock. */
const completedAtValue = (v: TaskWrite['completedAt']): Date | null | SQL => (v === 'now' ? sql`now()` : v);

export async function findTask(db: DbOrTx, userId: string, id: string, forUpdate = false): Promise<TaskRecord | null> {
  const q = db
    .select(taskColumns)
    .from(tasks)
    .where(and(eq(tasks.userId, userId), eq(tasks.id, id)))
    .$dynamic();
  const rows = (await (forUpdate ? q.for('update') : q)) as TaskRecord[];
  return rows[0] ?? null;
}

export async function findTasksForUpdate(db: DbOrTx, userId: string, ids: string[]): Promise<TaskRecord[]> {
  return (await db
    .select(taskColumns)
    .from(tasks)
    .where(and(eq(tasks.userId, userId), inArray(tasks.id, ids)))
    .orderBy(tasks.id)
    .for('update')) as TaskRecord[];
}

/** The tasks among `ids` (no lock): the current state of tasks (the outbox's old rows without a payload). */
export async function findTasks(db: DbOrTx, userId: string, ids: string[]): Promise<TaskRecord[]> {
  return (await db
    .select(taskColumns)
    .from(tasks)
    .where(and(eq(tasks.userId, userId), inArray(tasks.id, ids)))) as TaskRecord[];
}

const SQL_TYPE = { text: 'text', enum: 'text', time: 'timestamptz', list: 'text[]', int: 'int' } as const;
const jsonOf = (f: TaskField) => {
  const kind = TASK_FIELDS[f].kind;
  return kind === 'time' ? isoOf(columnOf(f)) : kind === 'list' ? `to_jsonb(${columnOf(f)})` : columnOf(f);
};
const statusParam = 2 + WRITABLE_FIELDS.indexOf('status');
const changesParam = 2 + WRITABLE_FIELDS.length;

/**
 * Create one task and its `created` activity row (the outbox entry, with the task as payload) in ONE statement:
 * atomic without a transaction, one round trip instead of four (BEGIN, two INSERTs, COMMIT) — the hot write
 * (bench P6). `changes` holds every field given; completedAt (the database's now()) is added here.
 */
const createStatement = {
  name: 'tasks_create',
  text: `with t as (
    insert into tasks (user_id, ${WRITABLE_FIELDS.map(columnOf).join(', ')}, completed_at)
    values ($1::uuid, ${WRITABLE_FIELDS.map((f, i) => `$${i + 2}::${SQL_TYPE[TASK_FIELDS[f].kind]}`).join(', ')},
            case when $${statusParam}::text = 'completed' then now() end)
    returning user_id, ${FIELD_NAMES.map(columnOf).join(', ')}
  ), a as (
    insert into task_activity (user_id, task_id, type, changes, payload)
    select user_id, id, 'created',
           $${changesParam}::jsonb || case when completed_at is null then '{}'::jsonb
                        else jsonb_build_object('completedAt', jsonb_build_object('from', null, 'to', ${isoOf('completed_at')})) end,
           jsonb_build_object(${FIELD_NAMES.map((f) => `'${f}', ${jsonOf(f)}`).join(', ')})
    from t
  )
  select ${apiSelectList()}
  from t`,
};

export async function createTaskWithActivity(
  db: DbOrTx,
  userId: string,
  write: Omit<TaskWrite, 'completedAt'>,
  changes: Record<string, { from: unknown; to: unknown }>,
): Promise<Task> {
  const values = WRITABLE_FIELDS.map((f) => {
    const v = write[f];
    return v instanceof Date ? v.toISOString() : v;
  });
  const rows = await rawExecutor(db)(createStatement, [userId, ...values, JSON.stringify(changes)]);
  const row = rows[0];
  if (!row) throw new Error('insert returned no row');
  return fromListRow(row);
}

export async function insertTasks(db: DbOrTx, userId: string, rows: TaskWrite[]): Promise<TaskRecord[]> {
  if (rows.length === 0) return [];
  return (await db
    .insert(tasks)
    .values(rows.map((r) => ({ ...r, userId, completedAt: completedAtValue(r.completedAt) })))
    .returning(taskColumns)) as TaskRecord[];
}

export async function updateTask(
  db: DbOrTx,
  userId: string,
  id: string,
  set: Partial<TaskWrite>,
): Promise<TaskRecord | null> {
  const { completedAt, ...rest } = set;
  const rows = (await db
    .update(tasks)
    .set({
      ...rest,
      ...(completedAt === undefined ? {} : { completedAt: completedAtValue(completedAt) }),
      version: sql`${tasks.version} + 1`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(tasks.userId, userId), eq(tasks.id, id)))
    .returning(taskColumns)) as TaskRecord[];
  return rows[0] ?? null;
}

export async function deleteTasks(db: DbOrTx, userId: string, ids: string[]): Promise<TaskRecord[]> {
  if (ids.length === 0) return [];
  return (await db
    .delete(tasks)
    .where(and(eq(tasks.userId, userId), inArray(tasks.id, ids)))
    .returning(taskColumns)) as TaskRecord[];
}

/** A task row as given, server-owned fields included (fixtures: tests and benchmarks; no history row). */
export async function insertTaskRow(
  db: DbOrTx,
  userId: string,
  row: TaskWrite & Partial<Pick<TaskRecord, 'createdAt' | 'updatedAt'>>,
): Promise<TaskRecord> {
  const [created] = (await db
    .insert(tasks)
    .values({ ...row, userId, completedAt: completedAtValue(row.completedAt) })
    .returning(taskColumns)) as TaskRecord[];
  if (!created) throw new Error('task insert failed');
  return created;
}
