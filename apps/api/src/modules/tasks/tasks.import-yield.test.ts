/**
 * R11 (issue 13 item 2): one user's import or export does not stop other users' requests. On PGlite (one session
 * on the API's thread) the import commits in short pieces with a loop turn between them, so another user's
 * requests are answered while it runs; a failure midway leaves nothing behind (the pieces are deleted again, with
 * their `deleted` history). On PostgreSQL the import is one transaction and the same holds.
 * Small sizes (hundreds of rows); bench/r11.mjs measures the bar itself (10,000 rows, 100k tasks).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { drivers, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';
import { createTasksContext, importTasks, postTask } from '../../test/tasks-http';

// Real databases on a shared, busy machine: generous limits, no assertion on speed.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const BASE = '/api/v1/tasks';
const ROWS = 300;
const DESCRIPTION = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. '.repeat(11);

describe.each(drivers())('import and export yield to other users on %s', (driver) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTasksContext(driver);
  });
  afterAll(async () => ctx?.close());

  const importAs = (u: TestUser, payload: unknown, type?: string) => importTasks(ctx, u, payload, type);

  /** B's GET /tasks?limit=5, one after another until `work` settles: how many were answered meanwhile. */
  async function answeredDuring<T>(b: TestUser, work: Promise<T>): Promise<{ result: T; answered: number }> {
    let settled = false;
    const tracked = work.finally(() => {
      settled = true;
    });
    let answered = 0;
    while (!settled) {
      const res = await ctx.app.inject({ method: 'GET', url: `${BASE}?limit=5`, headers: b.headers });
      expect(res.statusCode).toBe(200);
      expect(res.json().data).toHaveLength(1);
      if (!settled) answered++;
    }
    return { result: await tracked, answered };
  }

  const count = async (userId: string, table: 'tasks' | 'task_activity', type?: string) => {
    const r = (await ctx.database.db.execute(
      type
        ? sql`select count(*)::int as n from task_activity where user_id = ${userId} and type = ${type}`
        : sql`select count(*)::int as n from ${sql.identifier(table)} where user_id = ${userId}`,
    )) as unknown as { rows: Array<{ n: number }> };
    return r.rows[0]?.n ?? -1;
  };

  it('answers another user while a CSV import of long rows runs, and imports every row', async () => {
    const a = await createUser(ctx.platform);
    const b = await createUser(ctx.platform);
    expect((await postTask(ctx, b, { title: 'b task' })).statusCode).toBe(201);
    const lines = ['title,description,priority,tags'];
    for (let i = 0; i < ROWS; i++) lines.push(`Task ${i},"${DESCRIPTION} ${i}",high,r11;x`);
    const { result, answered } = await answeredDuring(b, importAs(a, `${lines.join('\r\n')}\r\n`, 'text/csv'));
    expect(result.statusCode).toBe(200);
    expect(result.json().data).toEqual({ imported: ROWS, failed: [] });
    expect(await count(a.id, 'tasks')).toBe(ROWS);
    // The old import held PGlite in one transaction: B's first request waited for all of it (0–1 answered).
    expect(answered).toBeGreaterThanOrEqual(10);
  });

  it('answers another user while an export streams', async () => {
    const a = await createUser(ctx.platform);
    const b = await createUser(ctx.platform);
    expect((await postTask(ctx, b, { title: 'b task' })).statusCode).toBe(201);
    const rows = Array.from({ length: 1200 }, (_, i) => ({ title: `Task ${i}`, description: DESCRIPTION }));
    expect((await importAs(a, rows)).json().data.imported).toBe(1200);
    const { result, answered } = await answeredDuring(
      b,
      ctx.app.inject({ method: 'GET', url: `${BASE}/export?format=csv`, headers: a.headers }),
    );
    expect(result.statusCode).toBe(200);
    expect(result.body.split('\r\n').filter(Boolean)).toHaveLength(1201);
    // PGlite (one session): the export's batches take turns with B's requests, so several are answered. PostgreSQL
    // serves B on another pooled connection; how many fit in the export's few hundred ms depends on the machine's
    // load (CI saw 2), so there the claim is only that B was answered while it streamed.
    expect(answered).toBeGreaterThanOrEqual(driver === 'pglite' ? 3 : 1);
  });

  it('leaves nothing behind when the import fails midway (a planted failure on one row)', async () => {
    const a = await createUser(ctx.platform);
    // A fault the row checks cannot see: the database refuses one title.
    await ctx.database.db.execute(sql`
      create or replace function r11_planted() returns trigger language plpgsql as $$
      begin if new.title = 'boom' then raise exception 'planted failure'; end if; return new; end $$`);
    await ctx.database.db.execute(
      sql`create trigger r11_planted before insert on tasks for each row execute function r11_planted()`,
    );
    try {
      const rows = Array.from({ length: ROWS }, (_, i) => ({ title: i === ROWS - 20 ? 'boom' : `Task ${i}` }));
      const res = await importAs(a, rows);
      expect(res.statusCode).toBe(500);
      expect(await count(a.id, 'tasks')).toBe(0);
      // Every task that was created (and maybe published) is deleted again, visibly.
      expect(await count(a.id, 'task_activity', 'deleted')).toBe(await count(a.id, 'task_activity', 'created'));
      if (driver === 'pglite') expect(await count(a.id, 'task_activity', 'created')).toBeGreaterThan(0);
      else expect(await count(a.id, 'task_activity', 'created')).toBe(0); // one transaction, rolled back
    } finally {
      await ctx.database.db.execute(sql`drop trigger if exists r11_planted on tasks`);
      await ctx.database.db.execute(sql`drop function if exists r11_planted()`);
    }
    // The next import works, and the failure left the user's list empty before it.
    expect((await importAs(a, [{ title: 'after' }])).json().data.imported).toBe(1);
    expect(await count(a.id, 'tasks')).toBe(1);
  });
});
