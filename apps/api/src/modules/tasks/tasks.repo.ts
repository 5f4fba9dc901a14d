/**
 * Task rows: read one or a few, create, update, delete — always scoped by user_id (the leading column of every
 * index and primary key). No rules here: the services decide, these functions only read and write. Every value
 * reaches SQL as a bound parameter. The column lists are the mapper's fields (tasks.mapper.ts).
 */
import type { Task } from '@primetrade/shared';
import { and, eq, gt, inArray, isNull, lt, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { type Db, type DbOrTx, executorOf, rawExecutorOf } from '../../infra/db/client';
import { tasks } from '../../infra/db/schema/tasks';
import {
  BOARD_KEY,
  type ColumnLockMode,
  columnLockSelect,
  type GapGuard,
  markLockedColumn,
  type NeighbourRow,
  neighbourSelect,
} from './tasks.board.repo';
import {
  FIELD_NAMES,
  fromListRow,
  isTimeField,
  TASK_FIELDS,
  type TaskField,
  type TaskRecord,
  type TaskWrite,
  WRITABLE_FIELDS,
  type WritableField,
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

/**
 * Not soft-deleted: every read and write of a task says so (a deleted task waits for its restore or its purge and
 * is seen by nothing else; docs/api/tasks.md "Delete, restore, purge").
 */
export const live = isNull(tasks.deletedAt);

/** completedAt `'now'` is the database's clock. */
const completedAtValue = (v: TaskWrite['completedAt']): Date | null | SQL => (v === 'now' ? sql`now()` : v);

export async function findTask(db: DbOrTx, userId: string, id: string, forUpdate = false): Promise<TaskRecord | null> {
  const q = db
    .select(taskColumns)
    .from(tasks)
    .where(and(eq(tasks.userId, userId), eq(tasks.id, id), live))
    .$dynamic();
  const rows = (await (forUpdate ? q.for('update') : q)) as TaskRecord[];
  return rows[0] ?? null;
}

export async function findTasksForUpdate(db: DbOrTx, userId: string, ids: string[]): Promise<TaskRecord[]> {
  return (await db
    .select(taskColumns)
    .from(tasks)
    .where(and(eq(tasks.userId, userId), inArray(tasks.id, ids), live))
    .orderBy(tasks.id)
    .for('update')) as TaskRecord[];
}

/** The tasks among `ids` (no lock): the current state of tasks (the outbox's old rows without a payload). */
export async function findTasks(db: DbOrTx, userId: string, ids: string[]): Promise<TaskRecord[]> {
  return (await db
    .select(taskColumns)
    .from(tasks)
    .where(and(eq(tasks.userId, userId), inArray(tasks.id, ids), live))) as TaskRecord[];
}

/** A task and its creator (the row's storage key), whatever project it is in. */
export type OwnedTask = TaskRecord & { ownerId: string };

/**
 * Tasks by id alone (tasks_id_key), for any member of their project: the project policy decides who may see them
 * (issue 15). Live tasks only; locked when `forUpdate`.
 */
export async function findTasksById(db: DbOrTx, ids: string[], forUpdate = false): Promise<OwnedTask[]> {
  if (ids.length === 0) return [];
  const q = db
    .select({ ...taskColumns, ownerId: tasks.userId })
    .from(tasks)
    .where(and(inArray(tasks.id, ids), live))
    .orderBy(tasks.id)
    .$dynamic();
  return (await (forUpdate ? q.for('update') : q)) as OwnedTask[];
}

/** The one-task read as a named (server-side prepared) statement: built once per database handle. */
function prepareFindById(db: Db) {
  return db
    .select({ ...taskColumns, ownerId: tasks.userId })
    .from(tasks)
    .where(and(eq(tasks.id, sql.placeholder('id')), live))
    .prepare('tasks_find_by_id');
}
const findByIdStatements = new WeakMap<object, ReturnType<typeof prepareFindById>>();

/**
 * One task (not deleted). On a long-lived handle it is a prepared statement, parsed once per connection and run
 * with PostgreSQL's generic plan after the plan cache's trials (GET /tasks/:id — 20.7 % of P11's mix — and a task's
 * history, each parsed and planned on every call before); a transaction, or a read under a row lock, builds it as
 * before.
 */
export async function findTaskById(db: DbOrTx, id: string, forUpdate = false): Promise<OwnedTask | null> {
  if (forUpdate || !rawExecutorOf(db)) return (await findTasksById(db, [id], forUpdate))[0] ?? null;
  let statement = findByIdStatements.get(db);
  if (!statement) {
    statement = prepareFindById(db as Db);
    findByIdStatements.set(db, statement);
  }
  return ((await statement.execute({ id })) as OwnedTask[])[0] ?? null;
}

/** The project and creator of each task among `ids`, deleted ones included (a restore, a deletion's audience). */
export async function taskHomes(
  db: DbOrTx,
  ids: string[],
): Promise<Map<string, { projectId: string; ownerId: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: tasks.id, projectId: tasks.projectId, ownerId: tasks.userId })
    .from(tasks)
    .where(inArray(tasks.id, ids));
  return new Map(
    rows.flatMap((r) => (r.projectId ? [[r.id, { projectId: r.projectId, ownerId: r.ownerId }] as const] : [])),
  );
}

