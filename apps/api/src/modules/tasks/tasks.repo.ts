/**
 * Task queries, always scoped by user_id (the leading column of every index and primary key). No rules here:
 * the service decides, these functions only read and write. Every value reaches SQL as a bound parameter.
 */
import type { Task, TaskPriority, TaskStatus } from '@primetrade/shared';
import { and, desc, eq, fillPlaceholders, inArray, type SQL, sql } from 'drizzle-orm';
import { type AnyPgColumn, PgDialect } from 'drizzle-orm/pg-core';
import { type DbOrTx, rawExecutor } from '../../infra/db/client';
import { idempotencyKeys, taskActivity, tasks } from '../../infra/db/schema';

export interface TaskRecord {
  id: string;
  title: string;
  description: string;
  status: TaskStatus;
  priority: TaskPriority;
  dueDate: Date | null;
  tags: string[];
  completedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export const taskColumns = {
  id: tasks.id,
  title: tasks.title,
  description: tasks.description,
  status: tasks.status,
  priority: tasks.priority,
  dueDate: tasks.dueDate,
  tags: tasks.tags,
  completedAt: tasks.completedAt,
  createdAt: tasks.createdAt,
  updatedAt: tasks.updatedAt,
  version: tasks.version,
};

/** Columns a write may set (everything else is the server's). */
export interface TaskWrite {
  title: string;
  description: string;
  status: TaskStatus;
  priority: TaskPriority;
  dueDate: Date | null;
  tags: string[];
  /** SQL (`now()`, a CASE) keeps every timestamp on the database clock. */
  completedAt: Date | null | SQL;
}

export interface TaskFilters {
  status?: TaskStatus[] | undefined;
  priority?: TaskPriority[] | undefined;
  tag?: string | undefined;
  q?: string | undefined;
  dueBefore?: string | undefined;
  dueAfter?: string | undefined;
  overdue?: boolean | undefined;
  /** How `q` matches: its words (the default when it has any) or, as a fallback, within a typo. */
  searchMode?: 'words' | 'typo' | undefined;
}

export type SortField = 'createdAt' | 'updatedAt' | 'dueDate' | 'priority' | 'title' | 'rank';
export interface SortSpec {
  field: SortField;
  desc: boolean;
}

/** Words of a search: letters and digits only, so the tsquery built from them has no operators. */
export function searchWords(q: string): string[] {
  return (q.match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 16).map((w) => w.slice(0, 64));
}

/** `'word1':* & 'word2':*` — every word as a prefix; the words carry no quote or operator (see searchWords). */
function prefixTsquery(words: string[]): string {
  return words.map((w) => `'${w}':*`).join(' & ');
}

const ph = (name: string) => sql.placeholder(name);

/**
 * The list and count queries are built once per *shape* (which filters are present, the sort, keyset or offset)
 * with every value a placeholder, and prepared: a request only fills in its values. Building the SQL through
 * Drizzle on every request cost ~10–20 % of the API's CPU under list load (bench/profile.mjs).
 */
interface ListShape {
  key: string;
  values: Record<string, unknown>;
  sort: SortSpec;
  status: boolean;
  priority: boolean;
  tag: boolean;
  /** 'words': full-text prefix match of every word; 'typo': trigram match (the fallback, or no searchable word). */
  q: 'none' | 'words' | 'typo';
  dueBefore: boolean;
  dueAfter: boolean;
  overdue: 'any' | 'yes' | 'no';
  after: boolean;
  offset: boolean;
}

function shapeOf(
  userId: string,
  f: TaskFilters,
  sort: SortSpec,
  page?: Pick<ListParams, 'limit' | 'after' | 'offset'>,
): ListShape {
  const values: Record<string, unknown> = { userId };
  const words = f.q ? searchWords(f.q) : [];
  const shape: ListShape = {
    key: '',
    values,
    sort,
    status: Boolean(f.status?.length),
    priority: Boolean(f.priority?.length),
    tag: Boolean(f.tag),
    q: !f.q ? 'none' : words.length && f.searchMode !== 'typo' ? 'words' : 'typo',
    dueBefore: Boolean(f.dueBefore),
    dueAfter: Boolean(f.dueAfter),
    overdue: f.overdue === true ? 'yes' : f.overdue === false ? 'no' : 'any',
    after: Boolean(page?.after),
    offset: Boolean(page?.offset),
  };
  if (shape.status) values.status = f.status;
  if (shape.priority) values.priority = f.priority;
  if (shape.tag) values.tag = f.tag;
  if (f.q) {
    values.q = f.q;
    if (words.length) values.tsq = prefixTsquery(words);
  }
  if (shape.dueBefore) values.dueBefore = f.dueBefore;
  if (shape.dueAfter) values.dueAfter = f.dueAfter;
  if (page) {
    values.limit = page.limit;
    if (page.after) {
      values.afterKey = page.after.key;
      values.afterId = page.after.id;
    }
    if (page.offset) values.offset = page.offset;
  }
  const flags = [shape.status, shape.priority, shape.tag, shape.dueBefore, shape.dueAfter, shape.after, shape.offset];
  shape.key = `${sort.field}.${sort.desc ? 'd' : 'a'}.${shape.q}.${shape.overdue}.${flags.map(Number).join('')}`;
  return shape;
}

/**
 * What `q` matches: the tasks whose words match (every word, as a prefix) — or, in typo mode, the tasks within
 * a typo of it (trigram word similarity). The service tries the words first and falls back to typo mode only
 * when nothing matches them, which keeps a common word fast (no trigram check per candidate row).
 */
function searchCondition(s: ListShape): SQL {
  if (s.q === 'typo') return sql`${ph('q')}::text <% ${tasks.title}`;
  return sql`${tasks.search} @@ to_tsquery('simple', ${ph('tsq')}::text)`;
}

/**
 * A ranked search ranks the `candidates` most recent matches (all of them in most accounts): a common word in a
 * 100,000-task account matches ~10,000 rows, and fetching and ranking them all took 1.2 s (bench P4); `sort=`
 * with `q=` walks every match. `window`: how many of the newest tasks are looked through first. A typo match
 * costs a trigram similarity per row looked at, so that mode looks at fewer.
 */
export function rankedSearchLimits(mode: 'words' | 'typo'): { candidates: number; window: number } {
  return mode === 'words' ? { candidates: 200, window: 3000 } : { candidates: 50, window: 1000 };
}

const ACTIVE = sql`${tasks.status} in ('pending', 'in_progress')`;

function filterConditions(s: ListShape, withSearch = true): SQL[] {
  const where: SQL[] = [sql`${tasks.userId} = ${ph('userId')}::uuid`];
  if (s.status) where.push(sql`${tasks.status} = any(${ph('status')}::text[])`);
  if (s.priority) where.push(sql`${tasks.priority} = any(${ph('priority')}::text[])`);
  if (s.tag) where.push(sql`${tasks.tags} @> array[${ph('tag')}::text]`);
  if (withSearch && s.q !== 'none') where.push(searchCondition(s));
  if (s.dueBefore) where.push(sql`${tasks.dueDate} <= ${ph('dueBefore')}::timestamptz`);
  if (s.dueAfter) where.push(sql`${tasks.dueDate} >= ${ph('dueAfter')}::timestamptz`);
  if (s.overdue === 'yes') {
    where.push(sql`${ACTIVE} and ${tasks.dueDate} is not null and ${tasks.dueDate} < now()`);
  } else if (s.overdue === 'no') {
    where.push(sql`not (${ACTIVE} and ${tasks.dueDate} is not null and ${tasks.dueDate} < now())`);
  }
  return where;
}

function sortExpr(s: ListShape): { expr: SQL; type: SQL } {
  switch (s.sort.field) {
    case 'createdAt':
      return { expr: sql`${tasks.createdAt}`, type: sql.raw('timestamptz') };
    case 'updatedAt':
      return { expr: sql`${tasks.updatedAt}`, type: sql.raw('timestamptz') };
    case 'dueDate':
      return { expr: sql`coalesce(${tasks.dueDate}, 'infinity'::timestamptz)`, type: sql.raw('timestamptz') };
    case 'priority':
      return { expr: sql`${tasks.priorityRank}`, type: sql.raw('smallint') };
    case 'title':
      return { expr: sql`${tasks.title}`, type: sql.raw('text') };
    case 'rank':
      throw new Error('a ranked search is built by rankedListQuery');
  }
}

export interface ListParams {
  userId: string;
  filters: TaskFilters;
  sort: SortSpec;
  limit: number;
  after?: { key: string | null; id: string } | undefined;
  offset?: number | undefined;
}

/** A page of tasks, already in the API's shape, and each one's sort key (for the cursor). */
export interface ListedPage {
  tasks: Task[];
  sortKeys: Array<string | null>;
}

/** A timestamp as the API writes it (`toISOString()`'s format), formatted by PostgreSQL: no Date per field. */
const ISO_FORMAT = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const isoOf = (column: string) => `to_char(${column} at time zone 'UTC', ${ISO_FORMAT})`;
const isoText = (column: AnyPgColumn) =>
  sql<string | null>`to_char(${column} at time zone 'UTC', ${sql.raw(ISO_FORMAT)})`;

/** The list's columns, in the order `rowToTask` reads them. */
const listColumns = {
  id: tasks.id,
  title: tasks.title,
  description: tasks.description,
  status: tasks.status,
  priority: tasks.priority,
  dueDate: isoText(tasks.dueDate),
  tags: tasks.tags,
  completedAt: isoText(tasks.completedAt),
  createdAt: isoText(tasks.createdAt),
  updatedAt: isoText(tasks.updatedAt),
  version: tasks.version,
};
const SORT_KEY_INDEX = Object.keys(listColumns).length;

function rowToTask(r: unknown[]): Task {
  return {
    id: r[0] as string,
    title: r[1] as string,
    description: r[2] as string,
    status: r[3] as TaskStatus,
    priority: r[4] as TaskPriority,
    dueDate: r[5] as string | null,
    tags: r[6] as string[],
    completedAt: r[7] as string | null,
    createdAt: r[8] as string,
    updatedAt: r[9] as string,
    version: r[10] as number,
  };
}

function buildListQuery(db: DbOrTx, s: ListShape) {
  if (s.sort.field === 'rank') return rankedListQuery(s);
  const { expr, type } = sortExpr(s);
  const where = filterConditions(s);
  if (s.after) {
    const op = sql.raw(s.sort.desc ? '<' : '>');
    where.push(sql`(${expr}, ${tasks.id}) ${op} (${ph('afterKey')}::${type}, ${ph('afterId')}::uuid)`);
  }
  const dir = sql.raw(s.sort.desc ? 'desc' : 'asc');
  const query = db
    .select({ ...listColumns, sortKey: sql<string | null>`(${expr})::text` })
    .from(tasks)
    .where(and(...where))
    .orderBy(sql`${expr} ${dir}`, sql`${tasks.id} ${dir}`)
    .limit(ph('limit'))
    .$dynamic();
  return s.offset ? query.offset(ph('offset')) : query;
}

const dialect = new PgDialect({ casing: 'snake_case' });

/**
 * Ranked search: the most recent matches (rankedSearchLimits), ranked; the same columns as the list, the rank as
 * sort key. Finding those candidates has two strategies, and the statement picks at run time:
 * 1. the user's `window` newest tasks (an index range scan on (user_id, created_at)), filtered by the
 *    match: when that yields `candidates` matches, they are exactly the most recent ones (a common word), and
 *    when the user has no more tasks than the window, they are all the matches (most accounts);
 * 2. otherwise every match through the GIN indexes, newest first (a rare word: few rows to fetch).
 * A common word in a 100,000-task account no longer fetches and ranks its ~10,000 matches (bench P4).
 */
function rankedListQuery(s: ListShape): { toSQL(): { sql: string; params: unknown[] } } {
  const cols = sql.raw(
    'id, title, description, status, priority, due_date, tags, completed_at, created_at, updated_at, version, search',
  );
  const base = and(...filterConditions(s, false));
  const match =
    s.q === 'words' ? sql`search @@ to_tsquery('simple', ${ph('tsq')}::text)` : sql`${ph('q')}::text <% title`;
  const limits = rankedSearchLimits(s.q === 'words' ? 'words' : 'typo');
  const cap = sql.raw(String(limits.candidates));
  const iso = (c: string) => sql.raw(isoOf(`r.${c}`));
  const titleSim = sql`word_similarity(${ph('q')}::text, c.title)::float8`;
  const rank =
    s.q === 'words' ? sql`ts_rank(c.search, to_tsquery('simple', ${ph('tsq')}::text))::float8 + ${titleSim}` : titleSim;
  const op = sql.raw(s.sort.desc ? '<' : '>');
  const dir = sql.raw(s.sort.desc ? 'desc' : 'asc');
  const window = sql.raw(String(limits.window));
  // The recent matches are all the candidates when there are enough of them, or when the window held every one
  // of the user's (filtered) tasks; otherwise every match is fetched through the indexes.
  const recentSuffices = sql`((select count(*) from recent) >= ${cap}
      or (select count(*) from (select 1 from tasks where ${base} limit ${window}) n) < ${window})`;
  const query = sql`
    with recent as materialized (
      select * from (
        select ${cols} from tasks where ${base} order by created_at desc, id desc limit ${window}
      ) w where ${match} order by created_at desc, id desc limit ${cap}
    ), candidates as (
      select * from recent where ${recentSuffices}
      union all
      (select ${cols} from tasks where ${base} and ${match} and not ${recentSuffices}
       order by created_at desc, id desc limit ${cap})
    )
    select r.id, r.title, r.description, r.status, r.priority, ${iso('due_date')}, r.tags, ${iso('completed_at')},
           ${iso('created_at')}, ${iso('updated_at')}, r.version, r.rank::text
    from (select c.*, (${rank}) as rank from candidates c) r
    ${s.after ? sql`where (r.rank, r.id) ${op} (${ph('afterKey')}::float8, ${ph('afterId')}::uuid)` : sql``}
    order by r.rank ${dir}, r.id ${dir}
    limit ${ph('limit')}${s.offset ? sql` offset ${ph('offset')}` : sql``}`;
  return { toSQL: () => dialect.sqlToQuery(query) };
}

function buildCountQuery(db: DbOrTx, s: ListShape) {
  return db
    .select({ n: sql<number>`count(*)::int` })
    .from(tasks)
    .where(and(...filterConditions(s)));
}

const MAX_SHAPES = 256;

/** Each shape's statements (list, count): SQL text and parameter slots, built once, the same for every handle. */
const statements = new Map<string, { name: string | undefined; text: string; params: unknown[] }>();

/**
 * Run the `kind` statement of a shape straight through the driver: built by Drizzle on first use, a named
 * (server-side prepared) statement on PostgreSQL unless it searches — a search's best plan depends on how
 * common its words are, so it keeps per-value planning. Rows come back as arrays.
 */
function runShape(
  db: DbOrTx,
  kind: 'list' | 'count',
  s: ListShape,
  build: () => { toSQL(): { sql: string; params: unknown[] } },
) {
  const key = `${kind}.${s.key}`;
  let statement = statements.get(key);
  if (!statement) {
    const q = build().toSQL();
    const name = s.q === 'none' ? `tasks_${key.replaceAll('.', '_')}` : undefined;
    statement = { name, text: q.sql, params: q.params };
    if (statements.size >= MAX_SHAPES) statements.delete(statements.keys().next().value as string);
    statements.set(key, statement);
  }
  return rawExecutor(db)(statement, fillPlaceholders(statement.params, s.values));
}

/**
 * One page: keyset (`after`) or offset. Reads `limit` rows; ties break on id in the sort's direction. The hot
 * read of the API: its rows become tasks without Drizzle's generic row mapping or a Date per timestamp.
 */
export async function listTasks(db: DbOrTx, p: ListParams): Promise<ListedPage> {
  const s = shapeOf(p.userId, p.filters, p.sort, p);
  const rows = await runShape(db, 'list', s, () => buildListQuery(db, s));
  return { tasks: rows.map(rowToTask), sortKeys: rows.map((r) => r[SORT_KEY_INDEX] as string | null) };
}

/** The page query with its values filled in (tests EXPLAIN it). */
export function listQuery(db: DbOrTx, p: ListParams): { toSQL(): { sql: string; params: unknown[] } } {
  const s = shapeOf(p.userId, p.filters, p.sort, p);
  return {
    toSQL: () => {
      const q = buildListQuery(db, s).toSQL();
      return { sql: q.sql, params: fillPlaceholders(q.params, s.values) };
    },
  };
}

/** How many tasks the list walks: every match, or for a ranked search at most its candidates. */
export async function countTasks(db: DbOrTx, userId: string, filters: TaskFilters, sort: SortSpec): Promise<number> {
  const s = shapeOf(userId, filters, sort);
  const [row] = await runShape(db, 'count', s, () => buildCountQuery(db, s));
  const n = Number(row?.[0] ?? 0);
  return sort.field === 'rank' && s.q !== 'none' ? Math.min(n, rankedSearchLimits(s.q).candidates) : n;
}

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

/**
 * Create one task and its `created` activity row (the outbox entry, with the task as payload) in ONE statement:
 * atomic without a transaction, one round trip instead of four (BEGIN, two INSERTs, COMMIT) — the hot write
 * (bench P6). `changes` holds every field given; completedAt (the database's now()) is added here.
 */
const createStatement = {
  name: 'tasks_create',
  text: `with t as (
    insert into tasks (user_id, title, description, status, priority, due_date, tags, completed_at)
    values ($1::uuid, $2::text, $3::text, $4::text, $5::text, $6::timestamptz, $7::text[],
            case when $4::text = 'completed' then now() end)
    returning id, user_id, title, description, status, priority, due_date, tags, completed_at, created_at, updated_at, version
  ), a as (
    insert into task_activity (user_id, task_id, type, changes, payload)
    select user_id, id, 'created',
           $8::jsonb || case when completed_at is null then '{}'::jsonb
                        else jsonb_build_object('completedAt', jsonb_build_object('from', null, 'to', ${isoOf('completed_at')})) end,
           jsonb_build_object('id', id, 'title', title, 'description', description, 'status', status,
             'priority', priority, 'dueDate', ${isoOf('due_date')}, 'tags', to_jsonb(tags),
             'completedAt', ${isoOf('completed_at')}, 'createdAt', ${isoOf('created_at')},
             'updatedAt', ${isoOf('updated_at')}, 'version', version)
    from t
  )
  select id, title, description, status, priority, ${isoOf('due_date')}, tags, ${isoOf('completed_at')},
         ${isoOf('created_at')}, ${isoOf('updated_at')}, version
  from t`,
};

export async function createTaskWithActivity(
  db: DbOrTx,
  userId: string,
  write: Omit<TaskWrite, 'completedAt'>,
  changes: Record<string, { from: unknown; to: unknown }>,
): Promise<Task> {
  const rows = await rawExecutor(db)(createStatement, [
    userId,
    write.title,
    write.description,
    write.status,
    write.priority,
    write.dueDate ? write.dueDate.toISOString() : null,
    write.tags,
    JSON.stringify(changes),
  ]);
  const row = rows[0];
  if (!row) throw new Error('insert returned no row');
  return rowToTask(row);
}

export async function insertTasks(db: DbOrTx, userId: string, rows: TaskWrite[]): Promise<TaskRecord[]> {
  if (rows.length === 0) return [];
  return (await db
    .insert(tasks)
    .values(rows.map((r) => ({ ...r, userId, completedAt: r.completedAt ?? null })))
    .returning(taskColumns)) as TaskRecord[];
}

export async function updateTask(
  db: DbOrTx,
  userId: string,
  id: string,
  set: Partial<TaskWrite>,
): Promise<TaskRecord | null> {
  const rows = (await db
    .update(tasks)
    .set({ ...set, version: sql`${tasks.version} + 1`, updatedAt: sql`now()` })
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

export type ActivityType = 'created' | 'updated' | 'completed' | 'reopened' | 'deleted';
export interface ActivityWrite {
  taskId: string;
  type: ActivityType;
  changes: Record<string, { from: unknown; to: unknown }>;
  /** The task after this change (the outbox event's payload); absent for a deletion. */
  payload?: Task;
}

export async function insertActivity(db: DbOrTx, userId: string, rows: ActivityWrite[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insert(taskActivity).values(rows.map((r) => ({ ...r, userId })));
}

export async function listActivity(db: DbOrTx, userId: string, taskId: string) {
  return db
    .select({
      id: taskActivity.id,
      type: taskActivity.type,
      changes: taskActivity.changes,
      createdAt: taskActivity.createdAt,
    })
    .from(taskActivity)
    .where(and(eq(taskActivity.userId, userId), eq(taskActivity.taskId, taskId)))
    .orderBy(desc(taskActivity.seq))
    .limit(1000);
}

// ---- idempotency keys ----

export interface IdempotencyRecord {
  requestHash: string;
  statusCode: number | null;
  response: { body: unknown; headers: Record<string, string> } | null;
}

export async function findIdempotencyKey(db: DbOrTx, userId: string, key: string): Promise<IdempotencyRecord | null> {
  const rows = await db
    .select({
      requestHash: idempotencyKeys.requestHash,
      statusCode: idempotencyKeys.statusCode,
      response: idempotencyKeys.response,
    })
    .from(idempotencyKeys)
    .where(
      and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key), sql`${idempotencyKeys.expiresAt} > now()`),
    );
  return rows[0] ?? null;
}

/**
 * Claim a key inside the creating transaction. A live row held by another transaction makes this wait for it
 * (unique index), then return false; an expired row is taken over. True when this transaction owns the key.
 */
export async function claimIdempotencyKey(
  db: DbOrTx,
  userId: string,
  key: string,
  requestHash: string,
  ttlSec: number,
): Promise<boolean> {
  const expires = sql`now() + make_interval(secs => ${ttlSec})`;
  const rows = await db
    .insert(idempotencyKeys)
    .values({ userId, key, requestHash, expiresAt: expires })
    .onConflictDoUpdate({
      target: [idempotencyKeys.userId, idempotencyKeys.key],
      set: { requestHash, statusCode: null, response: null, createdAt: sql`now()`, expiresAt: expires },
      setWhere: sql`${idempotencyKeys.expiresAt} <= now()`,
    })
    .returning({ key: idempotencyKeys.key });
  return rows.length > 0;
}

export async function storeIdempotentResponse(
  db: DbOrTx,
  userId: string,
  key: string,
  statusCode: number,
  response: { body: unknown; headers: Record<string, string> },
): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({ statusCode, response })
    .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)));
}

