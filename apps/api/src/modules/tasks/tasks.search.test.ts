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
import { statementCounter } from '../../test/statement-counter';
import { createTasksContext } from '../../test/tasks-http';
import { listTasks } from './tasks.list.repo';
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

  it("an uncommon word's path (GIN only) ranks the same candidates in the same order as the window path", async () => {
    const projectIds = [await ctx.modules.projects.policy.inboxId(u.id)];
    // filler: common, the window holds 200 of its matches; harbour: out of the window; zeppelin: rare and old.
    for (const q of ['filler', 'harbour', 'harbour inspection', 'zeppelin', 'nothingmatches']) {
      const page = (rareWords: boolean) =>
        listTasks(ctx.database.db, {
          userId: u.id,
          filters: { projectIds, q, rareWords },
          sort: { field: 'rank', desc: true },
          limit: candidates + 50,
        });
      const [window, gin] = [await page(false), await page(true)];
      expect(
        gin.tasks.map((t) => t.id),
        q,
      ).toEqual(window.tasks.map((t) => t.id));
      expect(gin.sortKeys, q).toEqual(window.sortKeys);
      const expected: Record<string, number> = {
        filler: candidates,
        harbour: candidates,
        'harbour inspection': 42,
        zeppelin: 5,
        nothingmatches: 0,
      };
      expect(gin.tasks.length, q).toBe(expected[q]);
    }
  });

  it("the API reads PostgreSQL's common lexemes and takes the GIN-only path for a word they do not know", async () => {
    const get = (q: string) => ctx.app.inject({ method: 'GET', url: `/api/v1/tasks?q=${q}`, headers: u.headers });
    const counter = statementCounter(() => ctx.database.pglite);
    await counter.install();
    try {
      // The first search starts loading the statistics and does not wait for them (its words are not known yet):
      // ask until they have arrived (a few requests on a busy machine).
      let rare: string[] = [];
      for (let i = 0; i < 50; i++) {
        rare = await counter.count(() => get('nothingmatches'));
        if (rare[0]?.trimStart().startsWith('with matches as materialized')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      // The words attempt through the GIN index alone (no window), then the typo fallback's own statement.
      expect(rare[0]?.trimStart(), rare.join('\n')).toMatch(/^with matches as materialized/);
      expect(rare).toHaveLength(2);
      const common = await counter.count(() => get('filler'));
      expect(common, common.join('\n')).toHaveLength(1);
      expect(common[0]?.trimStart()).toMatch(/^with recent as materialized/);
    } finally {
      counter.uninstall();
    }
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
