/**
 * Task queries, always scoped by user_id (the leading column of every index and primary key). No rules here:
 * the service decides, these functions only read and write. Every value reaches SQL as a bound parameter.
 */
import type { Task, TaskPriority, TaskStatus } from '@primetrade/shared';
import { and, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../infra/db';
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

const searchText = sql`(${tasks.title} || ' ' || ${tasks.description})`;

function searchCondition(q: string): SQL {
  const words = searchWords(q);
  const typo = sql`${q}::text <% ${searchText}`;
  if (words.length === 0) return typo;
  return sql`(${tasks.search} @@ to_tsquery('simple', ${prefixTsquery(words)}) or ${typo})`;
}

/**
 * Relevance: full-text rank (title words weigh more than description words) plus trigram word similarity to
 * the title and, less, to the whole text; as float8, whose text form round-trips exactly through a cursor.
 */
function rankExpr(q: string): SQL {
  const words = searchWords(q);
  const sim = sql`(word_similarity(${q}::text, ${tasks.title})::float8 + 0.5 * word_similarity(${q}::text, ${searchText})::float8)`;
  if (words.length === 0) return sim;
  return sql`(ts_rank(${tasks.search}, to_tsquery('simple', ${prefixTsquery(words)}))::float8 + ${sim})`;
}

const ACTIVE = sql`${tasks.status} in ('pending', 'in_progress')`;

export function filterConditions(userId: string, f: TaskFilters): SQL[] {
  const where: SQL[] = [eq(tasks.userId, userId)];
  if (f.status?.length) where.push(inArray(tasks.status, f.status));
  if (f.priority?.length) where.push(inArray(tasks.priority, f.priority));
  if (f.tag) where.push(sql`${tasks.tags} @> array[${f.tag}::text]`);
  if (f.q) where.push(searchCondition(f.q));
  if (f.dueBefore) where.push(sql`${tasks.dueDate} <= ${f.dueBefore}::timestamptz`);
  if (f.dueAfter) where.push(sql`${tasks.dueDate} >= ${f.dueAfter}::timestamptz`);
  if (f.overdue === true) {
    where.push(sql`${ACTIVE} and ${tasks.dueDate} is not null and ${tasks.dueDate} < now()`);
  } else if (f.overdue === false) {
    where.push(sql`not (${ACTIVE} and ${tasks.dueDate} is not null and ${tasks.dueDate} < now())`);
  }
  return where;
}

function sortExpr(field: SortField, q: string | undefined): { expr: SQL; type: SQL } {
  switch (field) {
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
      return { expr: rankExpr(q ?? ''), type: sql.raw('float8') };
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

export type ListedTask = TaskRecord & { sortKey: string | null };

/** One page: keyset (`after`) or offset. Reads `limit` rows; ties break on id in the sort's direction. */
export async function listTasks(db: DbOrTx, p: ListParams): Promise<ListedTask[]> {
  return (await listQuery(db, p)) as ListedTask[];
}

/** The page query itself (tests EXPLAIN it). */
export function listQuery(db: DbOrTx, p: ListParams) {
  const { expr, type } = sortExpr(p.sort.field, p.filters.q);
  const where = filterConditions(p.userId, p.filters);
  if (p.after) {
    const op = sql.raw(p.sort.desc ? '<' : '>');
    where.push(sql`(${expr}, ${tasks.id}) ${op} (${p.after.key}::${type}, ${p.after.id}::uuid)`);
  }
  const dir = sql.raw(p.sort.desc ? 'desc' : 'asc');
  let query = db
    .select({ ...taskColumns, sortKey: sql<string | null>`(${expr})::text` })
    .from(tasks)
    .where(and(...where))
    .orderBy(sql`${expr} ${dir}`, sql`${tasks.id} ${dir}`)
    .limit(p.limit)
    .$dynamic();
  if (p.offset) query = query.offset(p.offset);
  return query;
}

export async function countTasks(db: DbOrTx, userId: string, filters: TaskFilters): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(tasks)
    .where(and(...filterConditions(userId, filters)));
  return Number(row?.n ?? 0);
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
