/**
 * The tasks indexes without downtime (issue 15 item 1; docs/operations.md "Tasks indexes"): migrations 0014/0019
 * build them only on a small table; ensureTaskIndexes builds what is missing — CONCURRENTLY on PostgreSQL, where an
 * INSERT into tasks is not blocked while it runs (lock_timeout on the insert; the same check against a plain
 * CREATE INDEX is refused, so it can fail) — and rebuilds an INVALID one left by an interrupted build.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestContext, drivers, type TestContext } from '../../test/context';
import { createUser } from '../../test/factories';
import { buildTaskIndex, TASK_INDEXES, taskIndexStates } from './projects.backfill.repo';
import { ensureTaskIndexes } from './index';

vi.setConfig({ testTimeout: 600_000, hookTimeout: 600_000 });

const ROWS = Number(process.env.INDEX_TEST_TASKS ?? 150_000);
const SLOW = 'tasks_project_title_trgm_idx';

const MIGRATIONS = new URL('../../../drizzle/', import.meta.url);
/** Built in its migration whatever the table's size, and why. */
const BUILT_IN_MIGRATION: Record<string, string> = {
  // Its predicate matches no row of an upgraded table (series_id is new), so the build is one sequential read
  // under the SHARE lock (138 ms at 204,000 tasks, ~0.7 s at 1,000,000), and completing a recurring task relies
  // on it from the first request (ON CONFLICT DO NOTHING decides between racing completions).
  tasks_series_key: 'migration 0023',
};

/** The `CREATE INDEX … ON "tasks"` of a migration: each index's name and whether the size check guards it. */
function tasksIndexBuilds(text: string): Array<{ name: string; guarded: boolean }> {
  const guarded = [...text.matchAll(/DO \$\$([\s\S]*?)END \$\$;/g)]
    .map((m) => m[1] ?? '')
    .filter((block) => /SELECT count\(\*\) FROM \(SELECT 1 FROM "tasks" LIMIT 10001\) t\) <= 10000 THEN/.test(block));
  const names = (t: string) =>
    [...t.matchAll(/CREATE (?:UNIQUE )?INDEX "(\w+)" ON "tasks"/g)].map((m) => m[1] as string);
  const inGuard = new Set(guarded.flatMap(names));
  return names(text).map((name) => ({ name, guarded: inGuard.has(name) }));
}

describe('tasks indexes in the migrations', () => {
  it('from 0014 on, every tasks index is built in its migration only on a small table, and ensureTaskIndexes knows it', () => {
    const files = readdirSync(MIGRATIONS).filter((f) => /^\d{4}_.*\.sql$/.test(f) && Number(f.slice(0, 4)) >= 14);
    expect(files.length).toBeGreaterThanOrEqual(13);
    const unguarded: string[] = [];
    for (const file of files) {
      for (const { name, guarded } of tasksIndexBuilds(readFileSync(new URL(file, MIGRATIONS), 'utf8'))) {
        if (name in BUILT_IN_MIGRATION) continue;
        if (!guarded) unguarded.push(`${file}: ${name}`);
        expect(TASK_INDEXES, `${file}: ${name}`).toHaveProperty(name);
      }
    }
    expect(unguarded).toEqual([]);
    // The check can fail: 0017 as it was (tasks_board_key built whatever the size, a write lock on a big table).
    const before =
      'CREATE UNIQUE INDEX "tasks_board_key" ON "tasks" USING btree ("project_id") WHERE deleted_at is null;';
    expect(tasksIndexBuilds(before)).toEqual([{ name: 'tasks_board_key', guarded: false }]);
  });
});

