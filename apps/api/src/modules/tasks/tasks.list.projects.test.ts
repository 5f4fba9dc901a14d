/**
 * The cross-project list (P13): a page across several projects is merged from per-project pages (scope
 * 'lateral' in tasks.list.repo.ts). It must return exactly what one range over every project returns — same
 * rows, same order, same sort keys (the cursor) — for every sort, both directions, the filters, keyset and offset
 * pages, with ties on the sort key across projects. The oracle is the single-range query (`merge: false`).
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { projects } from '../../infra/db/schema/projects';
import { drivers, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';
import { createTasksContext } from '../../test/tasks-http';
import { type ListParams, listQuery, listTasks } from './tasks.list.repo';
import type { SortSpec, TaskFilters } from './tasks.search';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

describe.each(drivers())('the cross-project list on %s', (driver) => {
  let ctx: TestContext;
  let u: TestUser;
  let projectIds: string[] = [];

  beforeAll(async () => {
    ctx = await createTasksContext(driver);
    u = await createUser(ctx.platform);
    for (const name of ['A', 'B', 'C']) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/projects',
        headers: u.headers,
        payload: { name },
      });
      expect(res.statusCode, res.body).toBe(201);
      projectIds.push(res.json().data.id);
    }
    // 90 tasks over 3 projects (+ the inbox, empty), with ties across projects on every sort key: created_at and
    // updated_at repeat every 10 tasks, titles every 7, due dates every 5 (and a third without one), priorities,
    // unplaced board positions, tags, subtasks' parents left null.
    await ctx.database.db.execute(sql`
      insert into tasks (user_id, project_id, title, status, priority, due_date, tags, position, created_at, updated_at)
      select ${u.id}::uuid, (${`{${projectIds.join(',')}}`}::uuid[])[1 + g % 3],
             'task ' || (g % 7),
             (array['pending','in_progress','completed','cancelled'])[1 + (g / 3) % 4],
             (array['low','medium','high','urgent'])[1 + (g / 2) % 4],
             case when g % 3 = 0 then null else now() + ((g % 5) - 2) * interval '1 day' end,
             array['t' || (g % 4)],
             case when g % 4 = 0 then null else 'a' || lpad(g::text, 3, '0') end,
             now() - (g % 10) * interval '1 hour', now() - (g % 10) * interval '1 minute'
      from generate_series(1, 90) g`);
    projectIds = [...projectIds, (await inbox(u.id)) as string];
  });
  afterAll(async () => ctx?.close());

  async function inbox(userId: string): Promise<string | undefined> {
    const [row] = await ctx.database.db.select({ id: projects.id }).from(projects).where(eq(projects.inboxOf, userId));
    return row?.id;
  }

  /** Every page of a keyset walk (limit 7), as [id, sortKey] pairs. */
  async function walk(filters: TaskFilters, sort: SortSpec, merge: boolean): Promise<Array<[string, string | null]>> {
    const out: Array<[string, string | null]> = [];
    let after: ListParams['after'];
    for (let i = 0; i < 100; i++) {
      const page = await listTasks(ctx.database.db, {
        userId: u.id,
        filters: { ...filters, projectIds },
        sort,
        limit: 7,
        after,
        merge,
      });
      page.tasks.forEach((t, j) => {
        out.push([t.id, page.sortKeys[j] ?? null]);
      });
      if (page.tasks.length < 7) return out;
      const last = page.tasks[6];
      after = { key: page.sortKeys[6] ?? null, id: last?.id as string };
    }
    throw new Error('the walk did not end');
  }

  const sorts: SortSpec['field'][] = ['createdAt', 'updatedAt', 'dueDate', 'priority', 'title', 'position'];
  const filterSets: TaskFilters[] = [
    {},
    { status: ['pending'] },
    { status: ['in_progress', 'completed'], priority: ['high', 'urgent'] },
    { tag: 't1' },
    { overdue: true },
    { overdue: false, parentId: 'none' },
    { dueAfter: new Date().toISOString() },
  ];

  it('is the merged query for a page over several projects, and the single range otherwise', () => {
    const sqlOf = (p: Partial<ListParams>) =>
      listQuery(ctx.database.db, {
        userId: u.id,
        filters: { projectIds },
        sort: { field: 'createdAt', desc: true },
        limit: 21,
        ...p,
      }).toSQL().sql;
    expect(sqlOf({})).toContain('cross join lateral');
    expect(sqlOf({ merge: false })).not.toContain('lateral');
    expect(sqlOf({ filters: { projectIds: [projectIds[0] as string] } })).not.toContain('lateral');
    expect(sqlOf({ filters: { projectIds, q: 'task' } })).not.toContain('lateral');
    expect(sqlOf({ offset: 2000 })).not.toContain('lateral');
  });

  it('walks every sort, both directions, every filter: the same rows, order and cursor keys as one range', async () => {
    let compared = 0;
    for (const field of sorts) {
      for (const desc of [false, true]) {
        for (const filters of filterSets) {
          const sort = { field, desc };
          const merged = await walk(filters, sort, true);
          const single = await walk(filters, sort, false);
          expect(merged, JSON.stringify({ sort, filters })).toEqual(single);
          if (Object.keys(filters).length === 0) expect(merged).toHaveLength(90);
          compared += merged.length;
        }
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it('offset pages are the same as one range (page 1, a middle page, past the end)', async () => {
    for (const field of sorts) {
      for (const offset of [0, 14, 84, 91]) {
        const sort = { field, desc: field !== 'title' };
        const p = { userId: u.id, filters: { projectIds }, sort, limit: 7, offset };
        const merged = await listTasks(ctx.database.db, p);
        const single = await listTasks(ctx.database.db, { ...p, merge: false });
        expect(
          merged.tasks.map((t) => t.id),
          `${field} offset ${offset}`,
        ).toEqual(single.tasks.map((t) => t.id));
        expect(merged.tasks).toEqual(single.tasks);
      }
    }
  });

  it('GET /tasks walks every task of every project once with the cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { statusCode: number; body: string; json(): unknown } = await ctx.app.inject({
        method: 'GET',
        url: `/api/v1/tasks?limit=13&sort=title${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        headers: u.headers,
      });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as { data: { id: string }[]; meta: { nextCursor: string | null } };
      seen.push(...body.data.map((t) => t.id));
      cursor = body.meta.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(90);
    expect(new Set(seen).size).toBe(90);
  });
});
