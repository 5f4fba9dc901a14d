/**
 * Saved views (issue 16 item 9): GET|POST /views, PATCH|DELETE /views/:id — 201 + Location, 204, 404 for another
 * user's view, the query validated with GET /tasks's own schema (400 VALIDATION_FAILED), reorder by position with
 * dense positions (also under concurrent moves), and a saved query that loads as a list.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { drivers, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';
import { createTasksContext } from '../../test/tasks-http';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const BASE = '/api/v1/views';

interface View {
  id: string;
  name: string;
  query: string;
  position: number;
}

describe.each(drivers())('saved views on %s', (driver) => {
  let ctx: TestContext;
  let alice: TestUser;
  let bob: TestUser;

  const call = (user: TestUser, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    ctx.app.inject({ method, url, headers: user.headers, ...(payload ? { payload } : {}) });
  const create = async (user: TestUser, payload: object) => {
    const res = await call(user, 'POST', BASE, payload);
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data as View;
  };
  const names = async (user: TestUser) => {
    const res = await call(user, 'GET', BASE);
    expect(res.statusCode).toBe(200);
    const views = res.json().data as View[];
    expect(views.map((v) => v.position)).toEqual(views.map((_, i) => i));
    return views.map((v) => v.name);
  };

  beforeAll(async () => {
    ctx = await createTasksContext(driver);
    alice = await createUser(ctx.platform);
    bob = await createUser(ctx.platform);
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('creates a view: 201, Location, the query kept without its "?", appended at the end', async () => {
    const res = await call(alice, 'POST', BASE, { name: '  Work, urgent first ', query: '?tag=work&sort=-priority' });
    expect(res.statusCode, res.body).toBe(201);
    const view = res.json().data as View;
    expect(res.headers.location).toBe(`${BASE}/${view.id}`);
    expect(view).toMatchObject({ name: 'Work, urgent first', query: 'tag=work&sort=-priority', position: 0 });
    const second = await create(alice, { name: 'Today', query: 'view=today' });
    expect(second.position).toBe(1);
    expect(await names(alice)).toEqual(['Work, urgent first', 'Today']);
    expect(await names(bob)).toEqual([]);
  });

  it('refuses a query GET /tasks would refuse, and paging, with 400 VALIDATION_FAILED', async () => {
    for (const query of [
      'status=done',
      'priority=high&bogus=1',
      'view=someday',
      'sort=colour',
      'limit=0',
      'dueBefore=tomorrow',
      'tag=a&tag=b',
      'cursor=abc',
      'page=2',
    ]) {
      const res = await call(alice, 'POST', BASE, { name: 'Bad', query });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().code, query).toBe('VALIDATION_FAILED');
    }
    for (const name of ['', '   ', 'x'.repeat(61)]) {
      const res = await call(alice, 'POST', BASE, { name, query: '' });
      expect(res.statusCode, name).toBe(400);
    }
    expect((await call(alice, 'POST', BASE, { name: 'x'.repeat(60), query: '' })).statusCode).toBe(201);
    const extra = await call(alice, 'POST', BASE, { name: 'Extra', query: '', colour: 'red' });
    expect(extra.statusCode).toBe(400);
    const [first] = (await call(alice, 'GET', BASE)).json().data as View[];
    const patched = await call(alice, 'PATCH', `${BASE}/${first!.id}`, { query: 'status=nope' });
    expect(patched.statusCode).toBe(400);
    expect((await call(alice, 'PATCH', `${BASE}/${first!.id}`, {})).statusCode).toBe(400);
  });

  it('a saved query loads as a list (GET /tasks?<query> is 200): the same schema judges both', async () => {
    for (const view of (await call(alice, 'GET', BASE)).json().data as View[]) {
      const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/tasks?${view.query}`, headers: alice.headers });
      expect(res.statusCode, view.query).toBe(200);
    }
  });

  it('renames and moves: positions stay 0..n-1 and the others shift', async () => {
    const u = await createUser(ctx.platform);
    const a = await create(u, { name: 'A', query: 'status=pending' });
    const b = await create(u, { name: 'B', query: 'priority=high' });
    const c = await create(u, { name: 'C', query: 'overdue=true' });
    const renamed = await call(u, 'PATCH', `${BASE}/${b.id}`, { name: 'Bee' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json().data).toMatchObject({ name: 'Bee', query: 'priority=high', position: 1 });
    const moved = await call(u, 'PATCH', `${BASE}/${c.id}`, { position: 0 });
    expect(moved.json().data.position).toBe(0);
    expect(await names(u)).toEqual(['C', 'A', 'Bee']);
    await call(u, 'PATCH', `${BASE}/${c.id}`, { position: 99 }); // clamped to the end
    expect(await names(u)).toEqual(['A', 'Bee', 'C']);
    await create(u, { name: 'First', query: '', position: 0 });
    expect(await names(u)).toEqual(['First', 'A', 'Bee', 'C']);
    const del = await call(u, 'DELETE', `${BASE}/${a.id}`);
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe('');
    expect(await names(u)).toEqual(['First', 'Bee', 'C']);
    expect((await call(u, 'DELETE', `${BASE}/${a.id}`)).statusCode).toBe(404);
  });

  it("another user's view is 404 on PATCH and DELETE, and unchanged", async () => {
    const view = await create(alice, { name: 'Mine', query: 'tag=mine' });
    for (const res of [
      await call(bob, 'PATCH', `${BASE}/${view.id}`, { name: 'Stolen' }),
      await call(bob, 'PATCH', `${BASE}/${view.id}`, { position: 0 }),
      await call(bob, 'DELETE', `${BASE}/${view.id}`),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('NOT_FOUND');
    }
    expect(await names(alice)).toContain('Mine');
    expect((await call(bob, 'PATCH', `${BASE}/not-a-uuid`, { name: 'x' })).statusCode).toBe(400);
  });

  it('needs a session', async () => {
    expect((await ctx.app.inject({ method: 'GET', url: BASE })).statusCode).toBe(401);
  });

  it('concurrent moves and creates never duplicate or lose a position', async () => {
    const u = await createUser(ctx.platform);
    const views: View[] = [];
    for (const n of ['1', '2', '3', '4', '5']) views.push(await create(u, { name: n, query: '' }));
    await Promise.all([
      ...views.map((v, i) => call(u, 'PATCH', `${BASE}/${v.id}`, { position: (i * 3) % 5 })),
      call(u, 'POST', BASE, { name: '6', query: '', position: 2 }),
      call(u, 'POST', BASE, { name: '7', query: '' }),
    ]);
    const after = await names(u); // asserts dense positions
    expect([...after].sort()).toEqual(['1', '2', '3', '4', '5', '6', '7']);
  });
});
