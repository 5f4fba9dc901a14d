/**
 * The list, search and count queries — the hot read of the API. The search mode, the ranked search's candidate
 * caps and the sort come decided (tasks.search.ts); this file only turns them into SQL. Every query is scoped by
 * user_id; every value is a bound parameter.
 */
import { createHash } from 'node:crypto';
import type { Task } from '@primetrade/shared';
import { and, fillPlaceholders, type SQL, sql } from 'drizzle-orm';
import { type AnyPgColumn, PgDialect } from 'drizzle-orm/pg-core';
import { type DbOrTx, rawExecutor } from '../../infra/db/client';
import { tasks } from '../../infra/db/schema/tasks';
import { users } from '../../infra/db/schema/users';
import { FIELD_NAMES, fromListRow, isTimeField } from './tasks.mapper';
import { BOARD_KEY } from './tasks.board.repo';
import { apiSelectList, columnOf, isoText, taskColumns } from './tasks.repo';
import {
  exactTsquery,
  prefixTsquery,
  rankedSearchLimits,
  type SearchMode,
  type SortSpec,
  searchModeOf,
  searchWords,
  type TaskFilters,
  typoSearch,
} from './tasks.search';

const ph = (name: string) => sql.placeholder(name);

/** The deepest offset page (offset + limit rows) still merged from per-project pages (scope 'lateral'). */
const LATERAL_MAX_ROWS = 1000;

/**
 * Page sizes whose statements carry the row limit as a literal: the API's default page (20), the web list's (50)
 * and the board's, calendar's and detail's (100), each with the keyset page's look-ahead row. With `limit $n` the
 * plan cache's generic plan is costed for 10 % of the project's rows, so on a project of ~1,000 tasks it never
 * looked cheaper than a custom plan and every execution of the prepared list was planned again (planning reads
 * the size of the table and each of its 18 indexes: a fstat per file in PGlite; P12, docs/performance.md). With
 * the literal, the generic plan is the custom one and is kept after the plan cache's five trials. Other sizes keep
 * the parameter: one statement per shape, not per limit a client can send.
 */
const LITERAL_LIMITS: ReadonlySet<number> = new Set([20, 21, 50, 51, 100, 101]);
/** The page's row limit in the statement: the literal when the shape has one, else the `limit` placeholder. */
const pageLimit = (s: ListShape) => (s.literalLimit ? sql.raw(String(s.literalLimit)) : ph('limit'));

/**
 * A value of a fixed-plan page (ListShape.fixedPlan) as the planner sees it: `(select $n)`, an InitPlan read when
 * the statement runs, so that custom and generic plans are costed alike. Seen, the project id of a large project
 * (one in the column's statistics) and the cursor's position made each custom plan look cheaper than the generic
 * plan, costed for the average project; the plan cache then planned every page of that project again and never
 * kept the generic plan (bench P3: a 12,000-task account's pages; tasks.plan-cache.test.ts). Other shapes show
 * the planner their values, which their plans depend on.
 */
const planValue = (s: ListShape, value: SQL): SQL => (s.fixedPlan ? sql`(select ${value})` : value);

