/**
 * POST /tasks/import: a JSON array or CSV (text/csv), each row checked; an export imports back; size limits.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { suiteSize } from '../../config';
import { drivers, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';
import { createTasksContext, importTasks, postTask } from '../../test/tasks-http';

// Real databases on a shared, busy machine: generous limits, no assertion on speed.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const BASE = '/api/v1/tasks';
/**
 * Rows of the big accepted import: the route's cap (10,000) in CI; 2,000 in a developer's `npm test` (suiteSize,
 * issue 14 item 7 — the 10,000-row import alone took 3 min on PGlite on the busy 2-core box). The refusal of
 * 10,001 rows and the 1.5 MiB body below keep their full size everywhere.
 */
const BIG_IMPORT_ROWS = suiteSize(10_000, 2_000);

describe.each(drivers())('POST /tasks/import on %s', (driver) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTasksContext(driver);
  });
  afterAll(async () => ctx?.close());

  const importAs = (u: TestUser, payload: unknown, type?: string) => importTasks(ctx, u, payload, type);

  it('imports a JSON array: valid rows in, invalid rows reported by 1-based row number', async () => {
    const u = await createUser(ctx.platform);
    const res = await importAs(u, [
      { title: 'one', tags: ['A'] },
      { title: '' },
      { title: 'three', status: 'completed' },
      { title: 'four', dueDate: '2030-02-31T00:00:00Z' },
      'not an object',
      { title: 'six', userId: randomUUID() },
    ]);
    expect(res.statusCode).toBe(200);
    const { imported, failed } = res.json().data;
    expect(imported).toBe(2);
    expect(failed.map((f: { row: number }) => f.row)).toEqual([2, 4, 5, 6]);
    expect(failed[0].errors[0].path).toBe('title');
    expect(failed[1].errors[0].path).toBe('dueDate');
    const list = (await ctx.app.inject({ method: 'GET', url: `${BASE}?sort=title`, headers: u.headers })).json().data;
    expect(list.map((t: { title: string }) => t.title)).toEqual(['one', 'three']);
    expect(list[0].tags).toEqual(['a']);
    expect(list[1].completedAt).not.toBeNull();
  });

  it('imports CSV (text/csv), and an export imports back', async () => {
    const u = await createUser(ctx.platform);
    const csv =
      'title,description,status,priority,dueDate,tags\r\n' +
      '"Write, review","multi\nline",in_progress,high,2031-01-01T09:00:00Z,work;Review\r\n' +
      ',missing title,,,,\r\n' +
      'Bad status,,done,,,\r\n' +
      "'=1+1,apostrophe kept,,,,\r\n" +
      'Plain,,,,,\r\n';
    const res = await importAs(u, csv, 'text/csv; charset=utf-8');
    expect(res.statusCode).toBe(200);
    expect(res.json().data.imported).toBe(3);
    expect(res.json().data.failed.map((f: { row: number }) => f.row)).toEqual([2, 3]);
    const list = (await ctx.app.inject({ method: 'GET', url: `${BASE}?sort=title`, headers: u.headers })).json().data;
    // Not an export (no id/version columns): the leading apostrophe is the user's text and is kept.
    expect(list.map((t: { title: string }) => t.title)).toEqual(["'=1+1", 'Plain', 'Write, review']);
    expect(list[2]).toMatchObject({
      description: 'multi\nline',
      status: 'in_progress',
      priority: 'high',
      dueDate: '2031-01-01T09:00:00.000Z',
      tags: ['work', 'review'],
    });

    const exported = await ctx.app.inject({ method: 'GET', url: `${BASE}/export?format=csv`, headers: u.headers });
    const v = await createUser(ctx.platform);
    const back = await importAs(v, exported.body, 'text/csv');
    expect(back.json().data).toEqual({ imported: 3, failed: [] });
    const copy = (await ctx.app.inject({ method: 'GET', url: `${BASE}?sort=title`, headers: v.headers })).json().data;
    expect(copy.map((t: { title: string; tags: string[] }) => [t.title, t.tags])).toEqual(
      list.map((t: { title: string; tags: string[] }) => [t.title, t.tags]),
    );
    const jsonExport = await ctx.app.inject({ method: 'GET', url: `${BASE}/export`, headers: u.headers });
    const back2 = await importAs(v, JSON.parse(jsonExport.body));
    expect(back2.json().data).toEqual({ imported: 3, failed: [] });
  });

  it("a plain due date (2026-12-31) is an all-day task: midnight in the user's time zone, in the dry run too", async () => {
    const u = await createUser(ctx.platform);
    const tz = await ctx.app.inject({
      method: 'PATCH',
      url: '/api/v1/users/me',
      headers: u.headers,
      payload: { timezone: 'America/New_York' },
    });
    expect(tz.statusCode).toBe(200);
    const csv = 'title,dueDate\r\nall day,2026-12-31\r\nno such day,2026-02-30\r\nsummer,2026-07-01\r\n';
    const dry = await ctx.app.inject({
      method: 'POST',
      url: `${BASE}/import?dryRun=true`,
      headers: { ...u.headers, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(dry.statusCode).toBe(200);
    const preview = dry.json().data;
    // New York is UTC-5 in winter and UTC-4 in summer: midnight there, not in UTC.
    expect(preview.preview.map((t: { dueDate: string }) => t.dueDate)).toEqual([
      '2026-12-31T05:00:00.000Z',
      '2026-07-01T04:00:00.000Z',
    ]);
    expect(
      preview.failed.map((f: { row: number; errors: Array<{ path: string }> }) => [f.row, f.errors[0]?.path]),
    ).toEqual([[2, 'dueDate']]);
    const res = await importAs(u, csv, 'text/csv');
    expect(res.statusCode).toBe(200);
    expect(res.json().data.imported).toBe(2);
    // JSON rows too.
    expect((await importAs(u, [{ title: 'json all day', dueDate: '2027-01-15' }])).json().data.imported).toBe(1);
    const listed = await ctx.app.inject({ method: 'GET', url: `${BASE}?sort=title`, headers: u.headers });
    expect(listed.statusCode, listed.body).toBe(200);
    const list = listed.json().data;
    expect(list.map((t: { title: string; dueDate: string }) => [t.title, t.dueDate])).toEqual([
      ['all day', '2026-12-31T05:00:00.000Z'],
      ['json all day', '2027-01-15T05:00:00.000Z'],
      ['summer', '2026-07-01T04:00:00.000Z'],
    ]);
  });

  it('refuses unknown CSV columns, broken CSV, non-arrays, more than 10,000 rows, and other media types', async () => {
    const u = await createUser(ctx.platform);
    const send = (payload: string | object, type = 'text/csv') => importAs(u, payload, type);
    expect((await send('title,owner\r\nx,y\r\n')).statusCode).toBe(400);
    expect((await send('description\r\nx\r\n')).statusCode).toBe(400);
    expect((await send('title\r\n"unterminated\r\n')).statusCode).toBe(400);
    expect((await send('')).statusCode).toBe(400);
    expect((await send(JSON.stringify({ title: 'x' }), 'application/json')).statusCode).toBe(400);
    expect((await send(JSON.stringify('title\nx'), 'application/json')).statusCode).toBe(400);
    expect((await send('title\nx', 'text/plain')).statusCode).toBe(415);
    const many = `title\n${'t\n'.repeat(10_001)}`;
    expect((await send(many)).statusCode).toBe(400);
    const manyJson = JSON.stringify(Array.from({ length: 10_001 }, () => ({ title: 't' })));
    expect((await send(manyJson, 'application/json')).statusCode).toBe(400);
    const list = (await ctx.app.inject({ method: 'GET', url: BASE, headers: u.headers })).json().data;
    expect(list).toEqual([]);
  });

  it(`accepts up to 10 MiB on this route only (more is 413), and ${BIG_IMPORT_ROWS} rows`, async () => {
    const u = await createUser(ctx.platform);
    const rows = `title,description\n${`t,${'d'.repeat(80)}\n`.repeat(BIG_IMPORT_ROWS)}`;
    expect(rows.length).toBeGreaterThan(BIG_IMPORT_ROWS * 80);
    const ok = await importAs(u, rows, 'text/csv');
    expect(ok.statusCode).toBe(200);
    expect(ok.json().data.imported).toBe(BIG_IMPORT_ROWS);
    const big = `title,description\nt,${'d'.repeat(10 * 1024 * 1024)}\n`;
    const tooBig = await importAs(u, big, 'text/csv');
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().code).toBe('PAYLOAD_TOO_LARGE');
    // 1.5 MiB is fine for import but over the 1 MiB limit elsewhere.
    const mid = JSON.stringify([{ title: 't', description: 'd'.repeat(4000) }]).padEnd(1_500_000, ' ');
    const importMid = await importAs(u, mid, 'application/json');
    expect(importMid.statusCode).toBe(200);
    const createMid = await postTask(ctx, u, JSON.stringify({ title: 't' }).padEnd(1_500_000, ' '), {
      'content-type': 'application/json',
    });
    expect(createMid.statusCode).toBe(413);
    const csvElsewhere = await postTask(ctx, u, 'title\nx\n', { 'content-type': 'text/csv' });
    expect(csvElsewhere.statusCode).toBe(415);
    // CI's 10,000 rows took over 3 min on PGlite with the box at load ~35: no assertion on speed.
  }, 600_000);
});
