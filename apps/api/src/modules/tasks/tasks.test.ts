import { randomUUID } from 'node:crypto';
import { taskSchema } from '@primetrade/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { drivers, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';
import { openTasksSuite, type PostTask } from '../../test/tasks-http';
import { seedTask } from './index';

// Real databases on a shared, busy machine: generous limits, no assertion on speed.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const BASE = '/api/v1/tasks';

describe.each(drivers())('tasks CRUD on %s', (driver) => {
  let ctx: TestContext;
  let alice: TestUser;
  let post: PostTask;
  beforeAll(async () => {
    ({ ctx, alice, post } = await openTasksSuite(driver));
  });
  afterAll(async () => ctx?.close());

  it('needs authentication', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: BASE });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().code).toBe('UNAUTHENTICATED');
  });

  it('creates a task with defaults: 201, Location, ETag, the full shape', async () => {
    const res = await post(alice, { title: '  Write the report  ' });
    expect(res.statusCode).toBe(201);
    const { success, data } = res.json();
    expect(success).toBe(true);
    expect(data).toMatchObject({
      title: 'Write the report',
      description: '',
      status: 'pending',
      priority: 'medium',
      dueDate: null,
      tags: [],
      completedAt: null,
      version: 1,
    });
    // Exactly the fields of the shared Task schema.
    expect(Object.keys(data).sort()).toEqual(Object.keys(taskSchema.shape).sort());
    expect(res.headers.location).toBe(`${BASE}/${data.id}`);
    expect(res.headers.etag).toMatch(/^"[^"]+"$/);
    expect(new Date(data.createdAt).toISOString()).toBe(data.createdAt);
    const got = await ctx.app.inject({ method: 'GET', url: res.headers.location as string, headers: alice.headers });
    expect(got.statusCode).toBe(200);
    expect(got.json().data).toEqual(data);
    expect(got.headers.etag).toBe(res.headers.etag);
  });

  it('normalises tags (trim, lower-case, unique) and refuses more than 10 distinct', async () => {
    const ok = await post(alice, { title: 't', tags: [' Work ', 'work', 'HOME', 'home '] });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().data.tags).toEqual(['work', 'home']);
    const eleven = Array.from({ length: 11 }, (_, i) => `t${i}`);
    const bad = await post(alice, { title: 't', tags: eleven });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('VALIDATION_FAILED');
    const tenWithDupes = [...Array.from({ length: 10 }, (_, i) => `t${i}`), 'T1', ' t2 '];
    expect((await post(alice, { title: 't', tags: tenWithDupes })).statusCode).toBe(201);
    expect((await post(alice, { title: 't', tags: ['x'.repeat(31)] })).statusCode).toBe(400);
    expect((await post(alice, { title: 't', tags: ['  '] })).statusCode).toBe(400);
  });

  it('validates every field with a 400 naming the path', async () => {
    const cases: Array<[unknown, string]> = [
      [{}, 'title'],
      [{ title: '   ' }, 'title'],
      [{ title: 'x'.repeat(201) }, 'title'],
      [{ title: 't', description: 'x'.repeat(5001) }, 'description'],
      [{ title: 't', status: 'done' }, 'status'],
      [{ title: 't', priority: 'critical' }, 'priority'],
      [{ title: 't', dueDate: '2030-02-31T10:00:00Z' }, 'dueDate'],
      [{ title: 't', dueDate: 'tomorrow' }, 'dueDate'],
      [{ title: 't', tags: 'a,b' }, 'tags'],
      [{ title: 'nul\u0000byte' }, 'title'],
      [{ title: 't', description: 'nul\u0000' }, 'description'],
      [{ title: 't', tags: ['a\u0000'] }, ''],
      [{ title: 't', userId: randomUUID() }, ''],
      [{ title: 't', id: randomUUID() }, ''],
      [{ title: 't', version: 7 }, ''],
      [{ title: 't', completedAt: new Date().toISOString() }, ''],
    ];
    for (const [body, path] of cases) {
      const res = await post(alice, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      const problem = res.json();
      expect(problem.code).toBe('VALIDATION_FAILED');
      expect(problem.requestId).toBe(res.headers['x-request-id']);
      if (path) expect(problem.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    const text = await post(alice, 'title=x', { 'content-type': 'text/plain' });
    expect(text.statusCode).toBe(415);
    const badJson = await post(alice, '{"title":', { 'content-type': 'application/json' });
    expect(badJson.statusCode).toBe(400);
  });

  it('allows a due date in the past, and keeps offsets as UTC instants', async () => {
    const res = await post(alice, { title: 'late', dueDate: '2020-01-01T10:00:00+02:00' });
    expect(res.statusCode).toBe(201);
    expect(res.json().data.dueDate).toBe('2020-01-01T08:00:00.000Z');
  });

  it('sets completedAt when created completed', async () => {
    const res = await post(alice, { title: 'done already', status: 'completed' });
    expect(res.statusCode).toBe(201);
    expect(res.json().data.completedAt).not.toBeNull();
  });

  it('completedAt follows status: set on completion, cleared when it leaves', async () => {
    const created = (await post(alice, { title: 'lifecycle' })).json().data;
    const url = `${BASE}/${created.id}`;
    const done = (
      await ctx.app.inject({ method: 'PATCH', url, headers: alice.headers, payload: { status: 'completed' } })
    ).json().data;
    expect(done.completedAt).not.toBeNull();
    const again = (
      await ctx.app.inject({ method: 'PATCH', url, headers: alice.headers, payload: { status: 'completed' } })
    ).json().data;
    expect(again.completedAt).toBe(done.completedAt);
    expect(again.version).toBe(done.version);
    const reopened = (
      await ctx.app.inject({ method: 'PATCH', url, headers: alice.headers, payload: { status: 'in_progress' } })
    ).json().data;
    expect(reopened.completedAt).toBeNull();
    expect(reopened.version).toBe(done.version + 1);
  });

  it('PUT replaces: title required, absent fields take their defaults', async () => {
    const created = (
      await post(alice, {
        title: 'full',
        description: 'd',
        priority: 'urgent',
        tags: ['a'],
        dueDate: '2031-01-01T00:00:00Z',
        status: 'completed',
      })
    ).json().data;
    const url = `${BASE}/${created.id}`;
    const missing = await ctx.app.inject({ method: 'PUT', url, headers: alice.headers, payload: { description: 'x' } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors.map((e: { path: string }) => e.path)).toContain('title');
    const put = await ctx.app.inject({ method: 'PUT', url, headers: alice.headers, payload: { title: 'replaced' } });
    expect(put.statusCode).toBe(200);
    expect(put.json().data).toMatchObject({
      title: 'replaced',
      description: '',
      status: 'pending',
      priority: 'medium',
      tags: [],
      dueDate: null,
      completedAt: null,
      version: 2,
    });
    expect(put.headers.etag).toBeDefined();
    const stale = await ctx.app.inject({
      method: 'PUT',
      url,
      headers: { ...alice.headers, 'if-match': '"stale"' },
      payload: { title: 'again' },
    });
    expect(stale.statusCode).toBe(412);
  });

  it('DELETE: 204, then 404; If-Match mismatch → 412', async () => {
    const created = (await post(alice, { title: 'bye' })).json().data;
    const url = `${BASE}/${created.id}`;
    const stale = await ctx.app.inject({
      method: 'DELETE',
      url,
      headers: { ...alice.headers, 'if-match': '"stale"' },
    });
    expect(stale.statusCode).toBe(412);
    const del = await ctx.app.inject({ method: 'DELETE', url, headers: alice.headers });
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe('');
    expect((await ctx.app.inject({ method: 'GET', url, headers: alice.headers })).statusCode).toBe(404);
    expect((await ctx.app.inject({ method: 'DELETE', url, headers: alice.headers })).statusCode).toBe(404);
    expect((await ctx.app.inject({ method: 'GET', url: `${url}/history`, headers: alice.headers })).statusCode).toBe(
      404,
    );
  });

  it('unknown or malformed ids: 404 / 400, never 500', async () => {
    const unknown = await ctx.app.inject({ method: 'GET', url: `${BASE}/${randomUUID()}`, headers: alice.headers });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('NOT_FOUND');
    for (const bad of ['not-a-uuid', '1', "'%20or%201=1", '%00', 'x'.repeat(150)]) {
      for (const method of ['GET', 'PATCH', 'PUT', 'DELETE'] as const) {
        const res = await ctx.app.inject({
          method,
          url: `${BASE}/${bad}`,
          headers: alice.headers,
          ...(method === 'PATCH' || method === 'PUT' ? { payload: { title: 'x' } } : {}),
        });
        expect([400, 404], `${method} ${bad}`).toContain(res.statusCode);
      }
      const h = await ctx.app.inject({ method: 'GET', url: `${BASE}/${bad}/history`, headers: alice.headers });
      expect([400, 404]).toContain(h.statusCode);
    }
  });

  it('history: one entry per change, newest first, with { from, to } per changed field', async () => {
    const created = (await post(alice, { title: 'h', priority: 'low' })).json().data;
    const url = `${BASE}/${created.id}`;
    await ctx.app.inject({ method: 'PATCH', url, headers: alice.headers, payload: { title: 'h2', priority: 'high' } });
    await ctx.app.inject({ method: 'PATCH', url, headers: alice.headers, payload: { status: 'completed' } });
    await ctx.app.inject({ method: 'PATCH', url, headers: alice.headers, payload: { status: 'pending' } });
    await ctx.app.inject({ method: 'PATCH', url, headers: alice.headers, payload: {} });
    const res = await ctx.app.inject({ method: 'GET', url: `${url}/history`, headers: alice.headers });
    expect(res.statusCode).toBe(200);
    const entries = res.json().data;
    expect(entries.map((e: { type: string }) => e.type)).toEqual(['reopened', 'completed', 'updated', 'created']);
    for (const e of entries) {
      expect(Object.keys(e).sort()).toEqual(['actorId', 'actorName', 'changes', 'createdAt', 'id', 'type']);
    }
    expect(entries[2].changes).toEqual({ title: { from: 'h', to: 'h2' }, priority: { from: 'low', to: 'high' } });
    expect(entries[1].changes.status).toEqual({ from: 'pending', to: 'completed' });
    expect(entries[1].changes.completedAt.from).toBeNull();
    expect(typeof entries[1].changes.completedAt.to).toBe('string');
    expect(entries[0].changes.completedAt.to).toBeNull();
    expect(entries[3].changes.title).toEqual({ from: null, to: 'h' });
  });

  it('the factory writes tasks the API reads', async () => {
    const user = await createUser(ctx.platform);
    const t = await seedTask(ctx.database.db, user.id, { title: 'from factory', status: 'completed' });
    const res = await ctx.app.inject({ method: 'GET', url: `${BASE}/${t.id}`, headers: user.headers });
    expect(res.json().data).toMatchObject({ title: 'from factory', status: 'completed' });
    expect(res.json().data.completedAt).not.toBeNull();
  });
});
