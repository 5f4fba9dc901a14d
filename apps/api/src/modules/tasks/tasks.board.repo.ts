/**
 * The board's SQL (issue 15 item 4): a status column of a project is its live tasks ordered by
 * `coalesce(position, '~' || id) collate "C"` — the expression of the unique index tasks_board_key, so the order
 * is an index range and no two live tasks of a column share a position. Unplaced tasks (position null: created
 * before positions, imported, moved by bulk) sort after the placed ones.
 */
import { and, eq, isNull, ne, type SQL, sql } from 'drizzle-orm';
import { type DbOrTx, executorOf } from '../../infra/db/client';
import { tasks } from '../../infra/db/schema/tasks';

/** Uuids and base-62 keys as one array parameter (their characters need no quoting). */
const arrayLiteral = (values: string[]): string => `{${values.join(',')}}`;

/** The column order's key (the index expression, spelt exactly as tasks_board_key has it). */
const BOARD_KEY_TEXT = `(coalesce(position, '~' || id::text) collate "C")`;
export const BOARD_KEY = sql.raw(BOARD_KEY_TEXT);

const column = (projectId: string, status: string): SQL =>
  and(eq(tasks.projectId, projectId), eq(tasks.status, status as 'pending'), isNull(tasks.deletedAt)) as SQL;

/** How a transaction holds a column: `shared` to write one task's position, `exclusive` to renumber the column. */
export type ColumnLockMode = 'shared' | 'exclusive';

/**
 * The columns whose lock a transaction holds, and how (advisory transaction locks are re-entrant, but asking again
 * is a round trip: P14). Keyed by the transaction's handle; a retried move is a new transaction.
 */
const held = new WeakMap<object, Map<string, ColumnLockMode>>();
const columnKey = (projectId: string, status: string) => `${projectId.toLowerCase()}:${status}`;
function markHeld(tx: DbOrTx, projectId: string, status: string, mode: ColumnLockMode): void {
  const map = held.get(tx) ?? new Map<string, ColumnLockMode>();
  held.set(tx, map);
  if (map.get(columnKey(projectId, status)) !== 'exclusive') map.set(columnKey(projectId, status), mode);
}

/**
 * True when the unique index tasks_board_key exists and is valid. On a large database it is built concurrently
 * after the migrations (ensureTaskIndexes), and until then moves must not rely on it to meet: they lock their
 * column exclusive (boardLockMode).
 */
export async function boardKeyValid(db: DbOrTx): Promise<boolean> {
  const rows = rowsOf(
    await db.execute(sql`select i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid
      where c.relname = 'tasks_board_key' and i.indrelid = 'tasks'::regclass`),
  ) as Array<{ valid: boolean }>;
  return rows[0]?.valid === true;
}

/** The lock's key, spelt once: 'board:<project uuid, canonical>:<status>' — the text around the two expressions. */
const lockParts = (mode: ColumnLockMode) =>
  [
    `${mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock'}(hashtextextended('board:' || (`,
    `)::text || ':' || (`,
    ')::text, 0))',
  ] as const;

const LOCK_OF = (projectId: SQL, status: SQL, mode: ColumnLockMode) => {
  const [open, between, close] = lockParts(mode);
  return sql.join([sql.raw(open), projectId, sql.raw(between), status, sql.raw(close)]);
};

/**
 * The lock's call as SQL text, for a named statement of another repository that takes it with its own work (the
 * Idempotency-Key's claim): `projectId` and `status` are SQL expressions (placeholders). Tell the transaction's
 * bookkeeping with columnLocked once the statement ran.
 */
export const columnLockText = (projectId: string, status: string, mode: ColumnLockMode): string => {
  const [open, between, close] = lockParts(mode);
  return `${open}${projectId}${between}${status}${close}`;
};

/** A statement of this transaction took the column's lock (columnLockText): lockColumn will not ask again. */
export function columnLocked(tx: DbOrTx, projectId: string, status: string, mode: ColumnLockMode): void {
  markHeld(tx, projectId, status, mode);
}

/**
 * A column's transaction-scoped advisory lock on its (project, status), held to COMMIT. Moves take it shared: they
 * run side by side, and two that choose the same key meet on tasks_board_key (the second fails and is retried with
 * a fresh read). Renumbering a column takes it exclusive: no move reads or writes the column meanwhile. Not asked
 * again once this transaction holds it in that mode (or exclusive); a shared holder asking for exclusive waits for
 * the other holders (two such upgrades deadlock, and PostgreSQL aborts one: retried, withBoardRetry).
 */
