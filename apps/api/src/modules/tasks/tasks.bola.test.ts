import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { drivers, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';
import { createTasksContext } from '../../test/tasks-http';
import { seedTask } from './index';

// Real databases on a shared, busy machine: generous limits, no assertion on speed.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const BASE = '/api/v1/tasks';
/** A valid body per method, or per `method path` where a route needs its own (else validation answers first). */
const BODIES: Record<string, unknown> = {
  patch: { title: 'owned by B now', status: 'completed' },
  put: { title: 'replaced by B' },
  'post /api/v1/tasks/{id}/comments': { body: 'B was here' },
  'patch /api/v1/tasks/{id}/comments/{commentId}': { body: 'B edits' },
};

describe.each(drivers())('tasks access control (BOLA) on %s', (driver) => {
  let ctx: TestContext;
  let a: TestUser;
  let b: TestUser;
  let aTaskIds: string[];

  beforeAll(async () => {
    ctx = await createTasksContext(driver);
    a = await createUser(ctx.platform);
    b = await createUser(ctx.platform);
    aTaskIds = [];
    for (let i = 0; i < 3; i++) {
      aTaskIds.push((await seedTask(ctx.database.db, a.id, { title: `A secret ${i}`, tags: ['secret'] })).id);
    }
    await seedTask(ctx.database.db, b.id, { title: 'B own' });
  });
  afterAll(async () => ctx?.close());

  /** A's whole state as A sees it: tasks and their histories. */
  async function snapshot() {
    const tasks = JSON.parse(
      (await ctx.app.inject({ method: 'GET', url: `${BASE}/export?sort=title`, headers: a.headers })).body,
    );
    const histories = [];
    for (const id of aTaskIds) {
      histories.push(
        (await ctx.app.inject({ method: 'GET', url: `${BASE}/${id}/history`, headers: a.headers })).json(),
      );
    }
    const stats = (await ctx.app.inject({ method: 'GET', url: `${BASE}/stats`, headers: a.headers })).json();
    return { tasks, histories, stats };
  }

  it('every task route with an :id, in every method, answers B with 404 for A ids; A is unchanged', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const idRoutes: Array<[string, string]> = [];
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      if (!path.startsWith(BASE) || !path.includes('{id}')) continue;
      for (const method of Object.keys(item)) {
        if (['get', 'post', 'put', 'patch', 'delete'].includes(method)) idRoutes.push([method, path]);
      }
    }
    // The route table has at least these; new :id routes are covered automatically.
    expect(idRoutes.map(([m, p]) => `${m} ${p}`)).toEqual(
      expect.arrayContaining([
        `get ${BASE}/{id}`,
        `patch ${BASE}/{id}`,
        `put ${BASE}/{id}`,
        `delete ${BASE}/{id}`,
        `get ${BASE}/{id}/history`,
      ]),
    );
    const before = await snapshot();
    for (const id of aTaskIds) {
      for (const [method, path] of idRoutes) {
        const res = await ctx.app.inject({
          method: method.toUpperCase() as 'GET',
          // Other ids in the path (a comment's) get a real-looking one: the task's 404 must come first.
          url: path.replace('{id}', id).replace(/\{\w+\}/g, randomUUID()),
          headers: { ...b.headers, 'if-match': '*', 'if-none-match': '*' },
          ...((BODIES[`${method} ${path}`] ?? BODIES[method])
            ? { payload: (BODIES[`${method} ${path}`] ?? BODIES[method]) as object }
            : {}),
        });
        expect(res.statusCode, `${method} ${path}`).toBe(404);
        expect(res.json().code).toBe('NOT_FOUND');
        expect(res.body).not.toContain('A secret');
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('bulk ignores A ids for B (affected 0), lists, search, export and stats never show A tasks', async () => {
    const before = await snapshot();
    for (const payload of [
      { action: 'update', ids: aTaskIds, patch: { title: 'hijacked' } },
      { action: 'delete', ids: aTaskIds },
    ]) {
      const res = await ctx.app.inject({ method: 'POST', url: `${BASE}/bulk`, headers: b.headers, payload });
      expect(res.statusCode).toBe(200);
      expect(res.json().data.affected).toBe(0);
    }
    for (const qs of ['', '?q=secret', '?tag=secret', '?page=1', '?sort=title&limit=100']) {
      const res = await ctx.app.inject({ method: 'GET', url: `${BASE}${qs}`, headers: b.headers });
      const ids = res.json().data.map((t: { id: string }) => t.id);
      for (const id of aTaskIds) expect(ids).not.toContain(id);
    }
    for (const format of ['csv', 'json']) {
      const res = await ctx.app.inject({ method: 'GET', url: `${BASE}/export?format=${format}`, headers: b.headers });
      expect(res.body).not.toContain('A secret');
    }
    const stats = (await ctx.app.inject({ method: 'GET', url: `${BASE}/stats`, headers: b.headers })).json().data;
    expect(stats.total).toBe(1);
    // A's cursor is refused for B.
    const aPage = (await ctx.app.inject({ method: 'GET', url: `${BASE}?limit=1`, headers: a.headers })).json();
    const cursor = encodeURIComponent(aPage.meta.nextCursor);
    const foreign = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}?limit=1&cursor=${cursor}`,
      headers: b.headers,
    });
    expect(foreign.statusCode).toBe(400);
    expect(await snapshot()).toEqual(before);
  });
});