describe.each(drivers())('tasks indexes on %s', (driver) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(driver);
  });
  afterAll(async () => ctx?.close());

  const states = async () => taskIndexStates(ctx.database.db, driver === 'postgres');

  it('a fresh (small) database has every tasks index from the migration; the job is then a no-op', async () => {
    const all = await states();
    expect(all.map((s) => s.name).sort()).toEqual(Object.keys(TASK_INDEXES).sort());
    expect(all.every((s) => s.valid)).toBe(true);
    const again = await ensureTaskIndexes(ctx.database.db, { concurrently: driver === 'postgres' });
    expect([...again.built, ...again.repaired]).toEqual([]);
  });

  it('a missing index is built again (resumable: only what is missing)', async () => {
    await ctx.database.db.execute(sql.raw('drop index "tasks_project_tags_idx"'));
    const out = await ensureTaskIndexes(ctx.database.db, { concurrently: driver === 'postgres' });
    expect(out.built).toEqual(['tasks_project_tags_idx']);
    expect((await states()).find((s) => s.name === 'tasks_project_tags_idx')?.valid).toBe(true);
  });

  it('tasks_id_key (deferred like the others on a big table) is built again as a unique index', async () => {
    await ctx.database.db.execute(sql.raw('drop index "tasks_id_key"'));
    const out = await ensureTaskIndexes(ctx.database.db, { concurrently: driver === 'postgres' });
    expect(out.built).toEqual(['tasks_id_key']);
    const res = await ctx.database.db.execute(
      sql.raw(`select i.indisunique as u from pg_index i join pg_class c on c.oid = i.indexrelid
               where c.relname = 'tasks_id_key'`),
    );
    const rows = (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as Array<{ u: boolean }>;
    expect(rows.map((r) => r.u)).toEqual([true]);
  });

  it('tasks_board_key is built again as a unique index; a position held twice is unplaced first on the newer task', async () => {
    const db = ctx.database.db;
    const rowsOf = (res: unknown) => (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows);
    const user = await createUser(ctx.platform);
    await db.execute(sql.raw('drop index "tasks_board_key"'));
    // Written while the index was missing: two tasks of one column at the same position.
    await db.execute(sql`
      insert into tasks (user_id, title, status, position, created_at)
      values (${user.id}::uuid, 'older', 'pending', 'm', now() - interval '1 minute'),
             (${user.id}::uuid, 'newer', 'pending', 'm', now()),
             (${user.id}::uuid, 'other column', 'completed', 'm', now())`);
    const out = await ensureTaskIndexes(db, { concurrently: driver === 'postgres' });
    expect(out.built).toEqual(['tasks_board_key']);
    const unique = rowsOf(
      await db.execute(
        sql.raw(`select i.indisunique as u, i.indisvalid as v from pg_index i join pg_class c on c.oid = i.indexrelid
                 where c.relname = 'tasks_board_key'`),
      ),
    );
    expect(unique).toEqual([{ u: true, v: true }]);
    const tasks = rowsOf(
      await db.execute(sql`select title, position from tasks where user_id = ${user.id}::uuid order by title`),
    );
    expect(tasks).toEqual([
      { title: 'newer', position: null },
      { title: 'older', position: 'm' },
      { title: 'other column', position: 'm' },
    ]);
  });
});

