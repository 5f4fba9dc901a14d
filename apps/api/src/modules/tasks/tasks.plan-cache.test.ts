/**
 * The prepared list statement settles on one generic plan (issue 20 item 1; bench P1 and P12). A named statement
 * is planned again on each execution for as long as PostgreSQL's plan cache finds its generic plan dearer than
 * the custom ones; with `limit $n` the generic plan is costed for 10 % of the project's rows, so on a project of
 * a few thousand tasks that was every execution (PGlite: a fstat for the table and each index, P12's profile).
 * The product's page sizes are written into the statement (LITERAL_LIMITS in tasks.list.repo.ts): after the
 * cache's five custom trials the generic plan is used. Counted from pg_prepared_statements in the session that
 * ran the statement, on both drivers. A page size outside the list keeps the parameter — the planted fault: its
 * statement is still planned every time (0 generic plans), which is what this test would see without the literal.
 * A large project among many (a project in the column's statistics, bench P3's 12,000-task account): a page's
 * values are InitPlans (planValue), so its custom plans are costed like the generic one and the cache keeps the
 * generic plan — page 1 and a keyset page. Planted: the same statement with the values shown to the planner is
 * planned on every execution (0 generic plans), what the API did before.
 * A shape's statement name fits PostgreSQL's 63 bytes: two shapes whose keys differ only past byte 63 once shared a
 * name, and the second failed to prepare on a connection that had the first (shown on one connection here).
 * The one-task read (GET /tasks/:id, a task's history) is a named statement too on PostgreSQL: the names node-postgres
 * is given show it (planted: the general path sends it unnamed, and the test fails).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rawExecutor } from '../../infra/db/client';
import { runMigrations } from '../../infra/db/migrate';
import { testConfig } from '../../config';
import { createTestContext, type Driver, drivers, freshPostgres, type TestContext } from '../../test/context';
import { createUser } from '../../test/factories';
import { POSITION_BEFORE } from './tasks.board.repo';
import { listQuery, listTasks, statementName } from './tasks.list.repo';
import { findTaskById, findTasksById } from './tasks.repo';
import { STATS_SQL } from './tasks.stats.repo';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const TASKS = 3000;
const RUNS = 8;
const NO_TASK = '00000000-0000-0000-0000-000000000000';

type Statement = { sql: string; params: unknown[] };

/**
 * A test context, a user and their inbox; `seeds` run in order ($1 the user, $2 the inbox when a seed uses it), then
 * `analyze tasks`, in the session runNamedIn uses (a pool client kept aside on PostgreSQL; PGlite has one session).
 */
async function openSession(driver: Driver, seeds: string[]) {
  const ctx = await createTestContext(driver);
  const userId = (await createUser(ctx.platform)).id;
  const projectId = await ctx.modules.projects.policy.inboxId(userId);
  const client = ctx.database.pglite ? undefined : await ctx.database.pool?.connect();
  const run = (text: string, params: unknown[] = []) =>
    client ? client.query(text, params) : ctx.database.pglite?.query(text, params);
  for (const seed of seeds) await run(seed, seed.includes('$2') ? [userId, projectId] : [userId]);
  await run('analyze tasks');
  return { ctx, userId, projectId, client };
}

/** A session (openSession) opened before a describe's tests and closed after them. */
function planSession(driver: Driver, seeds: string[]) {
  const s = {} as Awaited<ReturnType<typeof openSession>>;
  beforeAll(async () => {
    Object.assign(s, await openSession(driver, seeds));
  });
  afterAll(async () => {
    s.client?.release();
    await s.ctx?.close();
  });
  return s;
}

/**
 * Runs `q` RUNS times as the named statement `name` in one session (`client` on PostgreSQL, PGlite's only one),
 * then reads its plan counts from pg_prepared_statements in that session; its last rows too.
 */
async function runNamedIn(ctx: TestContext, client: pg.PoolClient | undefined, name: string, q: Statement) {
  let rows: unknown[][] = [];
  for (let i = 0; i < RUNS; i++) {
    rows = client
      ? (await client.query({ name, text: q.sql, values: q.params, rowMode: 'array' })).rows
      : await rawExecutor(ctx.database.db)({ name, text: q.sql }, q.params);
  }
  const countsSql =
    'select generic_plans::int as g, custom_plans::int as c from pg_prepared_statements where name = $1';
  const counts = client
    ? (await client.query(countsSql, [name])).rows[0]
    : (await ctx.database.pglite?.query<{ g: number; c: number }>(countsSql, [name]))?.rows[0];
  return { rows, generic: Number(counts?.g), custom: Number(counts?.c) };
}

