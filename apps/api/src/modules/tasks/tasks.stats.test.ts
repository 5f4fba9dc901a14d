import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { drivers, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';
import { createTasksContext } from '../../test/tasks-http';
import { seedTask } from './index';

// Real databases on a shared, busy machine: generous limits, no assertion on speed.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const BASE = '/api/v1/tasks';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface TaskJson {
  id: string;
  status: string;
  priority: string;
  dueDate: string | null;
  completedAt: string | null;
  createdAt: string;
}

const localDate = (d: Date, tz: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
const addDays = (date: string, n: number) => {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

/** The stats a user should see, computed from the tasks themselves (an independent model of the SQL). */
function expected(tasks: TaskJson[], tz: string) {
  const now = new Date();
  const today = localDate(now, tz);
  const active = (t: TaskJson) => t.status === 'pending' || t.status === 'in_progress';
  const count = (f: (t: TaskJson) => boolean) => tasks.filter(f).length;
  const completed = count((t) => t.status === 'completed');
  const days = Array.from({ length: 30 }, (_, i) => addDays(today, i - 29));
  return {
    total: tasks.length,
    byStatus: Object.fromEntries(
      ['pending', 'in_progress', 'completed', 'cancelled'].map((s) => [s, count((t) => t.status === s)]),
    ),
    byPriority: Object.fromEntries(['low', 'medium', 'high', 'urgent'].map((p) => [p, count((t) => t.priority === p)])),
    overdue: count((t) => active(t) && t.dueDate !== null && new Date(t.dueDate) < now),
    dueToday: count((t) => active(t) && t.dueDate !== null && localDate(new Date(t.dueDate), tz) === today),
    dueThisWeek: count((t) => {
      if (!active(t) || t.dueDate === null) return false;
      const d = localDate(new Date(t.dueDate), tz);
      return d >= today && d <= addDays(today, 6);
    }),
    completedLast7Days: count((t) => t.completedAt !== null && now.getTime() - Date.parse(t.completedAt) <= 7 * DAY),
    completionRate: tasks.length ? Math.round((completed / tasks.length) * 10_000) / 10_000 : 0,
    daily: days.map((date) => ({
      date,
      created: count((t) => localDate(new Date(t.createdAt), tz) === date),
      completed: count((t) => t.completedAt !== null && localDate(new Date(t.completedAt), tz) === date),
    })),
  };
}

describe.each(drivers())('GET /tasks/stats on %s', (driver) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTasksContext(driver);
  });
  afterAll(async () => ctx?.close());

  const stats = async (u: TestUser, path = 'stats') => {
    const res = await ctx.app.inject({ method: 'GET', url: `${BASE}/${path}`, headers: u.headers });
    expect(res.statusCode).toBe(200);
    return res.json().data;
  };
  const all = async (u: TestUser): Promise<TaskJson[]> =>
    JSON.parse((await ctx.app.inject({ method: 'GET', url: `${BASE}/export`, headers: u.headers })).body);

  async function check(u: TestUser, tz: string) {
    const got = await stats(u);
    const want = expected(await all(u), tz);
    const { avgCompletionHours, ...rest } = got;
    expect(rest).toEqual(want);
    return { got, avgCompletionHours };
  }

  it('is all zeros (and 30 empty days) for a new user; the overview alias answers the same', async () => {
    const u = await createUser(ctx.platform);
    const s = await stats(u);
    expect(s).toMatchObject({ total: 0, overdue: 0, completionRate: 0, avgCompletionHours: null });
    expect(s.daily).toHaveLength(30);
    expect(s.daily.every((d: { created: number; completed: number }) => d.created === 0 && d.completed === 0)).toBe(
      true,
    );
    expect(await stats(u, 'stats/overview')).toEqual(s);
  });

  it('follows a timezone change at once (cached stats are per task-data version, which the change bumps)', async () => {
    const [from, to] = ['Pacific/Kiritimati', 'America/Los_Angeles'];
    const u = await createUser(ctx.platform, { timezone: from });
    const now = Date.now();
    for (let h = 1; h <= 48; h += 5) await seedTask(ctx.database.db, u.id, { createdAt: new Date(now - h * HOUR) });
    const tasks = await all(u);
    expect(expected(tasks, from)).not.toEqual(expected(tasks, to)); // the zones give different days
    await check(u, from);
    await check(u, from); // now cached
    const patched = await ctx.app.inject({
      method: 'PATCH',
      url: '/api/v1/users/me',
      headers: u.headers,
      payload: { timezone: to },
    });
    expect(patched.statusCode).toBe(200);
    await check(u, to);
  });

  it('is exact after every kind of write (create, update, complete, delete, bulk, import), in the user time zone', async () => {
    for (const tz of ['Pacific/Kiritimati', 'America/Los_Angeles']) {
      const u = await createUser(ctx.platform, { timezone: tz });
      const now = Date.now();
      // History the API cannot write: old creations and completions, spread over the 30 days.
      await seedTask(ctx.database.db, u.id, {
        createdAt: new Date(now - 20 * DAY),
        status: 'completed',
        completedAt: new Date(now - 18 * DAY),
      });
      await seedTask(ctx.database.db, u.id, { createdAt: new Date(now - 40 * DAY), priority: 'urgent' });
      await seedTask(ctx.database.db, u.id, {
        createdAt: new Date(now - 3 * DAY),
        status: 'completed',
        completedAt: new Date(now - 2 * DAY),
      });
      const first = await check(u, tz);
      expect(first.avgCompletionHours).toBe(36);

      const post = (payload: object) => ctx.app.inject({ method: 'POST', url: BASE, headers: u.headers, payload });
      const t1 = (
        await post({ title: 'overdue', dueDate: new Date(now - 5 * HOUR).toISOString(), priority: 'high' })
      ).json().data;
      await check(u, tz); // create (and the cache was warm: it must have been invalidated)
      const t2 = (await post({ title: 'soon', dueDate: new Date(now + 3 * DAY).toISOString() })).json().data;
      const t3 = (await post({ title: 'done', status: 'completed' })).json().data;
      await check(u, tz);
      await ctx.app.inject({
        method: 'PATCH',
        url: `${BASE}/${t1.id}`,
        headers: u.headers,
        payload: { priority: 'low' },
      });
      await check(u, tz); // update
      await ctx.app.inject({
        method: 'PATCH',
        url: `${BASE}/${t2.id}`,
        headers: u.headers,
        payload: { status: 'completed' },
      });
      await check(u, tz); // complete
      await ctx.app.inject({ method: 'PUT', url: `${BASE}/${t2.id}`, headers: u.headers, payload: { title: 'again' } });
      await check(u, tz); // reopen through PUT
      await ctx.app.inject({ method: 'DELETE', url: `${BASE}/${t3.id}`, headers: u.headers });
      await check(u, tz); // delete
      await ctx.app.inject({
        method: 'POST',
        url: `${BASE}/bulk`,
        headers: u.headers,
        payload: { action: 'update', ids: [t1.id, t2.id], patch: { status: 'cancelled' } },
      });
      await check(u, tz); // bulk update
      await ctx.app.inject({
        method: 'POST',
        url: `${BASE}/import`,
        headers: u.headers,
        payload: [
          { title: 'i1', status: 'in_progress', dueDate: new Date(now + HOUR).toISOString() },
          { title: 'i2', priority: 'urgent' },
          { title: '' },
        ],
      });
      const afterImport = await check(u, tz); // import
      expect(afterImport.got.total).toBe(7);
      await ctx.app.inject({
        method: 'POST',
        url: `${BASE}/bulk`,
        headers: u.headers,
        payload: { action: 'delete', ids: [t1.id] },
      });
      const last = await check(u, tz); // bulk delete
      expect(last.got.daily[29].date).toBe(localDate(new Date(), tz));
    }
  });

  it('is cached per user (a repeat is served from the cache) and each write invalidates it', async () => {
    const u = await createUser(ctx.platform);
    await seedTask(ctx.database.db, u.id);
    const first = await stats(u);
    // A row written behind the API's back is not seen while the cache is warm...
    await seedTask(ctx.database.db, u.id);
    expect((await stats(u)).total).toBe(first.total);
    // ...and any write through the API invalidates it.
    await ctx.app.inject({ method: 'POST', url: BASE, headers: u.headers, payload: { title: 'x' } });
    expect((await stats(u)).total).toBe(first.total + 2);
    // Another user's writes do not invalidate this user's entry.
    const other = await createUser(ctx.platform);
    await seedTask(ctx.database.db, u.id);
    await ctx.app.inject({ method: 'POST', url: BASE, headers: other.headers, payload: { title: 'y' } });
    expect((await stats(u)).total).toBe(first.total + 2);
  });
});
