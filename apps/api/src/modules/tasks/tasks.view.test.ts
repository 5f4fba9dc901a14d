/**
 * GET /tasks?view=today|upcoming (issue 16 item 9): computed in the user's time zone (users.timezone), with tasks
 * due a minute either side of the user's local midnights; the same instants give different lists to a user in
 * Pacific/Kiritimati (UTC+14), America/Los_Angeles and UTC. Also: paging, done tasks, the ETag's time slot.
 */
import type { Task } from '@primetrade/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { drivers, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';
import { createTasksContext } from '../../test/tasks-http';
import { seedTask } from './index';
import { TaskReads } from './tasks.list';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const BASE = '/api/v1/tasks';
const MIN = 60_000;
const DAY = 86_400_000;

/** The local calendar date (YYYY-MM-DD) of `at` in `tz`. */
function localDate(at: number, tz: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    at,
  );
}

/** The instant local date `ymd` starts in `tz` (no DST change falls at midnight in the zones used here). */
function localMidnight(ymd: string, tz: string): number {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  let guess = Date.UTC(y, m - 1, d);
  for (let i = 0; i < 3; i++) {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    }).formatToParts(guess);
    const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
    const shown = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
    guess += Date.UTC(y, m - 1, d) - shown;
  }
  return guess;
}

/** The start of the local day `days` after today in `tz`. */
function dayStart(tz: string, days: number, now = Date.now()): number {
  const today = localMidnight(localDate(now, tz), tz);
  return localMidnight(localDate(today + days * DAY + 12 * 3_600_000, tz), tz);
}

/** Wait out a local midnight that is less than two minutes away, so the day does not change mid-test. */
async function awayFromMidnight(tzs: string[]): Promise<void> {
  const now = Date.now();
  const wait = Math.max(0, ...tzs.map((tz) => dayStart(tz, 1, now) - now).filter((ms) => ms < 2 * MIN));
  if (wait > 0) await new Promise((r) => setTimeout(r, wait + 2_000));
}

const ZONES = ['Pacific/Kiritimati', 'America/Los_Angeles', 'UTC'] as const;