/** The keyset condition: after the cursor's (sort key, id) in the sort's direction. */
function keysetCondition(s: ListShape, expr: SQL, type: SQL): SQL {
  const op = sql.raw(s.sort.desc ? '<' : '>');
  return sql`(${expr}, ${tasks.id}) ${op} (${planValue(s, sql`${ph('afterKey')}::${type}`)}, ${planValue(s, sql`${ph('afterId')}::uuid`)})`;
}

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
  /** Exactly one status (a board column): `status = $1`, so tasks_board_key's order serves sort=position. */
  statusOne: boolean;
  priority: boolean;
  tag: boolean;
  q: SearchMode;
  /** A typo search with numbers in it: each must be a word of the task (typoSearch). */
  typoNumbers: boolean;
  /** A ranked words search with an uncommon word (rareWords): its matches are found through the GIN index only. */
  rare: boolean;
  dueBefore: boolean;
  dueAfter: boolean;
  overdue: 'any' | 'yes' | 'no';
  view: 'all' | 'today' | 'upcoming';
  /**
   * One project (`project_id = $1`: the index's order serves the sort), several as one range (`= any($1)`: a
   * search, a count), or several merged (`lateral`: a page per project through its (project_id, sort key, id)
   * index, then the first of their merge — see lateralListQuery).
   */
  scope: 'one' | 'many' | 'lateral';
  assignee: boolean;
  parent: 'any' | 'none' | 'one';
  after: boolean;
  offset: boolean;
  /** The page's row limit when it is one of LITERAL_LIMITS (written into the statement), else undefined. */
  literalLimit: number | undefined;
  /**
   * A page whose plan is the same whatever its values: no search and no filter but one status (a board column),
   * so the scan is its project's (project_id[, status], sort key, id) index in order, stopped at the limit. Its
   * project ids and cursor are hidden from the planner (planValue).
   */
  fixedPlan: boolean;
}

