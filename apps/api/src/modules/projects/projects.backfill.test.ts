/**
 * The inbox backfill on PostgreSQL (issue 15 item 1): a copy with many tasks written as the previous release wrote
 * them (no project_id), moved in committed batches while other sessions keep reading and writing, interrupted
 * and resumed, then NOT NULL. BACKFILL_TASKS sets the size (default 60,000; the 1,000,000 with
 * BACKFILL_TASKS=1000000 — the figure is printed and recorded in docs/architecture.md).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestContext, drivers, type TestContext } from '../../test/context';
import { backfillInboxes } from './index';

vi.setConfig({ testTimeout: 1_800_000, hookTimeout: 1_800_000 });

const N = Number(process.env.BACKFILL_TASKS ?? 60_000);
const USERS = 200;

describe.each(drivers().filter((d) => d === 'postgres'))(`inbox backfill on %s (${N} tasks)`, (driver) => {
  let ctx: TestContext;
  let client: pg.Client;

  beforeAll(async () => {
    ctx = await createTestContext(driver);
    const { connectionString } = (ctx.database.pool?.options ?? {}) as { connectionString: string };
    client = new pg.Client({ connectionString });
    await client.connect();
    await client.query(
      `insert into users (email, name, password_hash)
       select 'bf-' || i || '@example.test', 'bf', 'x' from generate_series(1, ${USERS}) i`,
    );
    // The state the migration leaves: inboxes exist, tasks have no project (written by the old release).
    await client.query('alter table tasks disable trigger tasks_default_project');
    await client.query(
      `insert into tasks (user_id, title)
       select u.id, 'old ' || g from (select id, row_number() over (order by id) as r from users
                                      where email like 'bf-%') u,
            lateral generate_series(1, ${Math.ceil(N / USERS)}) g`,
    );
    await client.query('alter table tasks enable trigger tasks_default_project');
    await client.query('analyze tasks');
  });
  afterAll(async () => {
    await client?.end();
    await ctx?.close();
  });

  const count = async (q: string) => Number((await client.query(q)).rows[0].n);

  it('moves every task into its owner inbox in batches, resumable, with writes going on; then NOT NULL', async () => {
    const total = await count('select count(*)::int as n from tasks');
    expect(total).toBeGreaterThanOrEqual(N);
    expect(await count('select count(*)::int as n from tasks where project_id is null')).toBe(total);

    // Interrupted after 3 batches (a crash or a deploy): the committed batches stay.
    const stop = new Error('interrupted');
    await expect(
      backfillInboxes(ctx.database.db, {
        batch: 5000,
        onBatch: (_m, b) => {
          if (b === 3) throw stop;
        },
      }),
    ).rejects.toBe(stop);
    const left = await count('select count(*)::int as n from tasks where project_id is null');
    expect(left).toBe(total - 15_000);

    // Other sessions meanwhile: an old-release insert (no project_id) and updates keep working.
    const writes = (async () => {
      let n = 0;
      for (let i = 0; i < 20; i++) {
        await client.query(
          `insert into tasks (user_id, title) select id, 'during' from users where email = 'bf-1@example.test'`,
        );
        await client.query(
          `update tasks set title = title || '!' where id = (select id from tasks order by id limit 1)`,
        );
        n++;
      }
      return n;
    })();
    const t0 = performance.now();
    const out = await backfillInboxes(ctx.database.db, { batch: 5000 });
    const ms = performance.now() - t0;
    expect(await writes).toBe(20);
    process.stdout.write(
      `backfill: ${out.moved} tasks moved in ${out.batches} batches, ${Math.round(ms)} ms (${total} tasks in the table)\n`,
    );
    expect(out.moved).toBe(left);
    expect(await count('select count(*)::int as n from tasks where project_id is null')).toBe(0);
    // Every task is in its owner's inbox.
    expect(
      await count(`select count(*)::int as n from tasks t join projects p on p.id = t.project_id
                   where p.inbox_of is distinct from t.user_id`),
    ).toBe(0);
    const nn = await client.query(
      `select attnotnull from pg_attribute where attrelid = 'tasks'::regclass and attname = 'project_id'`,
    );
    expect(nn.rows[0].attnotnull).toBe(true);
    // Done: the next start is a no-op.
    expect((await backfillInboxes(ctx.database.db)).alreadyDone).toBe(true);
  });
});

describe('inbox backfill', () => {
  it('runs on PostgreSQL when TEST_DATABASE_URL is set', () => {
    expect(drivers()).toContain('pglite');
  });
});