export async function purgeExpiredIdempotencyKeys(db: DbOrTx, userId: string): Promise<void> {
  await db
    .delete(idempotencyKeys)
    .where(and(eq(idempotencyKeys.userId, userId), sql`${idempotencyKeys.expiresAt} <= now()`));
}

// ---- stats ----

export interface StatsRow {
  by_status: Array<{ k: string; n: number }>;
  by_priority: Array<{ k: number; n: number }>;
  overdue: number;
  due_today: number;
  due_week: number;
  completed_7d: number;
  avg_hours: number | null;
  daily: Array<{ date: string; created: number; completed: number }>;
}

/**
 * Every figure of GET /tasks/stats in one statement of aggregates (no row reaches the application). Each
 * sub-select is answered by an index on (user_id, ...): status and priority counts index-only, the due
 * figures from the partial index on active due dates, the completion figures from the partial index on
 * completed_at, and the daily "created" from (user_id, created_at). Local days use the user's time zone.
 */
export async function taskStats(db: DbOrTx, userId: string, tz: string): Promise<StatsRow> {
  const res = (await db.execute(statsQuery(userId, tz))) as unknown as { rows: StatsRow[] };
  const row = res.rows[0];
  if (!row) throw new Error('stats query returned no row');
  return row;
}

export function statsQuery(userId: string, tz: string): SQL {
  return sql`
    with b as (
      select ((now() at time zone ${tz}::text)::date) as today
    ), r as (
      select today,
        (today::timestamp at time zone ${tz}::text) as today_start,
        ((today - 29)::timestamp at time zone ${tz}::text) as range_start
      from b
    )
    select
      (select coalesce(json_agg(json_build_object('k', s.status, 'n', s.n)), '[]'::json)
         from (select status, count(*)::int as n from tasks where user_id = ${userId} group by status) s) as by_status,
      (select coalesce(json_agg(json_build_object('k', p.priority_rank, 'n', p.n)), '[]'::json)
         from (select priority_rank, count(*)::int as n from tasks where user_id = ${userId} group by priority_rank) p) as by_priority,
      (select count(*)::int from tasks where user_id = ${userId}
         and status in ('pending', 'in_progress') and due_date is not null and due_date < now()) as overdue,
      (select count(*)::int from tasks, r where user_id = ${userId}
         and status in ('pending', 'in_progress') and due_date is not null
         and due_date >= r.today_start and due_date < r.today_start + interval '1 day') as due_today,
      (select count(*)::int from tasks, r where user_id = ${userId}
         and status in ('pending', 'in_progress') and due_date is not null
         and due_date >= r.today_start and due_date < r.today_start + interval '7 days') as due_week,
      (select count(*)::int from tasks where user_id = ${userId}
         and completed_at is not null and completed_at >= now() - interval '7 days') as completed_7d,
      (select (avg(extract(epoch from (completed_at - created_at))) / 3600)::float8 from tasks
         where user_id = ${userId} and completed_at is not null) as avg_hours,
      (select json_agg(json_build_object('date', to_char(d.day, 'YYYY-MM-DD'),
                'created', coalesce(c.n, 0), 'completed', coalesce(k.n, 0)) order by d.day)
         from r,
           lateral generate_series((r.today - 29)::timestamp, r.today::timestamp, interval '1 day') as d(day)
           left join (
             select (created_at at time zone ${tz}::text)::date as day, count(*)::int as n
             from tasks, r r2 where user_id = ${userId} and created_at >= r2.range_start group by 1
           ) c on c.day = d.day::date
           left join (
             select (completed_at at time zone ${tz}::text)::date as day, count(*)::int as n
             from tasks, r r3 where user_id = ${userId} and completed_at is not null
               and completed_at >= r3.range_start group by 1
           ) k on k.day = d.day::date) as daily
  `;
}