function shapeOf(
  userId: string,
  f: TaskFilters,
  sort: SortSpec,
  page?: Pick<ListParams, 'limit' | 'after' | 'offset' | 'merge'>,
): ListShape {
  const values: Record<string, unknown> = { userId };
  const shape: ListShape = {
    key: '',
    values,
    sort,
    status: Boolean(f.status?.length),
    statusOne: f.status?.length === 1,
    priority: Boolean(f.priority?.length),
    tag: Boolean(f.tag),
    q: searchModeOf(f),
    typoNumbers: false,
    rare: false,
    dueBefore: Boolean(f.dueBefore),
    dueAfter: Boolean(f.dueAfter),
    overdue: f.overdue === true ? 'yes' : f.overdue === false ? 'no' : 'any',
    view: f.view ?? 'all',
    scope: f.projectIds?.length === 1 ? 'one' : 'many',
    assignee: Boolean(f.assigneeId),
    parent: f.parentId === undefined ? 'any' : f.parentId === 'none' ? 'none' : 'one',
    after: Boolean(page?.after),
    offset: Boolean(page?.offset),
    literalLimit: page && LITERAL_LIMITS.has(page.limit) ? page.limit : undefined,
    fixedPlan: false,
  };
  if (!f.projectIds) throw new Error('a task query needs its projects (the project policy scope)');
  shape.rare = shape.q === 'words' && sort.field === 'rank' && f.rareWords === true;
  // A page (not a count) over several projects without a search is merged from per-project pages, unless an
  // offset page is so deep that reading offset + limit rows per project costs more than one sort.
  if (
    shape.scope === 'many' &&
    page &&
    page.merge !== false &&
    shape.q === 'none' &&
    sort.field !== 'rank' &&
    (page.offset ?? 0) + page.limit <= LATERAL_MAX_ROWS
  ) {
    shape.scope = 'lateral';
    values.perProject = (page.offset ?? 0) + page.limit;
  }
  if (shape.scope === 'one') values.projectId = f.projectIds[0];
  else values.projectIds = f.projectIds;
  if (shape.assignee) values.assigneeId = f.assigneeId;
  if (shape.parent === 'one') values.parentId = f.parentId;
  if (shape.status) values.status = f.status;
  if (shape.statusOne) values.statusOne = f.status?.[0];
  if (shape.priority) values.priority = f.priority;
  if (shape.tag) values.tag = f.tag;
  if (f.q && shape.q === 'typo') {
    const typo = typoSearch(f.q);
    values.q = typo.text;
    shape.typoNumbers = typo.numbers.length > 0;
    if (shape.typoNumbers) values.tsq = exactTsquery(typo.numbers);
  } else if (f.q) {
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
  const flags = [
    shape.status,
    shape.statusOne,
    shape.priority,
    shape.tag,
    shape.dueBefore,
    shape.dueAfter,
    shape.after,
    shape.offset,
  ];
  // Follows from the key's other parts (and a count, which has no page, has its own statement kind): not in the key.
  shape.fixedPlan =
    Boolean(page) &&
    shape.q === 'none' &&
    sort.field !== 'rank' &&
    (!shape.status || shape.statusOne) &&
    !shape.priority &&
    !shape.tag &&
    !shape.dueBefore &&
    !shape.dueAfter &&
    shape.overdue === 'any' &&
    shape.view === 'all' &&
    !shape.assignee &&
    shape.parent === 'any';
  shape.key = `${sort.field}.${sort.desc ? 'd' : 'a'}.${shape.q}.${shape.overdue}.${shape.view}.${flags.map(Number).join('')}.${shape.scope}.${Number(shape.assignee)}.${shape.parent}.${Number(shape.typoNumbers)}.${Number(shape.rare)}.${shape.literalLimit ?? 'p'}`;
  return shape;
}

/**
 * What `q` matches in the chosen mode: every word as a prefix (full text), or the title within a typo and its
 * numbers as whole words (typoSearch). `col`: the columns as the query names them.
 */
function searchCondition(s: ListShape, col: { title: AnyPgColumn | SQL; search: AnyPgColumn | SQL } = tasks): SQL {
  const words = sql`${col.search} @@ to_tsquery('simple', ${ph('tsq')}::text)`;
  if (s.q === 'words') return words;
  const typo = sql`${ph('q')}::text <% ${col.title}`;
  return s.typoNumbers ? sql`${typo} and ${words}` : typo;
}

const ACTIVE = sql`${tasks.status} in ('pending', 'in_progress')`;

/** The caller's IANA time zone (users.timezone), read in the same statement; UTC when the user is gone. */
const USER_TZ = sql`coalesce((select ${users.timezone} from ${users} where ${users.id} = ${ph('userId')}::uuid), 'UTC')`;
/** The instant the caller's local day `days` after today starts (0: the start of today), across DST. */
const localDayStart = (days: number) =>
  sql`(((now() at time zone ${USER_TZ})::date + ${sql.raw(String(days))})::timestamp at time zone ${USER_TZ})`;

/** `view=today`: not done, due before tomorrow (local), overdue included; `upcoming`: not done, due today … +6 days. */
function viewCondition(view: 'today' | 'upcoming'): SQL {
  return view === 'today'
    ? sql`${ACTIVE} and ${tasks.dueDate} is not null and ${tasks.dueDate} < ${localDayStart(1)}`
    : sql`${ACTIVE} and ${tasks.dueDate} >= ${localDayStart(0)} and ${tasks.dueDate} < ${localDayStart(7)}`;
}

function filterConditions(s: ListShape, withSearch = true): SQL[] {
  // Soft-deleted tasks are in no list, count, search or export.
  // The caller's projects (issue 15): every list index leads with project_id.
  const scope =
    s.scope === 'one'
      ? sql`${tasks.projectId} = ${planValue(s, sql`${ph('projectId')}::uuid`)}`
      : s.scope === 'lateral'
        ? sql`${tasks.projectId} = p.pid`
        : sql`${tasks.projectId} = any(${ph('projectIds')}::uuid[])`;
  const where: SQL[] = [scope, sql`${tasks.deletedAt} is null`];
  if (s.assignee) where.push(sql`${tasks.assigneeId} = ${ph('assigneeId')}::uuid`);
  if (s.parent === 'none') where.push(sql`${tasks.parentId} is null`);
  if (s.parent === 'one') where.push(sql`${tasks.parentId} = ${ph('parentId')}::uuid`);
  if (s.statusOne) where.push(sql`${tasks.status} = ${planValue(s, sql`${ph('statusOne')}::text`)}`);
  else if (s.status) where.push(sql`${tasks.status} = any(${ph('status')}::text[])`);
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
  if (s.view !== 'all') where.push(viewCondition(s.view));
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
    case 'position':
      // The board order (issue 15 item 4): tasks_board_key's expression, unplaced tasks last.
      return { expr: BOARD_KEY, type: sql.raw('text') };
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
  /** false: one range over every project, never the per-project merge (tests compare the two). */
  merge?: boolean | undefined;
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
  if (s.scope === 'lateral') return lateralListQuery(s);
  const { expr, type } = sortExpr(s);
  const where = filterConditions(s);
  if (s.after) where.push(keysetCondition(s, expr, type));
  const dir = sql.raw(s.sort.desc ? 'desc' : 'asc');
  const query = db
    .select({ ...listColumns, sortKey: sql<string | null>`(${expr})::text` })
    .from(tasks)
    .where(and(...where))
    .orderBy(sql`${expr} ${dir}`, sql`${tasks.id} ${dir}`)
    // Drizzle's limit() sends a number as a parameter; an SQL chunk (as a placeholder is) is written as it is.
    .limit(pageLimit(s) as unknown as number)
    .$dynamic();
  return s.offset ? query.offset(ph('offset')) : query;
}

const dialect = new PgDialect({ casing: 'snake_case' });
const RANKED_COLUMNS = sql.raw(`${FIELD_NAMES.map(columnOf).join(', ')}, search`);
const RANKED_SELECT = sql.raw(apiSelectList('r.'));
const LATERAL_SELECT = sql.raw(apiSelectList('t.'));

/**
 * Ranked search: the most recent matches (rankedSearchLimits), ranked; the same columns as the list, the rank as
 * sort key. Finding those candidates has two strategies, and the statement picks at run time:
 * 1. the user's `window` newest tasks (an index range scan on (user_id, created_at)), filtered by the
 *    match: when that yields `candidates` matches, they are exactly the most recent ones (a common word), and
 *    when the user has no more tasks than the window, they are all the matches (most accounts);
 * 2. otherwise every match through the GIN indexes, newest first (a rare word: few rows to fetch; fetched
 *    before they are ordered, so the planner does not trade the GIN index for an ordered walk of every task).
 * A common word in a 100,000-task account no longer fetches and ranks its ~10,000 matches (bench P4).
 */
function rankedListQuery(s: ListShape): { toSQL(): { sql: string; params: unknown[] } } {
  const base = and(...filterConditions(s, false));
  // Unqualified: the recent matches are filtered outside the subquery that reads them.
  const match = searchCondition(s, { title: sql`title`, search: sql`search` });
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
      or (select count(*) from (select 1 from tasks where ${base} order by created_at desc, id desc limit ${window}) n)
         < ${window})`;
  // The window's size is counted in the window's order: an index range of tasks_project_created_idx (without the
  // order, a sequential scan of the table that read other projects' rows until it found `window` of these). The
  // fallback's matches are materialized before their order: with `order by created_at limit` in the same query the planner walked
  // tasks_project_created_idx filtering every row of a 100,000-task account for a word matching none (48 ms, P4)
  // instead of asking the GIN index; a word that takes this path is rare in the window (< cap in `window` rows),
  // so its matches are few to sort.
  const ranked = sql`
    select ${RANKED_SELECT}, r.rank::text
    from (select c.*, (${rank}) as rank from candidates c) r
    ${s.after ? sql`where (r.rank, r.id) ${op} (${ph('afterKey')}::float8, ${ph('afterId')}::uuid)` : sql``}
    order by r.rank ${dir}, r.id ${dir}
    limit ${ph('limit')}${s.offset ? sql` offset ${ph('offset')}` : sql``}`;
  if (s.rare) {
    // An uncommon word: every match through the GIN index (materialized, so the planner does not trade it for an
    // ordered walk of the newest tasks), newest first — the same candidates as below, without looking through the
    // window first.
    const rare = sql`
      with matches as materialized (select ${RANKED_COLUMNS} from tasks where ${base} and ${match}),
      candidates as (select * from matches order by created_at desc, id desc limit ${cap})
      ${ranked}`;
    return { toSQL: () => dialect.sqlToQuery(rare) };
  }
  const query = sql`
    with recent as materialized (
      select * from (
        select ${RANKED_COLUMNS} from tasks where ${base} order by created_at desc, id desc limit ${window}
      ) w where ${match} order by created_at desc, id desc limit ${cap}
    ), matches as materialized (
      select ${RANKED_COLUMNS} from tasks where ${base} and ${match} and not ${recentSuffices}
    ), candidates as (
      select * from recent where ${recentSuffices}
      union all
      (select * from matches order by created_at desc, id desc limit ${cap})
    )
    ${ranked}`;
  return { toSQL: () => dialect.sqlToQuery(query) };
}

/**
 * A page across several projects (P13: a member of 50 projects, 200,000 tasks): for each project, its first
 * `offset + limit` matching rows in the sort's order — an index range of that project's (project_id, sort key, id)
 * index, stopped at the limit — then the merge of those short lists sorted and cut to the page. With
 * `project_id = any(…)` instead, no index gives the order across projects, and the planner read and sorted every
 * task of every project (542 ms p95 at 200,000 tasks). Same filters, same sort keys, same keyset condition, so the
 * rows and the cursor are exactly those of the single-range query.
 */
function lateralListQuery(s: ListShape): { toSQL(): { sql: string; params: unknown[] } } {
  const { expr, type } = sortExpr(s);
  const where = filterConditions(s);
  if (s.after) where.push(keysetCondition(s, expr, type));
  const dir = sql.raw(s.sort.desc ? 'desc' : 'asc');
  // Without an offset each project's page is the page's size: both limits literal when that is (LITERAL_LIMITS).
  const limit = pageLimit(s);
  const perProject = s.literalLimit && !s.offset ? limit : ph('perProject');
  // Two steps: the merge reads only each project's (sort key, id) — from the index alone where it can — and only
  // the page's rows are then read whole. Reading whole rows in the merge fetched and built 50 × (limit + 1) rows
  // to keep 20 of them.
  const query = sql`
    with page as (
      select t.id, t.sort_key
      from (select distinct pid from unnest(${ph('projectIds')}::uuid[]) as u(pid)) as p
      cross join lateral (
        select ${tasks.id}, ${expr} as sort_key from tasks
        where ${and(...where)}
        order by ${expr} ${dir}, ${tasks.id} ${dir}
        limit ${perProject}
      ) t
      order by t.sort_key ${dir}, t.id ${dir}
      limit ${limit}${s.offset ? sql` offset ${ph('offset')}` : sql``}
    )
    select ${LATERAL_SELECT}, (page.sort_key)::text
    from page join tasks t on t.id = page.id
    order by page.sort_key ${dir}, page.id ${dir}`;
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
 * A shape's statement name. PostgreSQL keeps the first 63 bytes of a name, and a shape's key runs longer: two
 * shapes that differ past that byte shared one name, and the second's Parse failed on a connection that had
 * prepared the first ("prepared statement already exists"). The key's digest is one fixed-length name per key.
 */
export const statementName = (key: string) =>
  `tasks_${key.slice(0, key.indexOf('.'))}_${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;

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
    const name = s.q === 'none' ? statementName(key) : undefined;
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

/**
 * The most common lexemes of tasks.search by PostgreSQL's statistics (pg_stats, kept by ANALYZE and autovacuum);
 * null when the column has none yet (rareWords then knows nothing).
 */
export async function commonSearchLexemes(db: DbOrTx): Promise<string[] | null> {
  const rows = await rawExecutor(db)(
    {
      name: undefined,
      text: `select most_common_elems::text::text[] from pg_stats
             where schemaname = current_schema() and tablename = 'tasks' and attname = 'search'`,
    },
    [],
  );
  const found = rows[0]?.[0];
  return Array.isArray(found) ? (found as string[]) : null;
}

/** How many tasks match the filters (the search included). */
export async function countTasks(db: DbOrTx, userId: string, filters: TaskFilters, sort: SortSpec): Promise<number> {
  const s = shapeOf(userId, filters, sort);
  const [row] = await runShape(db, 'count', s, () => buildCountQuery(db, s));
  return Number(row?.[0] ?? 0);
}