/**
 * A moved task's subtasks follow it into its new project (deleted ones too, so a restore lands there). They arrive
 * unplaced on its board (position null: after the placed tasks of their column), and an assignee who is not a
 * member of the new project is cleared (issue 15 items 4, 5).
 */
export async function moveSubtasks(db: DbOrTx, parentId: string, fromProjectId: string, toProjectId: string) {
  return db
    .update(tasks)
    .set({
      projectId: toProjectId,
      position: null,
      assigneeId: sql`case when exists (select 1 from project_members m where m.project_id = ${toProjectId}::uuid
                         and m.user_id = ${tasks.assigneeId}) then ${tasks.assigneeId} end`,
      version: sql`${tasks.version} + 1`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(tasks.projectId, fromProjectId), eq(tasks.parentId, parentId)))
    .returning({ id: tasks.id, ownerId: tasks.userId });
}

/**
 * A task moved to another project takes its comments and its subtasks' comments along (task_comments is keyed by
 * project_id first; issue 15 item 5).
 */
export async function moveTaskComments(db: DbOrTx, taskId: string, fromProjectId: string, toProjectId: string) {
  await db.execute(sql`
    update task_comments set project_id = ${toProjectId}::uuid
    where project_id = ${fromProjectId}::uuid
      and task_id in (select id from tasks where id = ${taskId}::uuid
                      union all select id from tasks where project_id = ${toProjectId}::uuid and parent_id = ${taskId}::uuid)`);
}

const SQL_TYPE = {
  text: 'text',
  uuid: 'uuid',
  enum: 'text',
  time: 'timestamptz',
  list: 'text[]',
  int: 'int',
  json: 'jsonb',
} as const;
const jsonOf = (f: TaskField) => {
  const kind = TASK_FIELDS[f].kind;
  return kind === 'time' ? isoOf(columnOf(f)) : kind === 'list' ? `to_jsonb(${columnOf(f)})` : columnOf(f);
};
const statusParam = 2 + WRITABLE_FIELDS.indexOf('status');

/**
 * The user ids of a project's members as a text[] (project_members' primary key): whose caches a write invalidates,
 * read by the write's own statement instead of one more round trip (the projects policy's audience(), same rows).
 */
const MEMBERS_OF = (projectColumn: string) =>
  `(select coalesce(array_agg(m.user_id::text), '{}') from project_members m where m.project_id = ${projectColumn})`;
const changesParam = 2 + WRITABLE_FIELDS.length;

/**
 * Create one task and its `created` activity row (the outbox entry, with the task as payload) in ONE statement:
 * atomic without a transaction, one round trip instead of four (BEGIN, two INSERTs, COMMIT) — the hot write
 * (bench P6). `changes` holds every field given; completedAt (the database's now()) is added here.
 */