export async function lockColumn(
  tx: DbOrTx,
  projectId: string,
  status: string,
  mode: ColumnLockMode = 'shared',
): Promise<void> {
  const has = held.get(tx)?.get(columnKey(projectId, status));
  if (has === 'exclusive' || has === mode) return;
  await tx.execute(sql`select ${LOCK_OF(sql`${projectId}::uuid`, sql`${status}::text`, mode)}`);
  markHeld(tx, projectId, status, mode);
}

/**
 * Lock (in `mode`) the column a move of task `id` most likely lands in — `projectId`/`status` where the patch names
 * them, the task's own otherwise — in ONE statement (reading the task's column and locking it). Nothing when the
 * task is gone.
 */
export async function lockTaskColumn(
  tx: DbOrTx,
  id: string,
  projectId: string | undefined,
  status: string | undefined,
  mode: ColumnLockMode,
): Promise<void> {
  const project = sql`coalesce(${projectId ?? null}::uuid, ${tasks.projectId})`;
  const column = sql`coalesce(${status ?? null}::text, ${tasks.status}::text)`;
  const rows = await tx
    .select({
      projectId: sql<string>`(${project})::text`,
      status: sql<string>`${column}`,
      locked: sql`${LOCK_OF(project, column, mode)}`,
    })
    .from(tasks)
    .where(and(eq(tasks.id, id), isNull(tasks.deletedAt), sql`${project} is not null`));
  const row = rows[0];
  if (row) markHeld(tx, row.projectId, row.status, mode);
}

/**
 * For a statement that reads the moved task (findTaskForPatch): a column of its select list that locks, in `mode`,
 * the column task `id` lands in (`status` where the patch names it, the task's own otherwise) — as lockTaskColumn,
 * without a round trip of its own. The scalar subquery is an InitPlan evaluated where the scan projects the row,
 * below LockRows: the column is locked before the row (checked: a FOR UPDATE NOWAIT of the row from another session
 * succeeds while the statement waits for the column). The caller marks it held (markLockedColumn).
 */
export function columnLockSelect(id: string, status: string | undefined, mode: ColumnLockMode): SQL {
  const column = sql`coalesce(${status ?? null}::text, l.status::text)`;
  // The column it locked, '<project>:<status>' (the lock's void result as text is ''): the row FOR UPDATE may come
  // back newer, in another column, when a concurrent move changed it meanwhile.
  return sql`(select ${LOCK_OF(sql`l.project_id`, column, mode)}::text || l.project_id::text || ':' || ${column}
    from tasks l where l.id = ${id}::uuid and l.deleted_at is null and l.project_id is not null)`;
}

/** Mark held the column a columnLockSelect locked ('<project>:<status>'; null: none). */
export function markLockedColumn(tx: DbOrTx, locked: string | null, mode: ColumnLockMode): void {
  if (!locked) return;
  const at = locked.indexOf(':');
  markHeld(tx, locked.slice(0, at), locked.slice(at + 1), mode);
}

/**
 * For a statement that reads the moved task (findTaskForPatch): the neighbour as neighbourWithAdjacent reads it, as
 * one JSON value (null: no such task).
 */
export function neighbourSelect(id: string, except: string, side: 'below' | 'above'): SQL {
  return sql`(select row_to_json(q) from (${neighbourQuery(id, except, side)}) q)`;
}

/** What neighbourSelect's JSON or neighbourQuery's row says, as a Neighbour. */
export function toNeighbour(row: NeighbourRow | null | undefined): (Neighbour & { adjacent: string | null }) | null {
  if (!row) return null;
  return {
    id: row.id,
    projectId: row.project_id,
    status: row.status,
    position: row.position,
    adjacent: row.position === null ? null : row.adjacent,
  };
}

export interface NeighbourRow {
  id: string;
  project_id: string | null;
  status: string;
  position: string | null;
  adjacent: string | null;
}

/**
 * What a move's write re-checks when its neighbour was read in the statement that took the column lock (that
 * statement's snapshot is from before the lock was granted: a renumbering may have committed meanwhile): the gap
 * (lower, upper) of the column still holds no other task, and the neighbour still has the key that bounds it.
 * When not, the write matches nothing and the move runs again, reading after the lock (tasks.board.ts: StaleGap,
 * withBoardRetry).
 */
export interface GapGuard {
  projectId: string;
  status: string;
  lower: string | null;
  upper: string | null;
  neighbour: { id: string; side: 'lower' | 'upper' };
}

export interface Neighbour {
  id: string;
  projectId: string | null;
  status: string;
  position: string | null;
}

