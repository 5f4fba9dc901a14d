import { randomUUID } from 'node:crypto';
import { taskSchema } from '@primetrade/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { drivers, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';
import { createTasksContext } from '../../test/tasks-http';
import { parseCsv } from './tasks.csv';
import { seedTask } from './index';

// Real databases on a shared, busy machine: generous limits, no assertion on speed.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const BASE = '/api/v1/tasks';

describe.each(drivers())('bulk and export on %s', (driver) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTasksContext(driver);
  });
  afterAll(async () => ctx?.close());

  const get = (u: TestUser, id: string) =>
    ctx.app.inject({ method: 'GET', url: `${BASE}/${id}`, headers: u.headers }).then((r) => r.json().data);
  const bulk = (u: TestUser, payload: unknown) =>
    ctx.app.inject({ method: 'POST', url: `${BASE}/bulk`, headers: u.headers, payload: payload as object });

  describe('POST /tasks/bulk', () => {
    it('updates own tasks in one go; affected counts only own tasks that changed; others untouched', async () => {
      const a = await createUser(ctx.platform);
      const b = await createUser(ctx.platform);
      const [a1, a2, a3] = [
        await seedTask(ctx.database.db, a.id, { status: 'pending' }),
        await seedTask(ctx.database.db, a.id, { status: 'completed' }),
        await seedTask(ctx.database.db, a.id, { status: 'pending' }),
      ];
      const b1 = await seedTask(ctx.database.db, b.id, { status: 'pending' });
      const res = await bulk(a, {
        action: 'update',
        ids: [a1?.id, a2?.id, b1.id, randomUUID(), a1?.id],
        patch: { status: 'completed' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ success: true, data: { affected: 1 } });
      const a1n = await get(a, a1?.id as string);
      expect(a1n).toMatchObject({ status: 'completed', version: 2 });
      expect(a1n.completedAt).not.toBeNull();
      expect((await get(a, a2?.id as string)).version).toBe(1);
      expect((await get(a, a3?.id as string)).status).toBe('pending');
      expect(await get(b, b1.id)).toMatchObject({ status: 'pending', version: 1 });
      const history = await ctx.app.inject({ method: 'GET', url: `${BASE}/${a1?.id}/history`, headers: a.headers });
      expect(history.json().data[0].type).toBe('completed');

      const tags = await bulk(a, { action: 'update', ids: [a1?.id, a2?.id, a3?.id], patch: { tags: ['X', 'y'] } });
      expect(tags.json().data.affected).toBe(3);
      expect((await get(a, a3?.id as string)).tags).toEqual(['x', 'y']);
      const reopen = await bulk(a, { action: 'update', ids: [a1?.id, a2?.id], patch: { status: 'pending' } });
      expect(reopen.json().data.affected).toBe(2);
      expect((await get(a, a2?.id as string)).completedAt).toBeNull();
    });

    it('deletes own tasks only', async () => {
      const a = await createUser(ctx.platform);
      const b = await createUser(ctx.platform);
      const a1 = await seedTask(ctx.database.db, a.id);
      const a2 = await seedTask(ctx.database.db, a.id);
      const b1 = await seedTask(ctx.database.db, b.id);
      const res = await bulk(a, { action: 'delete', ids: [a1.id, b1.id, randomUUID()] });
      expect(res.json().data.affected).toBe(1);
      expect((await ctx.app.inject({ method: 'GET', url: `${BASE}/${a1.id}`, headers: a.headers })).statusCode).toBe(
        404,
      );
      expect((await get(a, a2.id)).id).toBe(a2.id);
      expect((await get(b, b1.id)).id).toBe(b1.id);
    });

    it('validates: action, ids (1..500 uuids), patch required for update and strict', async () => {
      const a = await createUser(ctx.platform);
      const ids501 = Array.from({ length: 501 }, () => randomUUID());
      for (const body of [
        { action: 'archive', ids: [randomUUID()] },
        { action: 'delete', ids: [] },
        { action: 'delete', ids: ids501 },
        { action: 'delete', ids: ['nope'] },
        { action: 'update', ids: [randomUUID()] },
        { action: 'update', ids: [randomUUID()], patch: { userId: randomUUID() } },
        { action: 'update', ids: [randomUUID()], patch: { status: 'done' } },
        { action: 'delete', ids: [randomUUID()], extra: 1 },
      ]) {
        const res = await bulk(a, body);
        expect(res.statusCode, JSON.stringify(body).slice(0, 80)).toBe(400);
      }
      const ok = await bulk(a, { action: 'delete', ids: Array.from({ length: 500 }, () => randomUUID()) });
      expect(ok.json().data.affected).toBe(0);
    });
  });

  describe('GET /tasks/export', () => {
    it('streams CSV with a header row, tags joined with ";", an attachment filename, RFC 4180 quoting', async () => {
      const u = await createUser(ctx.platform);
      await seedTask(ctx.database.db, u.id, {
        title: 'Comma, "quote"',
        description: 'line1\nline2',
        tags: ['a', 'b'],
        createdAt: new Date(Date.now() - 2000),
      });
      await seedTask(ctx.database.db, u.id, { title: '=SUM(A1)', status: 'completed', priority: 'high' });
      const res = await ctx.app.inject({ method: 'GET', url: `${BASE}/export?format=csv`, headers: u.headers });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="tasks-\d{4}-\d{2}-\d{2}\.csv"$/);
      const records = parseCsv(res.body, 100);
      // The header: the shared Task schema's fields, in its order.
      expect(records[0]).toEqual(Object.keys(taskSchema.shape));
      expect(records).toHaveLength(3);
      const [, newest, older] = records as [string[], string[], string[]];
      expect(newest[1]).toBe("'=SUM(A1)");
      expect(newest[3]).toBe('completed');
      expect(older[1]).toBe('Comma, "quote"');
      expect(older[2]).toBe('line1\nline2');
      expect(older[6]).toBe('a;b');

      const filtered = await ctx.app.inject({
        method: 'GET',
        url: `${BASE}/export?format=csv&status=completed`,
        headers: u.headers,
      });
      expect(parseCsv(filtered.body, 100)).toHaveLength(2);
    });

    it('streams JSON (an array of tasks), default format, list filters apply', async () => {
      const u = await createUser(ctx.platform);
      for (let i = 0; i < 3; i++)
        await seedTask(ctx.database.db, u.id, { title: `e${i}`, priority: i ? 'low' : 'high' });
      const res = await ctx.app.inject({ method: 'GET', url: `${BASE}/export`, headers: u.headers });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['content-disposition']).toMatch(/filename="tasks-\d{4}-\d{2}-\d{2}\.json"/);
      const all = JSON.parse(res.body);
      expect(all).toHaveLength(3);
      expect(Object.keys(all[0])).toContain('version');
      const high = await ctx.app.inject({
        method: 'GET',
        url: `${BASE}/export?format=json&priority=high`,
        headers: u.headers,
      });
      expect(JSON.parse(high.body).map((t: { title: string }) => t.title)).toEqual(['e0']);
      const empty = await createUser(ctx.platform);
      const none = await ctx.app.inject({ method: 'GET', url: `${BASE}/export`, headers: empty.headers });
      expect(JSON.parse(none.body)).toEqual([]);
      expect(
        (await ctx.app.inject({ method: 'GET', url: `${BASE}/export?format=xml`, headers: u.headers })).statusCode,
      ).toBe(400);
    });

    it('exports more than one batch, in order, without duplicates', async () => {
      const u = await createUser(ctx.platform);
      const rows = Array.from({ length: 1203 }, (_, i) => ({ title: `bulk ${String(i).padStart(4, '0')}` }));
      const imp = await ctx.app.inject({ method: 'POST', url: `${BASE}/import`, headers: u.headers, payload: rows });
      expect(imp.json().data.imported).toBe(1203);
      const res = await ctx.app.inject({ method: 'GET', url: `${BASE}/export?sort=title`, headers: u.headers });
      const titles = JSON.parse(res.body).map((t: { title: string }) => t.title);
      expect(titles).toEqual(rows.map((r) => r.title));
    });
  });
});