const createStatement = {
  name: 'tasks_create',
  text: `with t as (
    insert into tasks (user_id, ${WRITABLE_FIELDS.map(columnOf).join(', ')}, completed_at, position)
    values ($1::uuid, ${WRITABLE_FIELDS.map((f, i) => `$${i + 2}::${SQL_TYPE[TASK_FIELDS[f].kind]}`).join(', ')},
            case when $${statusParam}::text = 'completed' then now() end, $${changesParam + 1}::text)
    returning user_id, ${FIELD_NAMES.map(columnOf).join(', ')}
  ), a as (
    insert into task_activity (user_id, task_id, type, changes, payload)
    select user_id, id, 'created',
           $${changesParam}::jsonb || case when completed_at is null then '{}'::jsonb
                        else jsonb_build_object('completedAt', jsonb_build_object('from', null, 'to', ${isoOf('completed_at')})) end,
           jsonb_build_object(${FIELD_NAMES.map((f) => `'${f}', ${jsonOf(f)}`).join(', ')})
    from t
  )
  select ${apiSelectList()}, ${MEMBERS_OF('t.project_id')}
  from t`,
};

export async function createTaskWithActivity(
  db: DbOrTx,
  userId: string,
  write: Omit<TaskWrite, 'completedAt'>,
  changes: Record<string, { from: unknown; to: unknown }>,
  /** The board position (issue 15 item 4): the end of its column, computed by the caller. */
  position: string | null = null,
): Promise<{ task: Task; members: string[] }> {
  const values = WRITABLE_FIELDS.map((f) => {
    const v = write[f];
    if (TASK_FIELDS[f].kind === 'json') return v === null ? null : JSON.stringify(v);
    return v instanceof Date ? v.toISOString() : v;
  });
  // executorOf: a transaction's too (an Idempotency-Key's creation runs in one), still a named statement there.
  const rows = await executorOf(db)(createStatement, [userId, ...values, JSON.stringify(changes), position]);
  const row = rows[0];
  if (!row) throw new Error('insert returned no row');
  return { task: fromListRow(row), members: row[FIELD_NAMES.length] as string[] };
}

/** A task for a PATCH: the row, its creator, the caller's role in its project, the target column's last position. */
export type PatchTarget = OwnedTask & {
  role: string | null;
  lastPosition: string | null;
  members: string[];
  /** With `move`: the neighbour named, as the move's statement read it (null: no such live task). */
  neighbour?: NeighbourRow | null;
};

/**
 * A board move's part of findTaskForPatch, in its transaction: the row is read FOR UPDATE and the neighbour named
 * with the key next to it; `lock`: the column lock is taken by the same statement, before the row lock
 * (columnLockSelect) — its snapshot is then older than the lock, and the write guards the gap (GapGuard).
 */
export interface MoveRead {
  neighbour?: { id: string; side: 'below' | 'above' } | undefined;
  lock?: { status: string | undefined; mode: ColumnLockMode } | undefined;
}

/**
 * What a PATCH decides on, in ONE query without a lock (bench P17): the live task by id, its creator, the caller's
 * role in its project (project_members' primary key; null: not a member) and, when `toStatus` names another
 * column, that column's last placed position (the end a moved task goes to; tasks_board_key, as endKey reads it).
 * The write that follows is guarded by the version read here (updateTaskWithActivity). `move` (a board move, in its
 * transaction): the row FOR UPDATE and the neighbour in the same statement (MoveRead; bench P14).
 */
export async function findTaskForPatch(
  db: DbOrTx,
  id: string,
  userId: string,
  toStatus: string | null,
  move?: MoveRead,
): Promise<PatchTarget | null> {
  // Named by its shape (the same text for the same shape): prepared once per connection, as the PATCH's write.
  const shape = [toStatus === null ? 0 : 1, move?.neighbour?.side ?? 0, move?.lock?.mode ?? 0, move ? 1 : 0];
  const name = `tasks_patch_read_${shape.join('_')}`;
  let rows: Array<PatchTarget & { locked: string | null }>;
  if (!move && rawExecutorOf(db)) {
    // The quick PATCH's read on the long-lived handle: built once per handle and shape with placeholders, so
    // Drizzle's query builder does not run on every PATCH (bench P17, as the POST's column-end read).
    let byName = quickPatchReads.get(db);
    if (!byName) {
      byName = new Map<string, QuickPatchRead>();
      quickPatchReads.set(db, byName);
    }
    let prepared = byName.get(name);
    if (!prepared) {
      const values = { id: sql.placeholder('id'), userId: sql.placeholder('userId'), toStatus: sql.placeholder('to') };
      prepared = patchReadQuery(db, values, toStatus !== null).prepare(name) as QuickPatchRead;
      byName.set(name, prepared);
    }
    rows = (await prepared.execute({ id, userId, to: toStatus })) as typeof rows;
  } else {
    const query = patchReadQuery(db, { id, userId, toStatus }, toStatus !== null, move && { ...move, id });
    rows = (await (move ? query.for('update') : query).prepare(name).execute()) as typeof rows;
  }
  const row = rows[0];
  if (!row) return null;
  const { locked, ...target } = row;
  if (move?.lock) markLockedColumn(db, locked, move.lock.mode);
  return target;
}

