/**
 * Query plans of the project-scoped reads on PostgreSQL (issue 15 item 1): the cross-project task list
 * (`project_id = any(<the caller's projects>)`) and the caller's project list are answered by indexes that lead
 * with project_id / user_id, never a sequential scan — for a user in 50 projects among many others' tasks.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestContext, drivers, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';
import { listQuery } from '../tasks';
import { projectViewsQuery } from './index';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 600_000 });

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

describe.each(drivers().filter((d) => d === 'postgres'))('project query plans on %s', (driver) => {
  let ctx: TestContext;
  let member: TestUser;
  let projectIds: string[];

  async function explain(query: { sql: string; params: unknown[] }, table: string): Promise<string> {
    const res = await ctx.database.pool!.query(`explain (format json) ${query.sql}`, query.params as unknown[]);
    const nodes: PlanNode[] = [];
    const walk = (n: PlanNode) => {
      nodes.push(n);
      for (const c of n.Plans ?? []) walk(c);
    };
    walk(res.rows[0]['QUERY PLAN'][0].Plan as PlanNode);
    const seq = nodes.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === table);
    expect(seq, query.sql.slice(0, 200)).toEqual([]);
    return nodes.map((n) => `${n['Node Type']}:${n['Index Name'] ?? ''}`).join(' | ');
  }

  beforeAll(async () => {
    ctx = await createTestContext(driver);
    member = await createUser(ctx.platform);
    const { connectionString } = ctx.database.pool!.options as { connectionString: string };
    const c = new pg.Client({ connectionString });
    await c.connect();
    try {
      // 200 other users with 300 tasks each in their inboxes; 50 shared projects of 10 members with 400 tasks each.
      await c.query(
        `insert into users (email, name, password_hash)
         select 'other-' || i || '@example.test', 'o', 'x' from generate_series(1, 200) i`,
      );
      await c.query(
        `insert into tasks (user_id, project_id, title, created_at)
         select p.inbox_of, p.id, 'inbox ' || g, now() - g * interval '1 minute'
         from projects p join users u on u.id = p.inbox_of and u.email like 'other-%',
              generate_series(1, 300) g`,
      );
      const made = await c.query(
        `insert into projects (name) select 'shared ' || i from generate_series(1, 50) i returning id`,
      );
      projectIds = made.rows.map((r) => r.id);
      await c.query(
        `insert into project_members (project_id, user_id, role)
         select p, $1, 'editor' from unnest($2::uuid[]) p`,
        [member.id, projectIds],
      );
      await c.query(
        `insert into project_members (project_id, user_id, role)
         select p, u.id, 'viewer' from unnest($1::uuid[]) p,
           lateral (select id from users where email like 'other-%' order by md5(id::text || p::text) limit 9) u`,
        [projectIds],
      );
      await c.query(
        `insert into tasks (user_id, project_id, title, status, created_at)
         select $1, p, 'shared ' || g, (array['pending','in_progress','completed','cancelled'])[1 + g % 4],
                now() - g * interval '1 minute'
         from unnest($2::uuid[]) p, generate_series(1, 400) g`,
        [member.id, projectIds],
      );
      await c.query('vacuum analyze tasks');
      await c.query('analyze projects');
      await c.query('analyze project_members');
    } finally {
      await c.end();
    }
  });
  afterAll(async () => ctx?.close());

  it('the plan checker sees a sequential scan when there is one', async () => {
    await expect(
      explain({ sql: 'select * from tasks where description = $1', params: ['x'] }, 'tasks'),
    ).rejects.toThrow();
  });

  it('the cross-project list uses the project_id-led indexes (default sort, status filter, a keyset page)', async () => {
    const base = { userId: member.id, limit: 21 } as const;
    const all = [...projectIds];
    const plan = await explain(
      listQuery(ctx.database.db, {
        ...base,
        filters: { projectIds: all },
        sort: { field: 'createdAt', desc: true },
      }).toSQL(),
      'tasks',
    );
    // Fifty projects: the planner reads the projects' rows through a project_id-led index (a btree range per
    // project, or a bitmap of the btree_gin one) and keeps the newest 21 (top-N sort) — never the whole table.
    expect(plan).toMatch(/Index[^|]*:tasks_project_\w+/);
    process.stdout.write(`cross-project list plan: ${plan}\n`);
    const status = await explain(
      listQuery(ctx.database.db, {
        ...base,
        filters: { projectIds: all, status: ['pending'] },
        sort: { field: 'createdAt', desc: true },
      }).toSQL(),
      'tasks',
    );
    expect(status).toMatch(/Index[^|]*:tasks_project_\w+/);
    const one = await explain(
      listQuery(ctx.database.db, {
        ...base,
        filters: { projectIds: [all[0] as string] },
        sort: { field: 'createdAt', desc: true },
        after: { key: new Date(Date.now() - 100 * 60_000).toISOString(), id: member.id },
      }).toSQL(),
      'tasks',
    );
    expect(one).toContain('tasks_project_created_idx');
    expect(one).not.toContain('Sort:');
  });

  it("the caller's project list reads memberships by user (project_members_user_idx)", async () => {
    const plan = await explain(projectViewsQuery(ctx.database.db, member.id), 'project_members');
    expect(plan).toContain('project_members_user_idx');
  });
});

describe('project query plans', () => {
  it('run on PostgreSQL when TEST_DATABASE_URL is set', () => {
    expect(drivers()).toContain('pglite');
  });
});
