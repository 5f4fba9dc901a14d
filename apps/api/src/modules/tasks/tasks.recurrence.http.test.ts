/**
 * Recurring tasks over HTTP (issue 17 item 1): completing an occurrence creates exactly one next occurrence —
 * PATCH, PUT, twice, ten at once, a replayed request, bulk, an import — the completed one stays in history and
 * stats, subtasks start again, skip, COUNT, and invalid rules answered 400 in the contract's error format. The
 * planted fault at the end takes the unique (series_id, occurrence) key away and sees a second next occurrence.
 */
import type { Task } from '@primetrade/shared';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { drivers, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';
import { createTasksContext, importTasks, postTask, TASKS_URL } from '../../test/tasks-http';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const WEEKLY = { rule: 'FREQ=WEEKLY', mode: 'due' as const };

describe.each(drivers())('recurring tasks on %s', (driver) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTasksContext(driver);
  });
  afterAll(async () => ctx?.close());

  const berliner = () => createUser(ctx.platform, { timezone: 'Europe/Berlin' });
  const create = async (u: TestUser, body: Record<string, unknown>): Promise<Task> => {
    const res = await postTask(ctx, u, body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data;
  };
  const patch = (u: TestUser, id: string, body: object, headers: Record<string, string> = {}) =>
    ctx.app.inject({
      method: 'PATCH',
      url: `${TASKS_URL}/${id}`,
      headers: { ...u.headers, ...headers },
      payload: body,
    });
  const all = async (u: TestUser): Promise<Task[]> => {
    const res = await ctx.app.inject({ method: 'GET', url: `${TASKS_URL}?limit=100`, headers: u.headers });
    return res.json().data;
  };
  /** The tasks of a series by title, oldest due date first. */
  const series = async (u: TestUser, title: string) =>
    (await all(u))
      .filter((t) => t.title === title && t.parentId === null)
      .sort((a, b) => (a.dueDate ?? '').localeCompare(b.dueDate ?? ''));
  const recurring = (u: TestUser, title: string, extra: Record<string, unknown> = {}) =>
    create(u, { title, dueDate: '2027-03-22T08:00:00.000Z', recurrence: WEEKLY, ...extra });

  it('completing an occurrence creates the next one, same fields, a week later at the same Berlin wall time', async () => {
    const u = await berliner();
    const t = await recurring(u, 'Standup', { tags: ['work'], priority: 'high', description: 'notes' });
    expect(t.recurrence).toEqual({ rule: 'FREQ=WEEKLY', mode: 'due' });
    const done = await patch(u, t.id, { status: 'completed' });
    expect(done.statusCode).toBe(200);
    const [first, next, ...rest] = await series(u, 'Standup');
    expect(rest).toEqual([]);
    expect(first).toMatchObject({ id: t.id, status: 'completed' });
    // 09:00 CET on 22 March → 09:00 CEST on 29 March (across the spring change).
    expect(next).toMatchObject({
      status: 'pending',
      dueDate: '2027-03-29T07:00:00.000Z',
      tags: ['work'],
      priority: 'high',
      description: 'notes',
      recurrence: WEEKLY,
      completedAt: null,
    });
    // The next one's history starts with `created`; the completed one's ends with `completed`.
    const h = await ctx.app.inject({ method: 'GET', url: `${TASKS_URL}/${next?.id}/history`, headers: u.headers });
    expect(h.json().data.map((e: { type: string }) => e.type)).toEqual(['created']);
  });

  it('completed twice, reopened and completed again: still one next occurrence', async () => {
    const u = await berliner();
    const t = await recurring(u, 'Twice');
    expect((await patch(u, t.id, { status: 'completed' })).statusCode).toBe(200);
    expect((await patch(u, t.id, { status: 'completed' })).statusCode).toBe(200);
    expect((await patch(u, t.id, { status: 'pending' })).statusCode).toBe(200);
    expect((await patch(u, t.id, { status: 'completed' })).statusCode).toBe(200);
    expect(await series(u, 'Twice')).toHaveLength(2);
  });

  it('ten concurrent completions of one occurrence: one next occurrence', async () => {
    const u = await berliner();
    const t = await recurring(u, 'Race');
    const answers = await Promise.all(Array.from({ length: 10 }, () => patch(u, t.id, { status: 'completed' })));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(10).fill(200));
    const s = await series(u, 'Race');
    expect(s.map((x) => x.status)).toEqual(['completed', 'pending']);
  });

  it('a replayed completion (the same Idempotency-Key, then the stale If-Match of an offline queue): one next', async () => {
    const u = await berliner();
    const t = await recurring(u, 'Replay');
    const etag = (await ctx.app.inject({ method: 'GET', url: `${TASKS_URL}/${t.id}`, headers: u.headers })).headers
      .etag as string;
    const key = { 'idempotency-key': 'complete-replay-1' };
    expect((await patch(u, t.id, { status: 'completed' }, key)).statusCode).toBe(200);
    expect((await patch(u, t.id, { status: 'completed' }, key)).statusCode).toBe(200);
    const stale = await patch(u, t.id, { status: 'completed' }, { 'if-match': etag });
    expect(stale.statusCode).toBe(412);
    expect(await series(u, 'Replay')).toHaveLength(2);
  });

  it('through bulk (the id twice in one call, then a second call) and PUT: one next occurrence each', async () => {
    const u = await berliner();
    const t = await recurring(u, 'Bulk');
    const bulk = () =>
      ctx.app.inject({
        method: 'POST',
        url: `${TASKS_URL}/bulk`,
        headers: u.headers,
        payload: { action: 'update', ids: [t.id, t.id], patch: { status: 'completed' } },
      });
    expect((await bulk()).json().data.affected).toBe(1);
    expect((await bulk()).json().data.affected).toBe(0);
    expect((await series(u, 'Bulk')).map((x) => x.status)).toEqual(['completed', 'pending']);

    const p = await recurring(u, 'Put');
    const put = () =>
      ctx.app.inject({
        method: 'PUT',
        url: `${TASKS_URL}/${p.id}`,
        headers: u.headers,
        payload: { title: 'Put', status: 'completed', dueDate: p.dueDate, recurrence: WEEKLY },
      });
    expect((await put()).statusCode).toBe(200);
    expect((await put()).statusCode).toBe(200);
    expect((await series(u, 'Put')).map((x) => x.status)).toEqual(['completed', 'pending']);
  });

  it('an import of an exported series brings its occurrences as they are: no extra next occurrence', async () => {
    const u = await berliner();
    const t = await recurring(u, 'Exported');
    await patch(u, t.id, { status: 'completed' });
    const exported = await ctx.app.inject({
      method: 'GET',
      url: `${TASKS_URL}/export?format=json`,
      headers: u.headers,
    });
    const rows = (JSON.parse(exported.body) as Task[]).filter((r) => r.title === 'Exported');
    expect(rows).toHaveLength(2);
    const v = await berliner();
    const res = await importTasks(ctx, v, rows);
    expect(res.json().data).toMatchObject({ imported: 2, failed: [] });
    const s = await series(v, 'Exported');
    expect(s.map((x) => [x.status, x.recurrence])).toEqual([
      ['completed', WEEKLY],
      ['pending', WEEKLY],
    ]);
    // A recurring row without a due date is a failed row, not a task.
    const bad = await importTasks(ctx, v, [{ title: 'No due', recurrence: WEEKLY }]);
    expect(bad.json().data).toMatchObject({ imported: 0, failed: [{ row: 1 }] });
  });

  it('the completed occurrence stays in history and stats; subtasks of the next one start again', async () => {
    const u = await berliner();
    const t = await recurring(u, 'Parent');
    const sub = await create(u, { title: 'Step', parentId: t.id });
    await patch(u, sub.id, { status: 'completed' });
    await patch(u, t.id, { status: 'completed' });
    const [done, next] = await series(u, 'Parent');
    expect(done).toMatchObject({ status: 'completed', subtaskCount: 1, subtaskDoneCount: 1 });
    expect(next).toMatchObject({ status: 'pending', subtaskCount: 1, subtaskDoneCount: 0 });
    const steps = (await all(u)).filter((x) => x.title === 'Step');
    expect(steps.map((s) => [s.parentId, s.status]).sort()).toEqual(
      [
        [t.id, 'completed'],
        [next?.id, 'pending'],
      ].sort(),
    );
    const stats = await ctx.app.inject({ method: 'GET', url: `${TASKS_URL}/stats`, headers: u.headers });
    expect(stats.json().data.byStatus).toMatchObject({ completed: 2, pending: 2 });
  });

  it('COUNT ends the series: count is what is left, and the last occurrence has no next', async () => {
    const u = await berliner();
    const t = await recurring(u, 'Counted', { recurrence: { ...WEEKLY, count: 2 } });
    await patch(u, t.id, { status: 'completed' });
    const [, second] = await series(u, 'Counted');
    expect(second?.recurrence).toEqual({ ...WEEKLY, count: 1 });
    await patch(u, second?.id as string, { status: 'completed' });
    expect((await series(u, 'Counted')).map((x) => x.status)).toEqual(['completed', 'completed']);
  });

  it('mode completion: the next date counts from the day it was completed', async () => {
    const u = await berliner();
    // Due long ago; completed now: the next one is tomorrow at the due time of day (not a day after the due date).
    const t = await recurring(u, 'Watering', {
      dueDate: '2020-01-06T08:00:00.000Z',
      recurrence: { rule: 'FREQ=DAILY', mode: 'completion' },
    });
    await patch(u, t.id, { status: 'completed' });
    const [, next] = await series(u, 'Watering');
    expect(new Date(next?.dueDate as string).getTime()).toBeGreaterThan(Date.now());
    expect(new Date(next?.dueDate as string).getTime()).toBeLessThan(Date.now() + 2 * 86_400_000);
  });

  it('skip moves the occurrence to its next date without completing it; 409 where there is nothing to skip', async () => {
    const u = await berliner();
    const t = await recurring(u, 'Skip', {
      recurrence: { rule: 'FREQ=MONTHLY;BYMONTHDAY=31', mode: 'due' },
      dueDate: '2027-01-31T08:00:00.000Z',
    });
    const skip = (id: string, headers: Record<string, string> = {}) =>
      ctx.app.inject({ method: 'POST', url: `${TASKS_URL}/${id}/skip`, headers: { ...u.headers, ...headers } });
    const read = await ctx.app.inject({ method: 'GET', url: `${TASKS_URL}/${t.id}`, headers: u.headers });
    const res = await skip(t.id, { 'if-match': read.headers.etag as string });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toMatchObject({ id: t.id, status: 'pending', dueDate: '2027-03-31T07:00:00.000Z' });
    expect(res.headers.etag).toBeDefined();
    expect(await series(u, 'Skip')).toHaveLength(1);
    const once = await create(u, { title: 'Once', dueDate: '2027-01-01T00:00:00.000Z' });
    expect((await skip(once.id)).statusCode).toBe(409);
    await patch(u, t.id, { status: 'completed' });
    expect((await skip(t.id)).json()).toMatchObject({ status: 409, code: 'CONFLICT' });
    const last = await recurring(u, 'Last', { recurrence: { ...WEEKLY, count: 1 } });
    expect((await skip(last.id)).statusCode).toBe(409);
    const other = await berliner();
    expect(
      (await ctx.app.inject({ method: 'POST', url: `${TASKS_URL}/${last.id}/skip`, headers: other.headers }))
        .statusCode,
    ).toBe(404);
  });

  it.each([
    ['FREQ=HOURLY', 'FREQ must be'],
    ['FREQ=DAILY;BYSETPOS=1', 'BYSETPOS is not supported'],
    ['FREQ=DAILY;COUNT=3', 'COUNT is not part of the rule'],
    ['FREQ=WEEKLY;BYMONTHDAY=3', 'BYMONTHDAY cannot be used'],
    ['FREQ=WEEKLY;BYDAY=1MO', 'BYDAY ordinal'],
    ['FREQ=MONTHLY;BYMONTHDAY=32', 'BYMONTHDAY is'],
    ['INTERVAL=2', 'needs FREQ'],
    ['FREQ=DAILY;INTERVAL=0', 'INTERVAL must be'],
    ['not a rule', 'Not a rule part'],
  ])('an invalid rule %s → 400 in the contract error format', async (rule, message) => {
    const u = await berliner();
    const res = await postTask(ctx, u, {
      title: 'x',
      dueDate: '2027-01-01T00:00:00.000Z',
      recurrence: { rule, mode: 'due' },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body).toMatchObject({ success: false, status: 400, code: 'VALIDATION_FAILED' });
    expect(body.errors.find((e: { path: string }) => e.path.startsWith('recurrence'))?.message).toContain(message);
  });

  it('a recurrence needs a dueDate, one end (count or until) and a mode: 400 otherwise', async () => {
    const u = await berliner();
    const bad = [
      { title: 'x', recurrence: WEEKLY },
      { title: 'x', dueDate: '2027-01-01T00:00:00.000Z', recurrence: { rule: 'FREQ=DAILY' } },
      { title: 'x', dueDate: '2027-01-01T00:00:00.000Z', recurrence: { ...WEEKLY, mode: 'sometimes' } },
      {
        title: 'x',
        dueDate: '2027-01-01T00:00:00.000Z',
        recurrence: { ...WEEKLY, count: 2, until: '2027-06-01T00:00:00Z' },
      },
      { title: 'x', dueDate: '2027-01-01T00:00:00.000Z', recurrence: { ...WEEKLY, extra: 1 } },
    ];
    for (const body of bad) {
      const res = await postTask(ctx, u, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json()).toMatchObject({ success: false, code: 'VALIDATION_FAILED' });
    }
    const t = await recurring(u, 'Keep due');
    expect((await patch(u, t.id, { dueDate: null })).statusCode).toBe(400);
    // Normalised on the way in: lower case and an RRULE: prefix are accepted.
    const n = await create(u, {
      title: 'n',
      dueDate: '2027-01-01T00:00:00.000Z',
      recurrence: { rule: 'RRULE:freq=weekly;byday=mo,fr;interval=2', mode: 'due' },
    });
    expect(n.recurrence?.rule).toBe('FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR');
  });

  it('planted fault: without the unique (series_id, occurrence) key, a reopened and recompleted occurrence gets a second next one', async () => {
    const u = await berliner();
    const t = await recurring(u, 'Planted');
    await patch(u, t.id, { status: 'completed' });
    await ctx.database.db.execute(sql`drop index tasks_series_key`);
    try {
      expect((await patch(u, t.id, { status: 'pending' })).statusCode).toBe(200);
      expect((await patch(u, t.id, { status: 'completed' })).statusCode).toBe(200);
      const s = await series(u, 'Planted');
      expect(s).toHaveLength(3); // the fault is seen: two next occurrences
      await ctx.database.db.execute(
        sql`delete from tasks where id = ${(s.find((x) => x.id !== t.id && x.status === 'pending') as Task).id}::uuid`,
      );
    } finally {
      await ctx.database.db.execute(
        sql`create unique index tasks_series_key on tasks (series_id, occurrence) where series_id is not null`,
      );
    }
  });
});