type QuickPatchRead = { execute(values: Record<string, unknown>): Promise<unknown> };
const quickPatchReads = new WeakMap<object, Map<string, QuickPatchRead>>();

/** findTaskForPatch's statement; `values` are the values or placeholders (the quick read's cached form). */
function patchReadQuery(
  db: DbOrTx,
  values: { id: unknown; userId: unknown; toStatus: unknown },
  hasTarget: boolean,
  move?: MoveRead & { id: string },
) {
  // The outer row's columns are spelt qualified (`tasks.`): drizzle writes a column of a one-table select bare, and
  // a bare name inside a subquery means the subquery's own table.
  return db
    .select({
      ...taskColumns,
      ownerId: tasks.userId,
      members: sql<string[]>`${sql.raw(MEMBERS_OF('tasks.project_id'))}`,
      role: sql<string | null>`(select m.role from project_members m
                                where m.project_id = ${sql.raw('tasks.project_id')} and m.user_id = ${values.userId}::uuid)`,
      lastPosition: !hasTarget
        ? sql<null>`null::text`
        : sql<string | null>`case when ${sql.raw('tasks.status')} <> ${values.toStatus}::text then
              (select o.position from tasks o where o.project_id = ${sql.raw('tasks.project_id')}
                 and o.status = ${values.toStatus}::text and o.deleted_at is null and ${BOARD_KEY} < '~'::text
               order by ${BOARD_KEY} desc limit 1) end`,
      neighbour: move?.neighbour
        ? neighbourSelect(move.neighbour.id, move.id, move.neighbour.side)
        : sql<NeighbourRow | null>`null::json`,
      locked: move?.lock ? columnLockSelect(move.id, move.lock.status, move.lock.mode) : sql<null>`null::text`,
    })
    .from(tasks)
    .where(and(eq(tasks.id, values.id as string), live))
    .$dynamic();
}

/** The PATCH statements by the set of columns they write (each a named, prepared statement). */
const patchStatements = new Map<string, { name: string; text: string }>();

function patchStatement(
  fields: WritableField[],
  completedAt: 'now' | 'null' | 'keep',
  withPosition: boolean,
  guard: GapGuard['neighbour']['side'] | null,
) {
  const key = `${fields.join(',')}|${completedAt}|${withPosition}|${guard}`;
  const known = patchStatements.get(key);
  if (known) return known;
  // $1 owner, $2 id, $3 version, $4 type, $5 changes, $6 actor, then the fields, the position, completedAt's old value.
  const sets = fields.map((f, i) => `${columnOf(f)} = $${i + 7}::${SQL_TYPE[TASK_FIELDS[f].kind]}`);
  let n = fields.length + 7;
  if (withPosition) sets.push(`position = $${n++}::text`);
  if (completedAt === 'now') sets.push('completed_at = now()');
  if (completedAt === 'null') sets.push('completed_at = null');
  if (sets.length === 0) throw new Error('an empty patch');
  const completedChange =
    completedAt === 'now'
      ? ` || jsonb_build_object('completedAt', jsonb_build_object('from', $${n++}::text, 'to', ${isoOf('completed_at')}))`
      : '';
  // GapGuard: project, status, lower, upper, the neighbour — no other live task of the column inside the gap
  // (tasks_board_key's range), and the neighbour still bounding it with the key it was read with.
  const [p, st, lo, up, nb] = [n, n + 1, n + 2, n + 3, n + 4].map((i) => `$${i}`);
  const gapGuard = guard
    ? `
      and not exists (select 1 from tasks g where g.project_id = ${p}::uuid and g.status = ${st}::text
        and g.deleted_at is null and g.id <> $2::uuid
        and (coalesce(g.position, '~' || g.id::text) collate "C") > coalesce(${lo}::text, '')
        and (coalesce(g.position, '~' || g.id::text) collate "C") < coalesce(${up}::text, '~'))
      and exists (select 1 from tasks nb where nb.id = ${nb}::uuid and nb.deleted_at is null
        and nb.project_id = ${p}::uuid and nb.status = ${st}::text
        and nb.position = ${guard === 'upper' ? up : lo}::text)`
    : '';
  const statement = {
    name: `tasks_patch_${patchStatements.size}`,
    text: `with t as (
      update tasks set ${sets.join(', ')}, version = version + 1, updated_at = now()
      where user_id = $1::uuid and id = $2::uuid and version = $3::int and deleted_at is null${gapGuard}
      returning user_id, ${FIELD_NAMES.map(columnOf).join(', ')}
    ), a as (
      insert into task_activity (user_id, task_id, type, changes, payload, actor_id)
      select user_id, id, $4::text, $5::jsonb${completedChange},
             jsonb_build_object(${FIELD_NAMES.map((f) => `'${f}', ${jsonOf(f)}`).join(', ')}),
             $6::uuid
      from t
    )
    select ${apiSelectList()} from t`,
  };
  patchStatements.set(key, statement);
  return statement;
}

