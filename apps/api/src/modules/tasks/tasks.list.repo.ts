/**
 * The list, search and count queries — the hot read of the API. The search mode, the ranked search's candidate
 * caps and the sort come decided (tasks.search.ts); this file only turns them into SQL. Every query is scoped by
 * user_id; every value is a bound parameter.
 */
import type { Task } from '@primetrade/shared';
import { and, fillPlaceholders, type SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { type DbOrTx, rawExecutor } from '../../infra/db/client';
import { tasks } from '../../infra/db/schema/tasks';
import { FIELD_NAMES, fromListRow, isTimeField } from './tasks.mapper';
import { apiSelectList, columnOf, isoText, taskColumns } from './tasks.repo';
import {
  prefixTsquery,
  rankedSearchLimits,
  type SearchMode,
  type SortSpec,
  searchModeOf,
  searchWords,
  type TaskFilters,
} from './tasks.search';

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
  q: SearchMode;
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
  const shape: ListShape = {
    key: '',
    values,
    sort,
    status: Boolean(f.status?.length),
    priority: Boolean(f.priority?.length),
    tag: Boolean(f.tag),
    q: searchModeOf(f),
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
    const words = searchWords(f.q);
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

/** What `q` matches in the chosen mode: every word as a prefix (full text), or the title within a typo. */
function searchCondition(s: ListShape): SQL {
  if (s.q === 'typo') return sql`${ph('q')}::text <% ${tasks.title}`;
  return sql`${tasks.search} @@ to_tsquery('simple', ${ph('tsq')}::text)`;
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

/** The list's columns in FIELD_NAMES order (what fromListRow reads), times as ISO text; then the sort key. */
const listColumns = Object.fromEntries(
  FIELD_NAMES.map((f) => [f, isTimeField(f) ? isoText(tasks[f]) : taskColumns[f]]),
) as Record<string, SQL | (typeof taskColumns)[keyof typeof taskColumns]>;
const SORT_KEY_INDEX = FIELD_NAMES.length;

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
const RANKED_COLUMNS = sql.raw(`${FIELD_NAMES.map(columnOf).join(', ')}, search`);
const RANKED_SELECT = sql.raw(apiSelectList('r.'));

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
  const base = and(...filterConditions(s, false));
  const match =
    s.q === 'words' ? sql`search @@ to_tsquery('simple', ${ph('tsq')}::text)` : sql`${ph('q')}::text <% title`;
  const limits = rankedSearchLimits(s.q === 'words' ? 'words' : 'typo');
  const cap = sql.raw(String(limits.candidates));
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
        select ${RANKED_COLUMNS} from tasks where ${base} order by created_at desc, id desc limit ${window}
      ) w where ${match} order by created_at desc, id desc limit ${cap}
    ), candidates as (
      select * from recent where ${recentSuffices}
      union all
      (select ${RANKED_COLUMNS} from tasks where ${base} and ${match} and not ${recentSuffices}
       order by created_at desc, id desc limit ${cap})
    )
    select ${RANKED_SELECT}, r.rank::text
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
 * One page: keyset (`after`) or offset. Reads `limit` rows; ties break on id in the sort's direction. Its rows
 * become tasks without Drizzle's generic row mapping or a Date per timestamp.
 */
export async function listTasks(db: DbOrTx, p: ListParams): Promise<ListedPage> {
  const s = shapeOf(p.userId, p.filters, p.sort, p);
  const rows = await runShape(db, 'list', s, () => buildListQuery(db, s));
  return { tasks: rows.map(fromListRow), sortKeys: rows.map((r) => r[SORT_KEY_INDEX] as string | null) };
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

/** How many tasks match the filters (the search included). */
export async function countTasks(db: DbOrTx, userId: string, filters: TaskFilters, sort: SortSpec): Promise<number> {
  const s = shapeOf(userId, filters, sort);
  const [row] = await runShape(db, 'count', s, () => buildCountQuery(db, s));
  return Number(row?.[0] ?? 0);
}
