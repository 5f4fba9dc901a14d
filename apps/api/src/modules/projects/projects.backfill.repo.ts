/**
 * The queries of the inbox backfill (projects.backfill.ts): one batch of tasks moved into their owner's inbox,
 * walked by primary-key range, and the NOT NULL constraint added once no task is left without a project.
 */
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../infra/db/client';

export interface BatchOutcome {
  /** The last primary key of the range walked (null: the end of the table). */
  last: { userId: string; id: string } | null;
  /** Rows of the range that were moved. */
  moved: number;
}

/**
 * The next `size` tasks after `after` in primary-key order (user_id, id): those without a project get their
 * owner's inbox. One statement, committed on its own (autocommit): a batch holds its row locks for milliseconds.
 */
export async function backfillBatch(
  db: DbOrTx,
  after: { userId: string; id: string } | null,
  size: number,
): Promise<BatchOutcome> {
  const from = after ? sql`where (user_id, id) > (${after.userId}::uuid, ${after.id}::uuid)` : sql``;
  const res = (await db.execute(sql`
    with batch as (
      select user_id, id, project_id from tasks ${from} order by user_id, id limit ${size}
    ), moved as (
      update tasks t set project_id = p.id
      from batch b join projects p on p.inbox_of = b.user_id
      where b.project_id is null and t.user_id = b.user_id and t.id = b.id and t.project_id is null
      returning 1
    )
    select (select user_id from batch order by user_id desc, id desc limit 1) as "userId",
           (select id from batch order by user_id desc, id desc limit 1) as "id",
           (select count(*)::int from moved) as moved`)) as unknown as {
    rows: Array<{ userId: string | null; id: string | null; moved: number }>;
  };
  const row = res.rows[0];
  return {
    last: row?.userId && row.id ? { userId: row.userId, id: row.id } : null,
    moved: Number(row?.moved ?? 0),
  };
}

/** Users that have no inbox yet (created by an older release while the migration ran): given one. */
export async function ensureInboxes(db: DbOrTx): Promise<number> {
  const res = (await db.execute(sql`
    with made as (
      insert into projects (name, inbox_of, created_at, updated_at)
      select 'Inbox', u.id, u.created_at, u.created_at from users u
      where not exists (select 1 from projects p where p.inbox_of = u.id)
      on conflict do nothing
      returning id, inbox_of, created_at
    )
    insert into project_members (project_id, user_id, role, joined_at)
    select id, inbox_of, 'owner', created_at from made
    on conflict do nothing
    returning 1`)) as unknown as { rows: unknown[] };
  return res.rows.length;
}

/** How many tasks still have no project (0 once done; the partial scan stops at the first when `any`). */
export async function tasksWithoutProject(db: DbOrTx): Promise<boolean> {
  const res = (await db.execute(
    sql`select exists (select 1 from tasks where project_id is null) as left`,
  )) as unknown as {
    rows: Array<{ left: boolean }>;
  };
  return res.rows[0]?.left === true;
}

/** True once tasks.project_id is NOT NULL. */
export async function projectIdIsNotNull(db: DbOrTx): Promise<boolean> {
  const res = (await db.execute(sql`
    select a.attnotnull as nn from pg_attribute a
    where a.attrelid = 'tasks'::regclass and a.attname = 'project_id'`)) as unknown as {
    rows: Array<{ nn: boolean }>;
  };
  return res.rows[0]?.nn === true;
}

/**
 * NOT NULL without a long lock: a CHECK added NOT VALID (instant), validated (a scan that lets reads and writes go
 * on: SHARE UPDATE EXCLUSIVE), then SET NOT NULL, which PostgreSQL proves from the valid CHECK without a scan.
 */
export async function enforceProjectIdNotNull(db: DbOrTx): Promise<void> {
  await db.execute(sql`alter table tasks drop constraint if exists tasks_project_id_not_null`);
  await db.execute(
    sql`alter table tasks add constraint tasks_project_id_not_null check (project_id is not null) not valid`,
  );
  await db.execute(sql`alter table tasks validate constraint tasks_project_id_not_null`);
  await db.execute(sql`alter table tasks alter column project_id set not null`);
  await db.execute(sql`alter table tasks drop constraint tasks_project_id_not_null`);
}

/**
 * The tasks indexes that lead with project_id, tasks_id_key and tasks_board_key (migrations 0014, 0017 and 0019
 * build them in the migration only while the table is small): name → what follows `ON "tasks"`. The same
 * definitions as the migrations and schema/tasks.ts.
 */