/**
 * A PATCH's write in ONE statement (bench P17): the update — only if the task still has `version` (the If-Match
 * or the version findTaskForPatch read; a concurrent change makes it match nothing) — and its history row, which
 * is also the outbox entry (type, `changes`, the task as the change left it as payload, the actor). `set` holds
 * only changed fields; completedAt `'now'` is the database's clock, its change added to `changes` here.
 * Null when no row matched (changed or deleted meanwhile): the caller decides what that means.
 */
export async function updateTaskWithActivity(
  db: DbOrTx,
  current: { ownerId: string; id: string; version: number; completedAt: Date | null },
  set: Partial<TaskWrite> & { position?: string | null },
  activity: { type: string; changes: Record<string, { from: unknown; to: unknown }>; actorId: string },
  guard?: GapGuard,
): Promise<Task | null> {
  const fields = WRITABLE_FIELDS.filter((f) => set[f] !== undefined);
  const completedAt = set.completedAt === 'now' ? 'now' : set.completedAt === null ? 'null' : 'keep';
  const withPosition = set.position !== undefined;
  const values: unknown[] = fields.map((f) => {
    const v = set[f];
    if (TASK_FIELDS[f].kind === 'json') return v === null ? null : JSON.stringify(v);
    return v instanceof Date ? v.toISOString() : v;
  });
  if (withPosition) values.push(set.position);
  if (completedAt === 'now') values.push(current.completedAt ? current.completedAt.toISOString() : null);
  if (guard) values.push(guard.projectId, guard.status, guard.lower, guard.upper, guard.neighbour.id);
  const rows = await executorOf(db)(patchStatement(fields, completedAt, withPosition, guard?.neighbour.side ?? null), [
    current.ownerId,
    current.id,
    current.version,
    activity.type,
    JSON.stringify(activity.changes),
    activity.actorId,
    ...values,
  ]);
  const row = rows[0];
  return row ? fromListRow(row) : null;
}

export async function insertTasks(
  db: DbOrTx,
  userId: string,
  rows: Array<TaskWrite & { position?: string | null }>,
): Promise<TaskRecord[]> {
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
    .where(and(eq(tasks.userId, userId), eq(tasks.id, id), live))
    .returning(taskColumns)) as TaskRecord[];
  return rows[0] ?? null;
}

/**
 * Soft delete: the caller's live tasks among `ids` get deleted_at = now() (the transaction's start, so every row
 * deleted in one transaction — a bulk delete, later a task's subtasks and comments — shares the instant).
 */
export async function softDeleteTasks(db: DbOrTx, userId: string, ids: string[]): Promise<TaskRecord[]> {
  if (ids.length === 0) return [];
  return (await db
    .update(tasks)
    .set({ deletedAt: sql`now()` })
    .where(and(eq(tasks.userId, userId), inArray(tasks.id, ids), live))
    .returning(taskColumns)) as TaskRecord[];
}

