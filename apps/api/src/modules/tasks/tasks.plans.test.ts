/**
 * Query plans on a realistic table: list, overdue, search, tag and stats must be answered by their indexes
 * (never a sequential scan of tasks). On PostgreSQL (the production server); PGlite shares the SQL and runs
 * the behaviour suites.
 */
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestContext, drivers, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';
import { type ListParams, listQuery } from './tasks.list.repo';
import { statsQuery } from './tasks.stats.repo';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 600_000 });

const dialect = new PgDialect({ casing: 'snake_case' });

describe.each(drivers().filter((d) => d === 'postgres'))('task query plans on %s (60,000 tasks)', (driver) => {
  let ctx: TestContext;
  let normal: TestUser;
  let heavy: TestUser;

  interface PlanNode {
    'Node Type': string;
    'Relation Name'?: string;
    'Index Name'?: string;
    Plans?: PlanNode[];
  }
  /** The plan as text (for index names) after checking that no node scans tasks sequentially. */
  async function explain(query: { sql: string; params: unknown[] }): Promise<string> {
    const pool = ctx.database.pool;
    if (!pool) throw new Error('postgres expected');
    const res = await pool.query(`explain (format json) ${query.sql}`, query.params as unknown[]);
    const root = res.rows[0]['QUERY PLAN'][0].Plan as PlanNode;
    const nodes: PlanNode[] = [];
    const walk = (n: PlanNode) => {
      nodes.push(n);
      for (const c of n.Plans ?? []) walk(c);
    };
    walk(root);
    const seq = nodes.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'tasks');
    expect(seq, query.sql.slice(0, 200)).toEqual([]);
    return nodes.map((n) => `${n['Node Type']}:${n['Index Name'] ?? ''}`).join(' | ');
  }
  const explainList = (p: ListParams) => explain(listQuery(ctx.database.db, p).toSQL());

  it('the plan checker sees a sequential scan when there is one', async () => {
    await expect(explain({ sql: 'select * from tasks where description = $1', params: ['x'] })).rejects.toThrow();
  });

  beforeAll(async () => {
    ctx = await createTestContext(driver);
    normal = await createUser(ctx.platform);
    heavy = await createUser(ctx.platform);
    if (!ctx.database.pool) throw new Error('postgres expected');
    // Bulk loading on a busy machine may outlast the pool's timeouts: a separate connection without them.
    const { connectionString } = ctx.database.pool.options as { connectionString: string };
    const pool = new pg.Client({ connectionString });
    await pool.connect();
    try {
      // 49 filler users and the normal user with 1,000 tasks each, the heavy user with 10,000: one INSERT.
      await pool.query(
        `insert into users (email, name, password_hash)
       select 'filler-' || i || '@example.test', 'filler', 'x' from generate_series(1, 49) i`,
      );
      await pool.query(
        `insert into tasks (user_id, title, description, status, priority, due_date, tags, completed_at, created_at)
       select u.id,
              case when g % 250 = 0 then 'quarterly budget review ' || g else 'task ' || g || ' ' || md5(g::text) end,
              'notes ' || md5((g * 7)::text),
              (array['pending','in_progress','completed','cancelled'])[1 + g % 4],
              (array['low','medium','high','urgent'])[1 + (g / 4) % 4],
              case when g % 3 = 0 then null else now() + ((g % 200) - 100) * interval '1 day' end,
              array['tag' || (g % 50)],
              case when g % 4 = 2 then now() - (g % 30) * interval '1 day' else null end,
              now() - g * interval '1 minute'
       from (select id, case when id = $2 then 10000 else 1000 end as n
             from users where email like 'filler-%' or id = $1 or id = $2) u,
            lateral generate_series(1, u.n) g`,
        [normal.id, heavy.id],
      );
      await pool.query('vacuum analyze tasks');
      const { rows } = await pool.query('select count(*)::int as n from tasks');
      expect(rows[0].n).toBe(60_000);
    } finally {
      await pool.end();
    }
  });
  afterAll(async () => ctx?.close());

  const base = { filters: {}, limit: 21 } as const;

  it('the default list and every sort use their (user_id, ...) index; a deep keyset page too', async () => {
    for (const [user, idx] of [
      [normal, 'tasks_user_created_idx'],
      [heavy, 'tasks_user_created_idx'],
    ] as const) {
      const plan = await explainList({ ...base, userId: user.id, sort: { field: 'createdAt', desc: true } });
      expect(plan).toContain(idx);
    }
    const deep = await explainList({
      ...base,
      userId: heavy.id,
      sort: { field: 'createdAt', desc: true },
      after: { key: new Date(Date.now() - 9000 * 60_000).toISOString(), id: heavy.id },
    });
    expect(deep).toContain('tasks_user_created_idx');
    expect(deep).not.toContain('Sort:');
    for (const [field, idx] of [
      ['updatedAt', 'tasks_user_updated_idx'],
      ['dueDate', 'tasks_user_due_idx'],
      ['priority', 'tasks_user_priority_idx'],
      ['title', 'tasks_user_title_idx'],
    ] as const) {
      const plan = await explainList({ ...base, userId: heavy.id, sort: { field, desc: false } });
      expect(plan, field).toContain(idx);
    }
  });

  it('status filters, overdue, tag and search use their indexes', async () => {
    const status = await explainList({
      ...base,
      userId: normal.id,
      filters: { status: ['pending'] },
      sort: { field: 'createdAt', desc: true },
    });
    expect(status).toMatch(/tasks_user_status_created_idx|tasks_user_created_idx/);

    const overdue = await explainList({
      ...base,
      userId: normal.id,
      filters: { overdue: true },
      sort: { field: 'dueDate', desc: false },
    });
    expect(overdue).toMatch(/tasks_user_active_due_idx|tasks_user_due_idx/);

    await explainList({
      ...base,
      userId: normal.id,
      filters: { tag: 'tag7' },
      sort: { field: 'createdAt', desc: true },
    });

    for (const q of ['quarterly', 'quartely budget', 'budg']) {
      for (const user of [normal, heavy]) {
        const plan = await explainList({
          ...base,
          userId: user.id,
          filters: { q },
          sort: { field: 'rank', desc: true },
        });
        expect(plan, q).toContain('tasks_user_search_idx');
        const typo = await explainList({
          ...base,
          userId: user.id,
          filters: { q, searchMode: 'typo' },
          sort: { field: 'rank', desc: true },
        });
        expect(typo, q).toContain('tasks_user_title_trgm_idx');
      }
    }
  });

  it('stats are aggregates answered by indexes, for a normal and a heavy user', async () => {
    for (const user of [normal, heavy]) {
      const plan = await explain(dialect.sqlToQuery(statsQuery(user.id, 'Europe/Paris')));
      expect(plan).toContain('tasks_user_active_due_idx');
      expect(plan).toContain('tasks_user_completed_idx');
      expect(plan).toMatch(/tasks_user_status_created_idx/);
      expect(plan).toMatch(/tasks_user_priority_idx/);
    }
  });
});

describe('task query plans', () => {
  it('run on PostgreSQL when TEST_DATABASE_URL is set', () => {
    expect(drivers()).toContain('pglite');
  });
});