export const TASK_INDEXES: Readonly<Record<string, string>> = {
  tasks_id_key: `USING btree ("id")`,
  tasks_project_created_idx: `USING btree ("project_id","created_at","id") WHERE deleted_at is null`,
  tasks_project_updated_idx: `USING btree ("project_id","updated_at","id") WHERE deleted_at is null`,
  tasks_project_due_idx: `USING btree ("project_id",coalesce(due_date, 'infinity'::timestamptz),"id") WHERE deleted_at is null`,
  tasks_project_priority_idx: `USING btree ("project_id","priority_rank","id") WHERE deleted_at is null`,
  tasks_project_title_idx: `USING btree ("project_id","title","id") WHERE deleted_at is null`,
  tasks_project_status_created_idx: `USING btree ("project_id","status","created_at","id") WHERE deleted_at is null`,
  tasks_project_active_due_idx: `USING btree ("project_id","due_date") WHERE status in ('pending', 'in_progress') and due_date is not null and deleted_at is null`,
  tasks_project_completed_idx: `USING btree ("project_id","completed_at","created_at") WHERE completed_at is not null and deleted_at is null`,
  tasks_project_search_idx: `USING gin ("project_id","search") WHERE deleted_at is null`,
  tasks_project_title_trgm_idx: `USING gin ("project_id",title gin_trgm_ops) WHERE deleted_at is null`,
  tasks_project_tags_idx: `USING gin ("project_id","tags") WHERE deleted_at is null`,
  tasks_project_assignee_idx: `USING btree ("project_id","assignee_id") WHERE assignee_id is not null`,
  tasks_project_parent_idx: `USING btree ("project_id","parent_id") WHERE parent_id is not null`,
  tasks_board_key: `USING btree ("project_id","status",(coalesce(position, '~' || id::text) collate "C")) WHERE deleted_at is null`,
};

/**
 * The TASK_INDEXES that are unique: a task is found by its id alone (any member reads it), and a board column's
 * positions are unique (the guarantee board moves rest on, tasks.board.ts).
 */
const UNIQUE_TASK_INDEXES: ReadonlySet<string> = new Set(['tasks_id_key', 'tasks_board_key']);

export interface IndexState {
  name: string;
  /** False: left INVALID by an interrupted CREATE INDEX CONCURRENTLY (or still being built). */
  valid: boolean;
  /** A build of it is running now (another instance, or the cli). */
  building: boolean;
}

/** The TASK_INDEXES that exist on tasks, with their validity (PostgreSQL also says whether one is being built). */
export async function taskIndexStates(db: DbOrTx, withProgress: boolean): Promise<IndexState[]> {
  const names = sql.join(
    Object.keys(TASK_INDEXES).map((n) => sql`${n}`),
    sql`, `,
  );
  const building = withProgress
    ? sql`exists (select 1 from pg_stat_progress_create_index p where p.index_relid = c.oid)`
    : sql`false`;
  const res = (await db.execute(sql`
    select c.relname as name, i.indisvalid as valid, ${building} as building
    from pg_index i join pg_class c on c.oid = i.indexrelid
    where i.indrelid = 'tasks'::regclass and c.relname in (${names})`)) as unknown as { rows: IndexState[] };
  return res.rows;
}

/**
 * Build one of TASK_INDEXES if it is missing. `concurrently` (PostgreSQL, outside any transaction): the table
 * takes a SHARE UPDATE EXCLUSIVE lock only, so inserts, updates and deletes go on while it is built.
 */
export async function buildTaskIndex(db: DbOrTx, name: string, concurrently: boolean): Promise<void> {
  const def = TASK_INDEXES[name];
  if (!def) throw new Error(`unknown tasks index ${name}`);
  if (name === 'tasks_board_key') await unplaceDuplicatePositions(db);
  const how = concurrently ? 'concurrently ' : '';
  const unique = UNIQUE_TASK_INDEXES.has(name) ? 'unique ' : '';
  await db.execute(sql.raw(`create ${unique}index ${how}if not exists "${name}" on "tasks" ${def}`));
}

/**
 * Before tasks_board_key is built on a table that had no such index: a position held twice in a column (a creation
 * that raced a move while the index was missing — creations pick a random tail, so this is rare) is cleared on all
 * but the oldest of its tasks, which go to the end of their column (unplaced, ordered by id); otherwise the unique
 * build would fail, and fail again on every retry.
 */
export async function unplaceDuplicatePositions(db: DbOrTx): Promise<number> {
  const res = await db.execute(sql`
    update tasks t set position = null
    from (
      select id, row_number() over (partition by project_id, status, position collate "C" order by created_at, id) as n
      from tasks where deleted_at is null and position is not null
    ) d
    where t.id = d.id and d.n > 1`);
  return Number((res as { rowCount?: number | null }).rowCount ?? (res as { affectedRows?: number }).affectedRows ?? 0);
}

/** Drop an INVALID index left by an interrupted concurrent build (without blocking writes on PostgreSQL). */
export async function dropTaskIndex(db: DbOrTx, name: string, concurrently: boolean): Promise<void> {
  if (!(name in TASK_INDEXES)) throw new Error(`unknown tasks index ${name}`);
  await db.execute(sql.raw(`drop index ${concurrently ? 'concurrently ' : ''}if exists "${name}"`));
}