/**
 * Undo a soft delete deleted after `since`: the task is live again with a new version (a restore is a change).
 * Returns the task and the instant it had been deleted at (its children deleted with it share that instant), or
 * null when the task is not the caller's, not deleted, or deleted before `since`.
 */
export async function restoreTask(
  db: DbOrTx,
  userId: string,
  id: string,
  since: Date,
): Promise<{ row: TaskRecord; deletedAt: string } | null> {
  // The instant as text: exact to the microsecond (a Date would drop them), for matching the children.
  const [old] = await db
    .select({ deletedAt: sql<string>`${tasks.deletedAt}::text` })
    .from(tasks)
    .where(and(eq(tasks.userId, userId), eq(tasks.id, id), gt(tasks.deletedAt, since)))
    .for('update');
  if (!old) return null;
  const [row] = (await db
    .update(tasks)
    .set({
      deletedAt: null,
      // Its board position, unless another task took it meanwhile (then unplaced: the end of its column).
      position: sql`case when exists (select 1 from tasks o where o.project_id = ${tasks.projectId}
                   and o.status = ${tasks.status} and o.position = ${tasks.position} and o.deleted_at is null)
                   then null else ${tasks.position} end`,
      version: sql`${tasks.version} + 1`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(tasks.userId, userId), eq(tasks.id, id), sql`${tasks.deletedAt} = ${old.deletedAt}::timestamptz`))
    .returning(taskColumns)) as TaskRecord[];
  return row ? { row, deletedAt: old.deletedAt } : null;
}

/**
 * Hard-delete up to `batch` tasks soft-deleted before `before` (any user's; tasks_deleted_idx), returning how many.
 * Their history rows stay (task_activity keeps a deleted task's history).
 */
export async function purgeDeletedTasks(db: DbOrTx, before: Date, batch: number): Promise<number> {
  const doomed = db
    .select({ userId: tasks.userId, id: tasks.id })
    .from(tasks)
    .where(lt(tasks.deletedAt, before))
    .orderBy(tasks.deletedAt)
    .limit(batch);
  const rows = await db
    .delete(tasks)
    .where(sql`(${tasks.userId}, ${tasks.id}) in (${doomed})`)
    .returning({ id: tasks.id });
  return rows.length;
}

/** Hard delete (an import's undo: tasks nobody saw). DELETE /tasks/:id and bulk delete use softDeleteTasks. */
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

/**
 * A deleted task's subtasks go with it (issue 15 item 5): its live subtasks get the same deleted_at (the
 * transaction's now()), so the restore of the parent finds and brings back exactly them.
 */
export async function softDeleteSubtasks(db: DbOrTx, projectId: string, parentIds: string[]): Promise<OwnedTask[]> {
  if (parentIds.length === 0) return [];
  return (await db
    .update(tasks)
    .set({ deletedAt: sql`now()` })
    .where(and(eq(tasks.projectId, projectId), inArray(tasks.parentId, parentIds), live))
    .returning({ ...taskColumns, ownerId: tasks.userId })) as OwnedTask[];
}

/**
 * Bring back the subtasks deleted with their parent (the same deleted_at instant): live again with a new version;
 * one whose position was taken meanwhile comes back unplaced (null: after the placed tasks of its column).
 */
export async function restoreSubtasks(
  db: DbOrTx,
  projectId: string,
  parentId: string,
  deletedAt: string,
): Promise<OwnedTask[]> {
  return (await db
    .update(tasks)
    .set({
      deletedAt: null,
      position: sql`case when exists (select 1 from tasks o where o.project_id = ${tasks.projectId}
                   and o.status = ${tasks.status} and o.position = ${tasks.position} and o.deleted_at is null)
                   then null else ${tasks.position} end`,
      version: sql`${tasks.version} + 1`,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(tasks.projectId, projectId),
        eq(tasks.parentId, parentId),
        sql`${tasks.deletedAt} = ${deletedAt}::timestamptz`,
      ),
    )
    .returning({ ...taskColumns, ownerId: tasks.userId })) as OwnedTask[];
}