describe.each(drivers().filter((d) => d === 'postgres'))(
  `tasks indexes under writes on %s (${ROWS} tasks)`,
  (driver) => {
    let ctx: TestContext;
    let admin: pg.Client;
    let writer: pg.Client;
    let userId: string;

    beforeAll(async () => {
      ctx = await createTestContext(driver);
      const { connectionString } = (ctx.database.pool?.options ?? {}) as { connectionString: string };
      admin = new pg.Client({ connectionString });
      writer = new pg.Client({ connectionString });
      await Promise.all([admin.connect(), writer.connect()]);
      userId = (await createUser(ctx.platform)).id;
      await admin.query(
        `insert into tasks (user_id, title) select $1, 'bulk title ' || md5(g::text) from generate_series(1, ${ROWS}) g`,
        [userId],
      );
      await admin.query('analyze tasks');
    });
    afterAll(async () => {
      await Promise.all([admin?.end(), writer?.end()]);
      await ctx?.close();
    });

    /** Wait until a CREATE INDEX on tasks is running (its progress row or its lock is visible). */
    async function buildRunning(): Promise<boolean> {
      for (let i = 0; i < 400; i++) {
        const r = await admin.query(
          `select 1 from pg_stat_progress_create_index p where p.relid = 'tasks'::regclass
         union all
         select 1 from pg_locks l where l.relation = 'tasks'::regclass and l.mode = 'ShareLock' and l.granted`,
        );
        if (r.rowCount) return true;
        await new Promise((r) => setTimeout(r, 5));
      }
      return false;
    }

    /** Wait until an index of that name is in the catalogue (seen from another session: committed). */
    async function inCatalogue(name: string): Promise<boolean> {
      for (let i = 0; i < 400; i++) {
        const r = await admin.query(`select 1 from pg_class where relname = $1 and relkind = 'i'`, [name]);
        if (r.rowCount) return true;
        await new Promise((r) => setTimeout(r, 5));
      }
      return false;
    }

    /** An INSERT into tasks that gives up after 300 ms of waiting for a lock: the answer, or the error. */
    async function insertWithLockTimeout(): Promise<string> {
      try {
        await writer.query('begin');
        await writer.query(`set local lock_timeout = '300ms'`);
        await writer.query(`insert into tasks (user_id, title) values ($1, 'written during the build')`, [userId]);
        await writer.query('commit');
        return 'inserted';
      } catch (err) {
        await writer.query('rollback');
        return (err as Error).message;
      }
    }

    it('an INSERT is not blocked while the index is built CONCURRENTLY (and is blocked by a plain build)', async () => {
      // Planted fault first: a plain CREATE INDEX holds a SHARE lock for the whole build; the insert times out.
      await admin.query(`drop index if exists "${SLOW}"`);
      const plain = buildTaskIndex(ctx.database.db, SLOW, false);
      expect(await buildRunning()).toBe(true);
      expect(await insertWithLockTimeout()).toMatch(/lock timeout/);
      await plain;

      await admin.query(`drop index "${SLOW}"`);
      const job = ensureTaskIndexes(ctx.database.db, { concurrently: true });
      expect(await buildRunning()).toBe(true);
      expect(await insertWithLockTimeout()).toBe('inserted');
      const out = await job;
      expect(out.built).toEqual([SLOW]);
      const state = (await taskIndexStates(ctx.database.db, true)).find((s) => s.name === SLOW);
      expect(state).toMatchObject({ valid: true, building: false });
    });

    it('a concurrent build cancelled half-way leaves an INVALID index; the job drops and builds it again', async () => {
      const { connectionString } = (ctx.database.pool?.options ?? {}) as { connectionString: string };
      const builder = new pg.Client({ connectionString });
      await builder.connect();
      try {
        await admin.query(`drop index "${SLOW}"`);
        const build = builder.query(`create index concurrently "${SLOW}" on "tasks" ${TASK_INDEXES[SLOW]}`).then(
          () => 'finished',
          (e: Error) => e.message,
        );
        expect(await buildRunning()).toBe(true);
        // The progress row appears as the command starts, before its first transaction has committed the
        // catalogue entry; a cancel then leaves no index at all. Wait for the entry (phase 1 committed).
        expect(await inCatalogue(SLOW)).toBe(true);
        await admin.query(
          `select pg_cancel_backend(pid) from pg_stat_progress_create_index where relid = 'tasks'::regclass`,
        );
        expect(await build).toMatch(/cancel/i);
      } finally {
        await builder.end();
      }
      expect((await taskIndexStates(ctx.database.db, true)).find((s) => s.name === SLOW)).toMatchObject({
        valid: false,
        building: false,
      });
      const out = await ensureTaskIndexes(ctx.database.db, { concurrently: true });
      expect(out.repaired).toEqual([SLOW]);
      expect((await taskIndexStates(ctx.database.db, true)).find((s) => s.name === SLOW)?.valid).toBe(true);
    });

    it('an INVALID index (marked so in the catalogue) is dropped and built again, and used', async () => {
      // What a cancelled or crashed CREATE INDEX CONCURRENTLY leaves behind: the index exists, marked invalid.
      const name = 'tasks_project_title_idx';
      await admin.query(`update pg_index set indisvalid = false where indexrelid = '"${name}"'::regclass`);
      expect((await taskIndexStates(ctx.database.db, true)).find((s) => s.name === name)?.valid).toBe(false);
      const out = await ensureTaskIndexes(ctx.database.db, { concurrently: true });
      expect(out.repaired).toEqual([name]);
      expect((await taskIndexStates(ctx.database.db, true)).find((s) => s.name === name)?.valid).toBe(true);
      // The planner uses it again.
      const plan = await admin.query(
        `explain select id from tasks where project_id = (select project_id from tasks limit 1) and deleted_at is null
       order by title, id limit 20`,
      );
      expect(JSON.stringify(plan.rows)).toContain(name);
    });
  },
);
