import type { Task } from '@primetrade/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { drivers, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';
import { createTasksContext } from '../../test/tasks-http';
import { seedTask } from './index';

// Real databases on a shared, busy machine: generous limits, no assertion on speed.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const BASE = '/api/v1/tasks';
const DAY = 86_400_000;

/** A task as the API returns it. */
type TaskJson = Task;

describe.each(drivers())('GET /tasks on %s', (driver) => {
  let ctx: TestContext;
  let u: TestUser;

  const list = async (user: TestUser, qs: string) => {
    const res = await ctx.app.inject({ method: 'GET', url: `${BASE}?${qs}`, headers: user.headers });
    return res;
  };
  const titles = async (user: TestUser, qs: string) => {
    const res = await list(user, qs);
    expect(res.statusCode, `${qs}: ${res.body}`).toBe(200);
    return (res.json().data as TaskJson[]).map((t) => t.title);
  };

  beforeAll(async () => {
    ctx = await createTasksContext(driver);
    u = await createUser(ctx.platform);
    const now = Date.now();
    const at = (minutes: number) => new Date(now - 100 * DAY + minutes * 60_000);
    await seedTask(ctx.database.db, u.id, {
      title: 'Quarterly report',
      description: 'numbers for the board',
      priority: 'high',
      tags: ['work', 'finance'],
      dueDate: new Date(now - DAY),
      createdAt: at(1),
    });
    await seedTask(ctx.database.db, u.id, {
      title: 'Buy groceries',
      description: 'milk, eggs, 100% organic_bread',
      priority: 'low',
      tags: ['home'],
      dueDate: new Date(now + 2 * DAY),
      createdAt: at(2),
    });
    await seedTask(ctx.database.db, u.id, {
      title: 'Plan holiday',
      description: 'look at flights to Lisbon',
      status: 'in_progress',
      priority: 'medium',
      tags: ['home', 'travel'],
      createdAt: at(3),
    });
    await seedTask(ctx.database.db, u.id, {
      title: 'Fix the bicycle',
      description: 'a report said the chain is rusty',
      status: 'completed',
      priority: 'urgent',
      dueDate: new Date(now - 2 * DAY),
      createdAt: at(4),
    });
    await seedTask(ctx.database.db, u.id, {
      title: 'Old idea',
      status: 'cancelled',
      priority: 'low',
      dueDate: new Date(now - 3 * DAY),
      createdAt: at(5),
    });
  });
  afterAll(async () => ctx?.close());

  it('lists newest first by default with cursor meta', async () => {
    const res = await list(u, '');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.success).toBe(true);
    expect(body.data.map((t: TaskJson) => t.title)).toEqual([
      'Old idea',
      'Fix the bicycle',
      'Plan holiday',
      'Buy groceries',
      'Quarterly report',
    ]);
    expect(body.meta).toEqual({ limit: 20, hasMore: false, nextCursor: null });
  });

  it('lists each task exactly as GET /tasks/:id returns it (timestamps, nulls, tags, version)', async () => {
    const listed = (await list(u, '')).json().data as TaskJson[];
    const paged = (await list(u, 'page=1')).json().data as TaskJson[];
    expect(paged).toEqual(listed);
    for (const t of listed) {
      const one = await ctx.app.inject({ method: 'GET', url: `/api/v1/tasks/${t.id}`, headers: u.headers });
      expect(t).toEqual(one.json().data);
    }
    expect(listed.some((t) => t.dueDate !== null && t.completedAt !== null)).toBe(true);
    expect(listed.some((t) => t.dueDate === null)).toBe(true);
  });

  it('filters by status and priority (one value or a comma list), tag, dates and overdue — combined with AND', async () => {
    expect(await titles(u, 'status=completed')).toEqual(['Fix the bicycle']);
    expect((await titles(u, 'status=pending,in_progress')).sort()).toEqual(
      ['Buy groceries', 'Plan holiday', 'Quarterly report'].sort(),
    );
    expect((await titles(u, 'priority=low')).sort()).toEqual(['Buy groceries', 'Old idea']);
    expect(await titles(u, 'priority=low&status=pending')).toEqual(['Buy groceries']);
    expect((await titles(u, 'tag=home')).sort()).toEqual(['Buy groceries', 'Plan holiday']);
    expect(await titles(u, 'tag=HOME&priority=medium')).toEqual(['Plan holiday']);
    expect(await titles(u, 'overdue=true')).toEqual(['Quarterly report']);
    expect((await titles(u, 'overdue=false')).sort()).toEqual(
      ['Buy groceries', 'Fix the bicycle', 'Old idea', 'Plan holiday'].sort(),
    );
    const now = new Date().toISOString();
    expect(await titles(u, `dueAfter=${encodeURIComponent(now)}`)).toEqual(['Buy groceries']);
    expect((await titles(u, `dueBefore=${encodeURIComponent(now)}`)).sort()).toEqual(
      ['Fix the bicycle', 'Old idea', 'Quarterly report'].sort(),
    );
  });

  it('refuses bad list queries with 400', async () => {
    for (const qs of [
      'status=done',
      'status=pending,,',
      'priority=critical',
      'sort=owner',
      'sort=--title',
      'limit=0',
      'limit=101',
      'limit=-1',
      'limit=abc',
      'limit=1e3',
      'page=0',
      'dueBefore=2030-02-31T00:00:00Z',
      'dueAfter=yesterday',
      'overdue=yes',
      'unknown=1',
      `q=${'x'.repeat(201)}`,
      'cursor=abc',
      'q=a%00b',
      'tag=a%00',
    ]) {
      const res = await list(u, qs);
      expect(res.statusCode, qs).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
  });

  it('accepts any valid offset in date filters (PostgreSQL limits some)', async () => {
    expect((await list(u, `dueBefore=${encodeURIComponent('2030-01-01T00:00:00+20:00')}`)).statusCode).toBe(200);
    expect((await list(u, `dueAfter=${encodeURIComponent('1999-01-01T00:00:00-23:59')}`)).statusCode).toBe(200);
  });

  it('sorts by every whitelisted field, both directions, ties on id', async () => {
    expect(await titles(u, 'sort=createdAt')).toEqual([
      'Quarterly report',
      'Buy groceries',
      'Plan holiday',
      'Fix the bicycle',
      'Old idea',
    ]);
    expect(await titles(u, 'sort=title')).toEqual([
      'Buy groceries',
      'Fix the bicycle',
      'Old idea',
      'Plan holiday',
      'Quarterly report',
    ]);
    expect((await titles(u, 'sort=-priority')).slice(0, 2)).toEqual(['Fix the bicycle', 'Quarterly report']);
    const byPriority = await list(u, 'sort=priority');
    const prios = (byPriority.json().data as TaskJson[]).map((t) => t.priority);
    expect(prios).toEqual(['low', 'low', 'medium', 'high', 'urgent']);
    const lows = (byPriority.json().data as TaskJson[]).slice(0, 2).map((t) => t.id);
    expect(lows).toEqual([...lows].sort());
    // Tasks without a due date sort last ascending (as if due at infinity), first descending.
    expect(await titles(u, 'sort=dueDate')).toEqual([
      'Old idea',
      'Fix the bicycle',
      'Quarterly report',
      'Buy groceries',
      'Plan holiday',
    ]);
    expect((await titles(u, 'sort=-dueDate'))[0]).toBe('Plan holiday');
    const upd = (await list(u, 'sort=-updatedAt')).json().data as TaskJson[];
    for (let i = 1; i < upd.length; i++) {
      expect((upd[i - 1] as TaskJson).updatedAt >= (upd[i] as TaskJson).updatedAt).toBe(true);
    }
  });

  it('searches title and description: words, prefixes, a typo; ranked; metacharacters are plain text', async () => {
    expect(await titles(u, 'q=quarterly')).toEqual(['Quarterly report']);
    expect(await titles(u, 'q=quart')).toEqual(['Quarterly report']);
    expect(await titles(u, 'q=quartely')).toEqual(['Quarterly report']);
    // A swapped pair of letters, the commonest typo, and a dropped letter in a short word.
    expect(await titles(u, 'q=qaurterly')).toEqual(['Quarterly report']);
    expect(await titles(u, 'q=holdiay')).toEqual(['Plan holiday']);
    expect(await titles(u, 'q=bicyle')).toEqual(['Fix the bicycle']);
    expect(await titles(u, 'q=zebra')).toEqual([]);
    expect(await titles(u, 'q=lisbon')).toEqual(['Plan holiday']);
    expect(await titles(u, 'q=FLIGHTS%20lisb')).toEqual(['Plan holiday']);
    // "report" is in a title and in another task's description: the title match ranks first.
    expect(await titles(u, 'q=report')).toEqual(['Quarterly report', 'Fix the bicycle']);
    expect(await titles(u, 'q=report&sort=title')).toEqual(['Fix the bicycle', 'Quarterly report']);
    expect(await titles(u, 'q=report&status=completed')).toEqual(['Fix the bicycle']);
    for (const q of [
      '%',
      '_',
      '%25',
      "'",
      '"',
      '\\',
      "' or zzz=zzz --",
      'a & b | !c',
      'x:*',
      '<->',
      '(',
      '100%',
      'é',
    ]) {
      const res = await list(u, `q=${encodeURIComponent(q)}`);
      expect(res.statusCode, q).toBe(200);
      if (q === '%' || q === '_' || q === "' or zzz=zzz --" || q === '\\') {
        expect(res.json().data, q).toEqual([]);
      }
    }
    expect(await titles(u, `q=${encodeURIComponent('100%')}`)).toEqual(['Buy groceries']);
    expect(await titles(u, `q=${encodeURIComponent('organic_bread')}`)).toEqual(['Buy groceries']);
  });

  it("a typo search matches its numbers exactly, so equal and unequal numbers are not an oracle (sqlmap's boolean check)", async () => {
    const v = await createUser(ctx.platform);
    for (const title of ['Invoice 2024', 'Invoice 2025', 'Alpha report'])
      await seedTask(ctx.database.db, v.id, { title });
    // "invoce" is a typo (no word matches, so the fallback runs); the number is not: 2024 is not 2025.
    expect(await titles(v, 'q=invoce%202024')).toEqual(['Invoice 2024']);
    expect(await titles(v, 'q=invoce%202026')).toEqual([]);
    expect((await titles(v, 'q=invoce')).sort()).toEqual(['Invoice 2024', 'Invoice 2025']);
    // sqlmap's boolean-based check compares `AND n=n` with `AND n=m`. Trigram similarity compares sets of trigrams,
    // so with the numbers in the compared text the first scored higher ("report AND 1234=1234" 0.44 against
    // "report AND 1234=5678" 0.33, threshold 0.35) and matched "Alpha report" while the second did not.
    for (const [same, differ] of [
      ['report AND 1234=1234', 'report AND 1234=5678'],
      ['report) AND 12=12 AND (56=56', 'report) AND 12=34 AND (56=56'],
      ['report AND 12=12 AND 34=34', 'report AND 12=34 AND 56=78'],
    ] as const) {
      const a = await titles(v, `q=${encodeURIComponent(same)}`);
      expect(a, same).toEqual(await titles(v, `q=${encodeURIComponent(differ)}`));
    }
  });

  it('page paging: page meta with totals', async () => {
    const res = await list(u, 'page=2&limit=2&sort=createdAt');
    expect(res.statusCode).toBe(200);
    expect(res.json().meta).toEqual({ page: 2, limit: 2, total: 5, totalPages: 3 });
    expect(res.json().data.map((t: TaskJson) => t.title)).toEqual(['Plan holiday', 'Fix the bicycle']);
    const far = await list(u, 'page=9&limit=2');
    expect(far.json().data).toEqual([]);
    expect(far.json().meta.total).toBe(5);
    const filtered = await list(u, 'page=1&status=completed');
    expect(filtered.json().meta).toEqual({ page: 1, limit: 20, total: 1, totalPages: 1 });
  });

  it('cursor paging walks every page; cursors are bound to the user and the query and tamper-checked', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const qs: string = `limit=2&sort=title${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await list(u, qs);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      seen.push(...body.data.map((t: TaskJson) => t.title));
      expect(body.meta.limit).toBe(2);
      expect(body.meta.hasMore).toBe(body.meta.nextCursor !== null);
      cursor = body.meta.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(['Buy groceries', 'Fix the bicycle', 'Old idea', 'Plan holiday', 'Quarterly report']);
    expect(pages).toBe(3);

    const first = (await list(u, 'limit=2')).json().meta.nextCursor as string;
    expect(first).toBeTruthy();
    // The same cursor works with another limit (limit is not part of the binding).
    expect((await list(u, `limit=3&cursor=${encodeURIComponent(first)}`)).statusCode).toBe(200);
    const other = await createUser(ctx.platform);
    const foreign = await list(other, `limit=2&cursor=${encodeURIComponent(first)}`);
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().code).toBe('VALIDATION_FAILED');
    expect((await list(u, `limit=2&sort=title&cursor=${encodeURIComponent(first)}`)).statusCode).toBe(400);
    expect((await list(u, `limit=2&status=pending&cursor=${encodeURIComponent(first)}`)).statusCode).toBe(400);
    const [payload, mac] = first.split('.') as [string, string];
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = `${Buffer.from(JSON.stringify({ ...decoded, k: '1970-01-01 00:00:00+00' })).toString('base64url')}.${mac}`;
    expect((await list(u, `limit=2&cursor=${encodeURIComponent(forged)}`)).statusCode).toBe(400);
    // Any changed character of the signature, including the last one (which also carries padding bits).
    for (const at of [0, 10, mac.length - 1]) {
      const ch = mac[at] === 'A' ? 'B' : 'A';
      const flipped = `${payload}.${mac.slice(0, at)}${ch}${mac.slice(at + 1)}`;
      expect((await list(u, `limit=2&cursor=${encodeURIComponent(flipped)}`)).statusCode).toBe(400);
    }
    expect((await list(u, `limit=2&cursor=${encodeURIComponent(`${first}.x`)}`)).statusCode).toBe(400);
    expect((await list(u, `page=1&cursor=${encodeURIComponent(first)}`)).statusCode).toBe(400);
  });

  it('ranked search pages with a cursor too', async () => {
    const res = await list(u, 'q=report&limit=1');
    expect(res.json().data[0].title).toBe('Quarterly report');
    const next = await list(u, `q=report&limit=1&cursor=${encodeURIComponent(res.json().meta.nextCursor)}`);
    expect(next.statusCode).toBe(200);
    expect(next.json().data.map((t: TaskJson) => t.title)).toEqual(['Fix the bicycle']);
    expect(next.json().meta.hasMore).toBe(false);
  });
});