describe.each(drivers())('the list statement and the plan cache on %s', (driver) => {
  const s = planSession(driver, [
    `insert into tasks (user_id, project_id, title, created_at)
        select $1::uuid, $2::uuid, 'plan ' || g, now() - g * interval '1 minute' from generate_series(1, ${TASKS}) g`,
  ]);

  /** Runs the first page's statement RUNS times as one named statement; its plan counts and its last rows. */
  async function runNamed(limit: number) {
    const q = listQuery(s.ctx.database.db, {
      userId: s.userId,
      filters: { projectIds: [s.projectId] },
      sort: { field: 'createdAt', desc: true },
      limit,
    }).toSQL();
    return { sql: q.sql, ...(await runNamedIn(s.ctx, s.client, `plan_cache_test_${limit}`, q)) };
  }

  it('a page of the default size (20 + the look-ahead row) is planned five times, then runs its generic plan', async () => {
    const page = await runNamed(21);
    expect(page.rows).toHaveLength(21);
    expect(page.custom).toBeLessThanOrEqual(5);
    expect(page.generic).toBeGreaterThanOrEqual(RUNS - 5);
    expect(page.sql).toMatch(/ limit 21$/);
  });

  it('a page size outside the list keeps `limit $n`, and is planned on every execution (the planted fault)', async () => {
    const odd = await runNamed(22);
    expect(odd.sql).toMatch(/ limit \$\d+$/);
    expect(odd.rows).toHaveLength(22);
    expect(odd.generic).toBe(0);
    expect(odd.custom).toBe(RUNS);
    // The same rows either way.
    const page = await runNamed(21);
    expect(page.rows).toEqual(odd.rows.slice(0, 21));
  });
});

describe.each(drivers())('a large project among many: its pages keep a generic plan on %s', (driver) => {
  const s = planSession(driver, [
    `insert into tasks (user_id, project_id, title, created_at)
        select $1::uuid, $2::uuid, 'large ' || g, now() - g * interval '1 minute' from generate_series(1, ${TASKS}) g`,
    // 40 small projects of 10 tasks: the large one is the column's most common value, the average far smaller.
    `with p as (insert into projects (name) select 'small ' || g from generate_series(1, 40) g returning id)
        insert into tasks (user_id, project_id, title)
        select $1::uuid, p.id, 'small ' || g from p, generate_series(1, 10) g`,
  ]);

  const runNamed = (name: string, q: Statement) => runNamedIn(s.ctx, s.client, name, q);

  /** The statement with its values shown to the planner: `(select $n::type)` → `$n::type`. */
  const shown = (q: Statement) => ({
    sql: q.sql.replace(/\(select (\$\d+::\w+)\)/g, '$1'),
    params: q.params,
  });

  it.each([
    ['page 1', false],
    ['a keyset page 1,000 tasks deep', true],
  ])('%s: five custom plans, then the generic one; shown its values, planned every time', async (label, deep) => {
    const sort = { field: 'createdAt', desc: true } as const;
    let after: { key: string | null; id: string } | undefined;
    if (deep) {
      const walk = await listTasks(s.ctx.database.db, {
        userId: s.userId,
        filters: { projectIds: [s.projectId] },
        sort,
        limit: 1000,
      });
      const last = walk.tasks.at(-1);
      after = { key: walk.sortKeys.at(-1) ?? null, id: last?.id ?? '' };
    }
    const q = listQuery(s.ctx.database.db, {
      userId: s.userId,
      filters: { projectIds: [s.projectId] },
      sort,
      limit: 21,
      after,
    }).toSQL();
    expect(q.sql).toContain('(select $');
    const hidden = await runNamed(`large_${deep}`, q);
    expect(hidden.rows).toHaveLength(21);
    expect(hidden.custom, label).toBeLessThanOrEqual(5);
    expect(hidden.generic, label).toBeGreaterThanOrEqual(RUNS - 5);
    // The planted fault: the same statement, its values visible to the planner.
    const visible = await runNamed(`large_shown_${deep}`, shown(q));
    expect(visible.rows).toEqual(hidden.rows);
    expect(visible.generic, label).toBe(0);
    expect(visible.custom, label).toBe(RUNS);
  });

  it('the stats statement: its projects hidden, the generic plan is kept; shown, planned every time', async () => {
    const smallSql = "select project_id::text as id from tasks where title = 'small 1' limit 1";
    const small = s.client
      ? (await s.client.query(smallSql)).rows[0].id
      : (await s.ctx.database.pglite?.query<{ id: string }>(smallSql))?.rows[0]?.id;
    expect(STATS_SQL).toContain('(select $1::uuid[])::uuid[]');
    const results: Record<string, { generic: number; custom: number }> = {};
    for (const [label, project] of [
      ['large', s.projectId],
      ['small', small],
    ]) {
      const params = [[project], s.userId];
      const hidden = await runNamed(`stats_${label}`, { sql: STATS_SQL, params });
      const visible = await runNamed(`stats_shown_${label}`, {
        sql: STATS_SQL.replaceAll('(select $1::uuid[])::uuid[]', '$1::uuid[]'),
        params,
      });
      // The same figures either way.
      expect(visible.rows).toEqual(hidden.rows);
      results[label as string] = { generic: hidden.generic, custom: hidden.custom };
      results[`${label}, shown`] = { generic: visible.generic, custom: visible.custom };
    }
    expect(results).toEqual({
      large: { generic: RUNS - 5, custom: 5 },
      small: { generic: RUNS - 5, custom: 5 },
      'large, shown': { generic: expect.any(Number), custom: expect.any(Number) },
      'small, shown': { generic: 0, custom: RUNS },
    });
  });

  it("POST's column-end read (positionBefore): a literal limit, the generic plan kept; `limit $n`, planned every time", async () => {
    const q = { sql: POSITION_BEFORE.text, params: [s.projectId, 'pending', NO_TASK, '~'] };
    expect(q.sql).toMatch(/ limit 1$/);
    const literal = await runNamed('position_before', q);
    // The planted fault, what the API sent before: the limit as a parameter (Drizzle's way with a number).
    const param = await runNamed('position_before_param', {
      sql: q.sql.replace(/ limit 1$/, ` limit $${q.params.length + 1}`),
      params: [...q.params, 1],
    });
    expect(param.rows).toEqual(literal.rows);
    expect({ literal: [literal.generic, literal.custom], param: [param.generic, param.custom] }).toEqual({
      literal: [RUNS - 5, 5],
      param: [0, RUNS],
    });
  });

  it('a filtered page (its plan depends on the values) shows them to the planner', () => {
    const q = listQuery(s.ctx.database.db, {
      userId: s.userId,
      filters: { projectIds: [s.projectId], tag: 'x' },
      sort: { field: 'createdAt', desc: true },
      limit: 21,
    }).toSQL();
    expect(q.sql).not.toContain('(select $');
  });
});