describe.each(drivers())('GET /tasks?view= on %s', (driver) => {
  let ctx: TestContext;
  const users = new Map<string, TestUser>();
  /** Each zone's tasks by title, due around its own midnights. */
  const expected = new Map<string, { today: string[]; upcoming: string[] }>();

  const titles = async (user: TestUser, qs: string) => {
    const res = await ctx.app.inject({ method: 'GET', url: `${BASE}?${qs}`, headers: user.headers });
    expect(res.statusCode, `${qs}: ${res.body}`).toBe(200);
    return (res.json().data as Task[]).map((t) => t.title).sort();
  };

  beforeAll(async () => {
    ctx = await createTasksContext(driver);
    await awayFromMidnight([...ZONES]);
    for (const tz of ZONES) {
      const u = await createUser(ctx.platform, { timezone: tz });
      users.set(tz, u);
      const t0 = dayStart(tz, 0);
      const t1 = dayStart(tz, 1);
      const t7 = dayStart(tz, 7);
      const seed = (title: string, due: number | null, extra: Partial<Parameters<typeof seedTask>[2]> = {}) =>
        seedTask(ctx.database.db, u.id, { title, dueDate: due === null ? null : new Date(due), ...extra });
      await seed('overdue-last-week', t0 - 6 * DAY);
      await seed('yesterday-23:59', t0 - MIN);
      await seed('today-00:01', t0 + MIN);
      await seed('today-23:59', t1 - MIN, { status: 'in_progress' });
      await seed('tomorrow-00:01', t1 + MIN);
      await seed('day6-23:59', t7 - MIN);
      await seed('day7-00:01', t7 + MIN);
      await seed('no-due-date', null);
      await seed('done-today', t0 + 60 * MIN, { status: 'completed' });
      await seed('cancelled-today', t0 + 61 * MIN, { status: 'cancelled' });
      await seed('done-tomorrow', t1 + 60 * MIN, { status: 'completed' });
      expected.set(tz, {
        today: ['overdue-last-week', 'today-00:01', 'today-23:59', 'yesterday-23:59'],
        upcoming: ['day6-23:59', 'today-00:01', 'today-23:59', 'tomorrow-00:01'],
      });
    }
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it.each(ZONES)('today in %s: due before local midnight (overdue too), not done', async (tz) => {
    const u = users.get(tz)!;
    expect(await titles(u, 'view=today&limit=100')).toEqual(expected.get(tz)!.today);
  });

  it.each(ZONES)('upcoming in %s: due from the start of today to the end of day 6, not done', async (tz) => {
    const u = users.get(tz)!;
    expect(await titles(u, 'view=upcoming&limit=100')).toEqual(expected.get(tz)!.upcoming);
  });

  it("the same instant is today for one zone and not for another: the user's time zone is used", async () => {
    // Kiritimati's midnight (10:00 UTC) sits inside Los Angeles's day: the Kiritimati task due a minute after its
    // local midnight is tomorrow in Kiritimati but today in Los Angeles (a planted UTC-only query fails here).
    const kiri = users.get('Pacific/Kiritimati')!;
    const la = users.get('America/Los_Angeles')!;
    const instant = dayStart('Pacific/Kiritimati', 1) + MIN;
    const laToday = localDate(instant, 'America/Los_Angeles') === localDate(Date.now(), 'America/Los_Angeles');
    await seedTask(ctx.database.db, kiri.id, { title: 'probe', dueDate: new Date(instant) });
    await seedTask(ctx.database.db, la.id, { title: 'probe', dueDate: new Date(instant) });
    expect(await titles(kiri, 'view=today&limit=100')).not.toContain('probe');
    expect((await titles(la, 'view=today&limit=100')).includes('probe')).toBe(laToday);
  });

  it('changing the timezone changes the lists (and the ETag)', async () => {
    const u = await createUser(ctx.platform, { timezone: 'UTC' });
    const kiriTomorrow = dayStart('Pacific/Kiritimati', 1) + 30 * MIN;
    const utcToday = localDate(kiriTomorrow, 'UTC') === localDate(Date.now(), 'UTC');
    await seedTask(ctx.database.db, u.id, { title: 'edge', dueDate: new Date(kiriTomorrow) });
    const first = await ctx.app.inject({ method: 'GET', url: `${BASE}?view=today`, headers: u.headers });
    expect((first.json().data as Task[]).some((t) => t.title === 'edge')).toBe(utcToday);
    const patch = await ctx.app.inject({
      method: 'PATCH',
      url: '/api/v1/users/me',
      headers: u.headers,
      payload: { timezone: 'Pacific/Kiritimati' },
    });
    expect(patch.statusCode, patch.body).toBe(200);
    const again = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}?view=today`,
      headers: { ...u.headers, 'if-none-match': String(first.headers.etag) },
    });
    expect(again.statusCode).toBe(200);
    expect((again.json().data as Task[]).some((t) => t.title === 'edge')).toBe(false);
  });

  it('pages through a view with the cursor and combines with the other filters and sorts', async () => {
    const u = users.get('UTC')!;
    const all = await titles(u, 'view=upcoming&limit=100');
    const seen: string[] = [];
    let url = `${BASE}?view=upcoming&limit=1&sort=dueDate`;
    for (let i = 0; i < 10; i++) {
      const res = await ctx.app.inject({ method: 'GET', url, headers: u.headers });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      seen.push(...(body.data as Task[]).map((t) => t.title));
      if (!body.meta.nextCursor) break;
      url = `${BASE}?view=upcoming&limit=1&sort=dueDate&cursor=${encodeURIComponent(body.meta.nextCursor)}`;
    }
    expect([...seen].sort()).toEqual(all);
    // A cursor is bound to its view: replayed on another view it is refused.
    const first = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}?view=upcoming&limit=1&sort=dueDate`,
      headers: u.headers,
    });
    const cursor = encodeURIComponent(first.json().meta.nextCursor);
    const other = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}?view=today&limit=1&sort=dueDate&cursor=${cursor}`,
      headers: u.headers,
    });
    expect(other.statusCode).toBe(400);
    expect(await titles(u, 'view=today&status=in_progress')).toEqual(['today-23:59']);
    expect(await titles(u, 'view=today&q=overdue')).toEqual(['overdue-last-week']);
    const paged = await ctx.app.inject({ method: 'GET', url: `${BASE}?view=today&page=1&limit=2`, headers: u.headers });
    expect(paged.json().meta.total).toBe(4);
  });

  it('refuses an unknown view with 400 VALIDATION_FAILED', async () => {
    const u = users.get('UTC')!;
    const res = await ctx.app.inject({ method: 'GET', url: `${BASE}?view=someday`, headers: u.headers });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
  });

  it("a view's ETag changes every 15 minutes (a local midnight can fall on any quarter hour); a plain list's does not", async () => {
    const u = users.get('UTC')!;
    let now = new Date('2026-01-01T09:59:00Z');
    const reads = new TaskReads({
      db: ctx.database.db,
      cache: ctx.platform.cache,
      cursorKey: Buffer.alloc(32, 1),
      now: () => now,
      policy: ctx.modules.projects.policy,
    });
    const tag = async (url: string) =>
      (await reads.list(u.id, { limit: 20, view: url.includes('view') ? 'today' : undefined }, { url })).etag;
    const before = [await tag('/api/v1/tasks?view=today'), await tag('/api/v1/tasks')];
    now = new Date('2026-01-01T10:00:30Z'); // Kiritimati's midnight
    const after = [await tag('/api/v1/tasks?view=today'), await tag('/api/v1/tasks')];
    expect(after[0]).not.toBe(before[0]);
    expect(after[1]).toBe(before[1]);
    now = new Date('2026-01-01T10:14:00Z');
    expect(await tag('/api/v1/tasks?view=today')).toBe(after[0]);
  });
});
