/**
 * The iCal feed (issue 17 item 5; api.md "Calendar feed"): POST /calendar/feed gives a secret URL (stored hashed),
 * rotating revokes the old one, DELETE turns it off, GET /calendar/:token.ics answers without a session. The feed
 * is read back by two independent parsers (node-ical, and ical.js's own): every dated task with its fields, no
 * undated, deleted or other user's task, and a title full of `,;\` and a newline, and a long UTF-8 title that
 * needs folding, both round-trip exactly. Planted faults (no escaping, no folding) fail the same checks.
 */
import { createHash } from 'node:crypto';
import type { Task } from '@primetrade/shared';
import { eq } from 'drizzle-orm';
import ICAL from 'ical.js';
import nodeIcal from 'node-ical';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { calendarFeeds } from '../../infra/db/schema';
import { createTestContext, drivers, RATE_LIMITS_OFF, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';
import { createTasksContext, postTask } from '../../test/tasks-http';
import { writeFeed } from './calendar.ics';
import { CalendarService } from './calendar.service';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const FEED = '/api/v1/calendar/feed';
const TRICKY = 'Pay rent, bills; and\\or taxes\nsecond line';
const LONG = `Überprüfung der Jahresplanung 🗓️ — ${'ÄÖÜ ßé 😀 '.repeat(14)}Ende`;

/** iCalendar times have whole seconds. */
const seconds = (iso: string | null | undefined) =>
  new Date(Math.floor(Date.parse(iso as string) / 1000) * 1000).toISOString();

type Parsed = Record<string, Record<string, unknown> & { type?: string; uid?: string }>;

/** The content lines: CRLF after each, none longer than 75 octets (RFC 5545 3.1). */
function assertWellFormed(ics: string): void {
  expect(ics.endsWith('\r\n')).toBe(true);
  expect(/(^|[^\r])\n/.test(ics)).toBe(false);
  for (const line of ics.slice(0, -2).split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
}

/** What node-ical and ical.js both read as the SUMMARY of the item `uid`. */
function summaries(ics: string, uid: string): [unknown, unknown] {
  const byNode = ((nodeIcal.sync.parseICS as (ics: string) => unknown)(ics) as Parsed)[uid]?.summary;
  const comp = new ICAL.Component(ICAL.parse(ics));
  const item = [...comp.getAllSubcomponents('vtodo'), ...comp.getAllSubcomponents('vevent')].find(
    (c) => c.getFirstPropertyValue('uid') === uid,
  );
  return [byNode, item?.getFirstPropertyValue('summary')];
}

function assertRoundTrip(ics: string, uid: string, title: string): void {
  assertWellFormed(ics);
  expect(summaries(ics, uid)).toEqual([title, title]);
}

describe.each(drivers())('calendar feed on %s', (driver) => {
  let ctx: TestContext;
  let alice: TestUser;
  let bob: TestUser;
  let host: string;
  const tasks: Record<string, Task> = {};

  const call = (user: TestUser, method: 'POST' | 'DELETE' | 'PATCH', url: string, payload?: object) =>
    ctx.app.inject({ method, url, headers: user.headers, ...(payload ? { payload } : {}) });
  const newFeed = async (user: TestUser) => {
    const res = await call(user, 'POST', FEED);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().data.url as string;
  };
  /** GET the feed as an anonymous client (no cookie, no bearer). */
  const fetchFeed = (url: string, headers: Record<string, string> = {}) =>
    ctx.app.inject({ method: 'GET', url: new URL(url).pathname + new URL(url).search, headers });
  const create = async (user: TestUser, payload: object) => {
    const res = await postTask(ctx, user, payload);
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data as Task;
  };

  beforeAll(async () => {
    ctx = await createTasksContext(driver);
    host = new URL(ctx.config.appUrl).hostname;
    alice = await createUser(ctx.platform, { name: 'Alice', timezone: 'Europe/Berlin' });
    bob = await createUser(ctx.platform, { name: 'Bob' });
    // 2026-07-10 00:00 in Berlin (CEST, UTC+2): an all-day task on the 10th.
    tasks.allDay = await create(alice, { title: 'All day', dueDate: '2026-07-09T22:00:00.000Z', priority: 'urgent' });
    tasks.timed = await create(alice, {
      title: 'Timed',
      description: 'Notes, with; punctuation\\ and\nlines',
      dueDate: '2026-07-10T15:30:00.000Z',
      priority: 'low',
      status: 'in_progress',
      tags: ['work', 'a,b'],
    });
    tasks.done = await create(alice, { title: 'Done', dueDate: '2026-07-01T08:00:00.000Z', status: 'completed' });
    tasks.cancelled = await create(alice, { title: 'Off', dueDate: '2026-07-02T08:00:00.000Z', status: 'cancelled' });
    tasks.tricky = await create(alice, { title: TRICKY, dueDate: '2026-07-11T09:00:00.000Z', priority: 'high' });
    tasks.long = await create(alice, { title: LONG, dueDate: '2026-07-12T09:00:00.000Z' });
    tasks.undated = await create(alice, { title: 'No date' });
    tasks.deleted = await create(alice, { title: 'Deleted', dueDate: '2026-07-13T09:00:00.000Z' });
    tasks.bobs = await create(bob, { title: 'Bob’s', dueDate: '2026-07-10T09:00:00.000Z' });
    const del = await call(alice, 'DELETE', `/api/v1/tasks/${tasks.deleted.id}`);
    expect(del.statusCode, del.body).toBe(204);
  });

  afterAll(async () => {
    await ctx?.close();
  });

  const uidOf = (t: Task) => `${t.id}@${host}`;
  /** The parsed item of a task (it must be there). */
  const itemOf = (parsed: Parsed, t: Task | undefined) => {
    const item = parsed[uidOf(t as Task)];
    expect(item, t?.title).toBeDefined();
    return item as Record<string, unknown>;
  };

  it('POST /calendar/feed: 200 { url } under APP_URL with a 256-bit token, kept only as its SHA-256', async () => {
    const url = await newFeed(alice);
    const m = new RegExp(`^${ctx.config.appUrl}/api/v1/calendar/([A-Za-z0-9_-]{43})\\.ics$`).exec(url);
    expect(m, url).not.toBeNull();
    const token = m?.[1] as string;
    const rows = await ctx.database.db.select().from(calendarFeeds).where(eq(calendarFeeds.userId, alice.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(token);
    // Signed out: 401.
    expect((await ctx.app.inject({ method: 'POST', url: FEED })).statusCode).toBe(401);
  });

  it('serves every dated task with its fields as VTODO, without a session; undated, deleted and Bob’s absent', async () => {
    const res = await fetchFeed(await newFeed(alice));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers['cache-control']).toBe('private, max-age=300');
    expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const ics = res.body;
    assertWellFormed(ics);

    // ical.js: the calendar's own properties.
    const cal = new ICAL.Component(ICAL.parse(ics));
    expect(cal.name).toBe('vcalendar');
    expect(cal.getFirstPropertyValue('version')).toBe('2.0');
    expect(cal.getFirstPropertyValue('prodid')).toBe('-//Primetrade//Primetrade Tasks//EN');
    expect(cal.getFirstPropertyValue('calscale')).toBe('GREGORIAN');
    expect(cal.getFirstPropertyValue('x-wr-calname')).toBe('Primetrade Tasks (Alice)');
    expect(cal.getAllSubcomponents('vevent')).toHaveLength(0);

    const parsed = (nodeIcal.sync.parseICS as (ics: string) => unknown)(ics) as Parsed;
    const items = Object.values(parsed).filter((c) => c.type === 'VTODO');
    const expected = [tasks.allDay, tasks.timed, tasks.done, tasks.cancelled, tasks.tricky, tasks.long];
    expect(items.map((c) => c.uid).sort()).toEqual(expected.map((t) => uidOf(t as Task)).sort());
    for (const absent of [tasks.undated, tasks.deleted, tasks.bobs])
      expect(parsed[uidOf(absent as Task)]).toBeUndefined();

    // Every item: UID, DTSTAMP (= last change), SUMMARY, STATUS, PRIORITY, LAST-MODIFIED, SEQUENCE.
    const statuses = {
      pending: 'NEEDS-ACTION',
      in_progress: 'IN-PROCESS',
      completed: 'COMPLETED',
      cancelled: 'CANCELLED',
    };
    const priorities = { urgent: '1', high: '3', medium: '5', low: '9' };
    for (const t of expected as Task[]) {
      const item = parsed[uidOf(t)] as Record<string, unknown>;
      expect(item.summary).toBe(t.title);
      expect(item.status).toBe(statuses[t.status]);
      expect(item.priority).toBe(priorities[t.priority]);
      expect((item.dtstamp as Date).toISOString()).toBe(seconds(t.updatedAt));
      expect((item.lastmodified as Date).toISOString()).toBe(seconds(t.updatedAt));
      expect(item.sequence).toBe(t.version);
      expect(Object.keys(item)).not.toContain('rrule'); // no task has a recurrence (the field is not in Task yet)
    }

    // All day: a DATE on the local day; timed: the instant in UTC.
    const allDay = cal
      .getAllSubcomponents('vtodo')
      .find((c) => c.getFirstPropertyValue('uid') === uidOf(tasks.allDay as Task));
    const due = allDay?.getFirstPropertyValue('due') as ICAL.Time;
    expect(due.isDate).toBe(true);
    expect(due.toString()).toBe('2026-07-10');
    expect(ics).toContain('DUE;VALUE=DATE:20260710\r\n');
    expect(ics).toContain('DUE:20260710T153000Z\r\n');
    expect((itemOf(parsed, tasks.timed).due as Date).toISOString()).toBe('2026-07-10T15:30:00.000Z');

    // DESCRIPTION and CATEGORIES (a tag with a comma stays one tag).
    const timed = parsed[uidOf(tasks.timed as Task)] as Record<string, unknown>;
    expect(timed.description).toBe('Notes, with; punctuation\\ and\nlines');
    expect(timed.categories).toEqual(['work', 'a,b']);
    expect(parsed[uidOf(tasks.allDay as Task)]?.description).toBeUndefined();

    // COMPLETED on the completed task only.
    expect((itemOf(parsed, tasks.done).completed as Date).toISOString()).toBe(seconds(tasks.done?.completedAt));
    expect(parsed[uidOf(tasks.timed as Task)]?.completed).toBeUndefined();
  });

  it('a title with , ; \\ and a newline, and a long UTF-8 title (folded), round-trip exactly through both parsers', async () => {
    const ics = (await fetchFeed(await newFeed(alice))).body;
    assertRoundTrip(ics, uidOf(tasks.tricky as Task), TRICKY);
    assertRoundTrip(ics, uidOf(tasks.long as Task), LONG);
    expect(Buffer.byteLength(`SUMMARY:${LONG}`)).toBeGreaterThan(150); // it had to be folded
    expect(ics).toContain('SUMMARY:Pay rent\\, bills\\; and\\\\or taxes\\nsecond line\r\n');
  });

  it('planted faults: the same checks fail on a feed written without escaping, and on one without folding', async () => {
    const ics = (await fetchFeed(await newFeed(alice))).body;
    const escaped = 'SUMMARY:Pay rent\\, bills\\; and\\\\or taxes\\nsecond line';
    const unescaped = ics.replace(escaped, `SUMMARY:${TRICKY.replace('\n', '\r\n')}`);
    expect(unescaped).not.toBe(ics);
    expect(() => assertRoundTrip(unescaped, uidOf(tasks.tricky as Task), TRICKY)).toThrow();
    const unfolded = ics.replace(/\r\n /g, '');
    expect(unfolded).not.toBe(ics);
    expect(() => assertRoundTrip(unfolded, uidOf(tasks.long as Task), LONG)).toThrow();
    // …and the real one passes them.
    assertRoundTrip(ics, uidOf(tasks.tricky as Task), TRICKY);
  });

  it('ETag: If-None-Match → 304 while nothing changed; a task change gives a new body and tag', async () => {
    const url = await newFeed(alice);
    const first = await fetchFeed(url);
    const etag = first.headers.etag as string;
    const again = await fetchFeed(url, { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);
    const patched = await call(alice, 'PATCH', `/api/v1/tasks/${tasks.allDay?.id}`, { title: 'All day, renamed' });
    expect(patched.statusCode, patched.body).toBe(200);
    tasks.allDay = patched.json().data as Task;
    const changed = await fetchFeed(url, { 'if-none-match': etag });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    const item = ((nodeIcal.sync.parseICS as (ics: string) => unknown)(changed.body) as Parsed)[
      uidOf(tasks.allDay)
    ] as Record<string, unknown>;
    expect(item.summary).toBe('All day, renamed');
    expect(item.sequence).toBe(tasks.allDay.version);
  });

  it('?type=event: the same tasks as VEVENT (DTSTART all day or at the instant, transparent), no VTODO', async () => {
    const res = await fetchFeed(`${await newFeed(alice)}?type=event`);
    expect(res.statusCode, res.body).toBe(200);
    assertWellFormed(res.body);
    const cal = new ICAL.Component(ICAL.parse(res.body));
    expect(cal.getAllSubcomponents('vtodo')).toHaveLength(0);
    const events = cal.getAllSubcomponents('vevent');
    expect(events).toHaveLength(6);
    const allDay = new ICAL.Event(events.find((e) => e.getFirstPropertyValue('uid') === uidOf(tasks.allDay as Task)));
    expect(allDay.startDate.isDate).toBe(true);
    expect(allDay.startDate.toString()).toBe('2026-07-10');
    expect(allDay.summary).toBe(tasks.allDay?.title);
    const parsed = (nodeIcal.sync.parseICS as (ics: string) => unknown)(res.body) as Parsed;
    expect((itemOf(parsed, tasks.timed).start as Date).toISOString()).toBe('2026-07-10T15:30:00.000Z');
    expect(itemOf(parsed, tasks.tricky).summary).toBe(TRICKY);
    expect(res.body).toContain('TRANSP:TRANSPARENT');
    const bad = await fetchFeed(`${await newFeed(alice)}?type=journal`);
    expect(bad.statusCode).toBe(400);
  });

  it('rotation revokes the old URL at once; an unknown token is 404 without a session; DELETE turns it off', async () => {
    const old = await newFeed(alice);
    expect((await fetchFeed(old)).statusCode).toBe(200);
    const rotated = await newFeed(alice);
    expect(rotated).not.toBe(old);
    const gone = await fetchFeed(old);
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toMatchObject({ success: false, code: 'NOT_FOUND' });
    expect((await fetchFeed(rotated)).statusCode).toBe(200);

    const unknown = await ctx.app.inject({ method: 'GET', url: `/api/v1/calendar/${'A'.repeat(43)}.ics` });
    expect(unknown.statusCode).toBe(404);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/calendar/x.ics' })).statusCode).toBe(404);

    const off = await call(alice, 'DELETE', FEED);
    expect(off.statusCode).toBe(204);
    expect((await fetchFeed(rotated)).statusCode).toBe(404);
    expect((await call(alice, 'DELETE', FEED)).statusCode).toBe(204); // idempotent
    expect(await ctx.database.db.select().from(calendarFeeds).where(eq(calendarFeeds.userId, alice.id))).toHaveLength(
      0,
    );
    // Bob's feed is his own: only his task.
    const bobs = (await fetchFeed(await newFeed(bob))).body;
    const parsed = (nodeIcal.sync.parseICS as (ics: string) => unknown)(bobs) as Parsed;
    expect(
      Object.values(parsed)
        .filter((c) => c.type === 'VTODO')
        .map((c) => c.uid),
    ).toEqual([uidOf(tasks.bobs as Task)]);
  });

  it(`finished tasks leave the feed ${30} days after completion`, async () => {
    const url = await newFeed(alice);
    const token = /\/calendar\/([^/]+)\.ics$/.exec(url)?.[1] as string;
    const at = (days: number) =>
      new CalendarService({
        db: ctx.database.db,
        tasks: () => ctx.modules.tasks.service.reads,
        appUrl: ctx.config.appUrl,
        limits: { store: ctx.platform.rateLimitStore, max: 1_000_000, windowSec: 60 },
        now: () => new Date(Date.parse(tasks.done?.completedAt as string) + days * 86_400_000),
      }).feed(token, 'todo', { ip: '203.0.113.9', reply: undefined as never });
    const uid = uidOf(tasks.done as Task);
    expect((await at(29)).body).toContain(`UID:${uid}`);
    expect((await at(31)).body).not.toContain(`UID:${uid}`);
    expect((await at(31)).body).toContain(`UID:${uidOf(tasks.timed as Task)}`); // not done: stays
  });
});

describe.each(drivers())('calendar feed limits on %s', (driver) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(driver, { config: { rateLimit: { ...RATE_LIMITS_OFF, authIpMax: 3 } } });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('unknown tokens count per IP like the auth routes: 429 with Retry-After past the limit', async () => {
    const guess = (i: number) => ctx.app.inject({ method: 'GET', url: `/api/v1/calendar/guess${i}.ics` });
    for (let i = 0; i < 3; i++) expect((await guess(i)).statusCode).toBe(404);
    const limited = await guess(3);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.json()).toMatchObject({ code: 'RATE_LIMITED' });
  });
});

describe('the RRULE of a recurring task', () => {
  const base: Task & { dueDate: string } = {
    id: '00000000-0000-4000-8000-000000000001',
    title: 'Standup',
    description: '',
    status: 'pending',
    priority: 'medium',
    dueDate: '2026-03-01T23:00:00.000Z', // midnight 2 March in Berlin: all day
    tags: [],
    completedAt: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-02T00:00:00.000Z',
    version: 1,
    projectId: '00000000-0000-4000-8000-000000000002',
    assigneeId: null,
    parentId: null,
    position: null,
    subtaskCount: 0,
    subtaskDoneCount: 0,
    recurrence: null,
    reminders: [],
  };
  const cal = { host: 'tasks.example', name: 'T', timezone: 'Europe/Berlin', type: 'todo' as const };

  it('a task carrying `recurrence` gets an RRULE (UNTIL a DATE for an all-day task, COUNT), parsed back', () => {
    const recurring = {
      ...base,
      recurrence: { rule: 'FREQ=WEEKLY;BYDAY=MO,WE', mode: 'due', until: '2026-06-30T21:59:00.000Z' },
    };
    const counted = {
      ...base,
      id: '00000000-0000-4000-8000-000000000003',
      dueDate: '2026-03-02T09:00:00.000Z',
      recurrence: { rule: 'RRULE:FREQ=MONTHLY;BYMONTHDAY=31', count: 5 },
    };
    const ics = writeFeed([recurring, counted] as Array<Task & { dueDate: string }>, cal);
    assertWellFormed(ics);
    expect(ics).toContain('RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260630\r\n');
    expect(ics).toContain('RRULE:FREQ=MONTHLY;COUNT=5;BYMONTHDAY=31\r\n');
    const comp = new ICAL.Component(ICAL.parse(ics));
    const rules = comp
      .getAllSubcomponents('vtodo')
      .map((c) => (c.getFirstPropertyValue('rrule') as ICAL.Recur).toString());
    expect(rules).toEqual(['FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260630', 'FREQ=MONTHLY;COUNT=5;BYMONTHDAY=31']);
    expect(writeFeed([base], cal)).not.toContain('RRULE');
  });
});
