/**
 * Search at scale: words first with a typo fallback that later pages keep, and ranked search bounded to the most
 * recent matches (both candidate strategies: a common word found among the newest tasks, a rare word in old
 * ones), while `sort=` with `q=` walks every match.
 */
import type { Task } from '@primetrade/shared';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';
import { createTasksContext } from '../../test/tasks-http';
import { rankedSearchLimits } from './tasks.search';

const { candidates } = rankedSearchLimits('words');

describe.each(drivers())('search at scale on %s', (driver) => {
  let ctx: TestContext;
  let u: TestUser;

  /** Every page of a cursor walk. */
  async function walk(qs: string, limit = 50): Promise<Task[]> {
    const all: Task[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/tasks?${qs}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await ctx.app.inject({ method: 'GET', url, headers: u.headers });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      all.push(...body.data);
      cursor = body.meta.nextCursor;
    } while (cursor);
    return all;
  }

  beforeAll(async () => {
    ctx = await createTasksContext(driver);
    u = await createUser(ctx.platform);
    // 300 "harbour" tasks, newest first by minute, every 7th with the word also in its title (ranks higher);
    // 3,500 newer filler tasks push a rare word ("zeppelin", 5 old tasks) out of the recent window.
    await ctx.database.db.execute(sql`
      insert into tasks (user_id, title, description, created_at)
      select ${u.id}::uuid,
             case when g % 7 = 0 then 'harbour inspection ' || g else 'item ' || g end,
             'notes about the harbour ' || g,
             now() - interval '1 day' - g * interval '1 minute'
      from generate_series(1, 300) g`);
    await ctx.database.db.execute(sql`
      insert into tasks (user_id, title, description, created_at)
      select ${u.id}::uuid, 'zeppelin ride ' || g, '', now() - interval '30 days' - g * interval '1 minute'
      from generate_series(1, 5) g`);
    await ctx.database.db.execute(sql`
      insert into tasks (user_id, title, description, created_at)
      select ${u.id}::uuid, 'filler ' || g, 'plain', now() - g * interval '1 second'
      from generate_series(1, 3500) g`);
    await ctx.database.db.execute(sql`analyze tasks`);
  }, 300_000);
  afterAll(async () => ctx?.close());

  it(`a ranked search ranks the ${candidates} most recent matches, title matches first`, async () => {
    const ranked = await walk('q=harbour');
    expect(ranked).toHaveLength(candidates);
    const newest = (await walk('q=harbour&sort=-createdAt')).slice(0, candidates);
    expect(new Set(ranked.map((t) => t.id))).toEqual(new Set(newest.map((t) => t.id)));
    const titled = ranked.findIndex((t) => !t.title.startsWith('harbour'));
    expect(titled).toBeGreaterThan(0);
    expect(ranked.slice(titled).every((t) => !t.title.startsWith('harbour'))).toBe(true);
    const page = await ctx.app.inject({ method: 'GET', url: '/api/v1/tasks?q=harbour&page=1', headers: u.headers });
    expect(page.json().meta.total).toBe(candidates);
  });

  it('sort= with q= walks every match', async () => {
    expect(await walk('q=harbour&sort=title', 100)).toHaveLength(300);
  });

  it('a rare word beyond the recent window is still found', async () => {
    const found = await walk('q=zeppelin');
    expect(found.map((t) => t.title).sort()).toEqual([1, 2, 3, 4, 5].map((g) => `zeppelin ride ${g}`).sort());
  });

  it('falls back to typo matching only when no task matches the words, and later pages keep that mode', async () => {
    const exact = await walk('q=zeppelin');
    expect(exact.every((t) => t.title.includes('zeppelin'))).toBe(true);
    const typo = await walk('q=zepelin', 2);
    expect(typo.map((t) => t.title).sort()).toEqual(exact.map((t) => t.title).sort());
    const export_ = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/tasks/export?format=json&q=zepelin',
      headers: u.headers,
    });
    expect(export_.statusCode).toBe(200);
    expect((export_.json() as Task[]).length).toBe(5);
  });
});