describe.each(drivers().filter((d) => d === 'postgres'))('statement names on %s', () => {
  it('two shapes whose keys differ only past 63 bytes get two names, and both prepare on one connection', async () => {
    const fresh = await freshPostgres(testConfig().testDatabaseUrl as string, 1);
    try {
      await runMigrations(fresh.database);
      const sort = { field: 'createdAt', desc: true } as const;
      const userId = '00000000-0000-4000-8000-000000000001';
      const filters = { projectIds: ['00000000-0000-4000-8000-000000000002'], view: 'upcoming' as const };
      // The keys as the old names wrote them: the same first 63 bytes (what PostgreSQL keeps of a name).
      const oldName = (limit: number) => `tasks_list_createdAt_d_none_any_upcoming_00000000_one_0_any_0_0_${limit}`;
      expect(oldName(21).slice(0, 63)).toBe(oldName(101).slice(0, 63));
      const c = await fresh.database.pool?.connect();
      try {
        await c?.query({ name: oldName(21), text: 'select 1' });
        await expect(c?.query({ name: oldName(101), text: 'select 2' })).rejects.toMatchObject({ code: '42P05' });
      } finally {
        c?.release();
      }
      // The API's names: one pool connection runs both pages.
      for (const limit of [20, 100, 20]) {
        const page = await listTasks(fresh.database.db, { userId, filters, sort, limit });
        expect(page.tasks).toEqual([]);
      }
      expect(statementName('list.a.long.key').length).toBeLessThanOrEqual(63);
    } finally {
      await fresh.drop();
    }
  });
});

describe.each(drivers().filter((d) => d === 'postgres'))('the one-task read on %s', (driver) => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext(driver);
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await ctx?.close();
  });

  /** The statement names node-postgres was given while `fn` ran (unnamed: undefined). */
  async function namesSent(fn: () => Promise<unknown>): Promise<Array<string | undefined>> {
    const names: Array<string | undefined> = [];
    const original = pg.Client.prototype.query;
    const spy = vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (
      this: pg.Client,
      ...args: unknown[]
    ) {
      const config = args[0];
      names.push(typeof config === 'object' && config ? (config as { name?: string }).name : undefined);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof pg.Client.prototype.query);
    try {
      await fn();
    } finally {
      spy.mockRestore();
    }
    return names;
  }

  it('GET /tasks/:id reads the task with a named (prepared) statement, and the API answers it', async () => {
    const user = await createUser(ctx.platform);
    const made = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: { authorization: `Bearer ${user.accessToken}` },
      payload: { title: 'one task' },
    });
    const id = made.json().data.id as string;
    let status = 0;
    const names = await namesSent(async () => {
      const res = await ctx.app.inject({
        method: 'GET',
        url: `/api/v1/tasks/${id}`,
        headers: { authorization: `Bearer ${user.accessToken}` },
      });
      status = res.statusCode;
      expect(res.json().data).toMatchObject({ id, title: 'one task' });
    });
    expect(status).toBe(200);
    expect(names).toContain('tasks_find_by_id');
    // The same read through the general path (a transaction's, or before): unnamed — what this test tells apart.
    const general = await namesSent(() => findTasksById(ctx.database.db, [id]));
    expect(general).not.toContain('tasks_find_by_id');
    expect(general.every((n) => n === undefined)).toBe(true);
    // Both paths read the same row.
    expect(await findTaskById(ctx.database.db, id)).toEqual((await findTasksById(ctx.database.db, [id]))[0]);
  });
});