/**
 * A live task as a board neighbour, with (in the same statement) the position next to it in its own column,
 * the task `except` aside: `below`, the greatest placed position under its key (what positionBefore gives), or
 * `above`, the least placed one over it. `adjacent` is null when the neighbour is unplaced.
 */
export async function neighbourWithAdjacent(
  db: DbOrTx,
  id: string,
  except: string,
  side: 'below' | 'above',
): Promise<(Neighbour & { adjacent: string | null }) | null> {
  const rows = await db.execute(neighbourQuery(id, except, side));
  return toNeighbour(rowsOf(rows)[0] as NeighbourRow | undefined);
}

/** neighbourWithAdjacent's statement (tests EXPLAIN it): the adjacent key is one step of tasks_board_key. */
export function neighbourQuery(id: string, except: string, side: 'below' | 'above'): SQL {
  const op = sql.raw(side === 'below' ? '<' : '>');
  const dir = sql.raw(side === 'below' ? 'desc' : 'asc');
  return sql`
    select n.id, n.project_id, n.status, n.position,
      (select t.position from tasks t
        where t.project_id = n.project_id and t.status = n.status and t.deleted_at is null and t.id <> ${except}::uuid
          and (coalesce(t.position, '~' || t.id::text) collate "C") ${op} n.position
          and (coalesce(t.position, '~' || t.id::text) collate "C") < '~'
        order by (coalesce(t.position, '~' || t.id::text) collate "C") ${dir}
        limit 1) as adjacent
    from tasks n
    where n.id = ${id}::uuid and n.deleted_at is null`;
}

/** The rows of a raw statement, from either driver's result shape. */
const rowsOf = (r: unknown): unknown[] => (Array.isArray(r) ? r : ((r as { rows?: unknown[] }).rows ?? []));

/**
 * The greatest placed position of a column below `below` (null: of the whole column), the task `except` aside.
 * Every POST /tasks asks it (the column's end key): a fixed named statement — parsed once per connection, planned
 * once, and no longer built by Drizzle's query builder on every call (9 % of the API's CPU under P6 with `is` checks;
 * 2026-12-07). Its row limit is a literal: with `limit $n` the generic plan is costed for 10 % of the column's rows,
 * so the plan cache never chose it and planned every call again (a P11 run: 0 generic plans of 1,457;
 * tasks.plan-cache.test.ts). $1 project, $2 status, $3 the task left aside, $4 the bound ('~': above every key).
 */
export const POSITION_BEFORE = {
  name: 'tasks_position_before',
  text: `select position from tasks
    where project_id = $1 and status = $2 and deleted_at is null and id <> $3 and ${BOARD_KEY_TEXT} < $4::text
    order by ${BOARD_KEY_TEXT} desc limit 1`,
};

export async function positionBefore(
  db: DbOrTx,
  projectId: string,
  status: string,
  below: string | null,
  except: string,
): Promise<string | null> {
  const [row] = await executorOf(db)(POSITION_BEFORE, [projectId, status, except, below ?? '~']);
  return (row?.[0] as string | null | undefined) ?? null;
}

/** True when another live task of the column has this position. */
export async function positionTaken(
  db: DbOrTx,
  projectId: string,
  status: string,
  position: string,
  except: string,
): Promise<boolean> {
  const rows = await db
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(column(projectId, status), ne(tasks.id, except), sql`${BOARD_KEY} = ${position}::text`))
    .limit(1);
  return rows.length > 0;
}

/** The ids of a column in board order (placed first, then the unplaced by id). */
export async function columnIds(tx: DbOrTx, projectId: string, status: string): Promise<string[]> {
  const rows = await tx
    .select({ id: tasks.id })
    .from(tasks)
    .where(column(projectId, status))
    .orderBy(sql`${BOARD_KEY} asc`);
  return rows.map((r) => r.id);
}

/**
 * Give a column's tasks the keys given, in one transaction, under the column's exclusive lock (the caller takes
 * it before reading the ids): first every position of the
 * column is cleared (so no intermediate row collides with an old key in the unique index), then each gets its
 * key (one statement over unnest). Versions do not change: the order is the same, only its keys are shorter.
 */
export async function renumberColumn(
  tx: DbOrTx,
  projectId: string,
  status: string,
  ids: string[],
  keys: string[],
): Promise<void> {
  await tx.update(tasks).set({ position: null }).where(column(projectId, status));
  if (ids.length === 0) return;
  await tx.execute(sql`
    update tasks t set position = k.key
    from unnest(${arrayLiteral(ids)}::uuid[], ${arrayLiteral(keys)}::text[]) as k(id, key)
    where t.id = k.id and t.project_id = ${projectId}::uuid and t.deleted_at is null`);
}
