/**
 * The outbox relay's lock under real contention (issue 13, item 15): two relays, each on its own PostgreSQL
 * connection, drain the same outbox at the same moment — every round both transactions are open and both ask for
 * the lock before either goes on (a rendezvous before takeUnpublished, the statement that takes the lock with the
 * batch) — and every change is published exactly once. The same rounds with the lock planted out (each relay
 * takes a lock of its own, so both hold "the" lock) publish changes twice: the check fails without the lock.
 *
 * PostgreSQL only: PGlite has one connection, so two transactions can never be open at once there (the second waits
 * for the first to end), and the contention this test is about cannot happen.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testConfig } from '../../config';
import type { DbOrTx } from '../../infra/db/client';
import { EventBus } from '../../infra/events';
import { createTestContext, type TestContext } from '../../test/context';
import { createUser } from '../../test/factories';
import { TaskEventRelay } from './tasks.outbox';

const contention = vi.hoisted(() => ({
  /** While on, each takeUnpublished call waits for the other relay's call, so both ask inside open transactions. */
  rendezvous: false,
  /** The planted fault: every relay takes a lock key of its own (so each holds "the" lock), rows unlocked. */
  noLock: false,
  waiting: undefined as (() => void) | undefined,
  arrivals: 0,
}));

vi.mock('./tasks.outbox.repo', async (importOriginal) => {
  const orig = await importOriginal<typeof import('./tasks.outbox.repo')>();
  return {
    ...orig,
    takeUnpublished: async (tx: DbOrTx, batch: number) => {
      // The planted fault's own lock key for this call (a relay of its own: both hold "the" lock).
      const own = 1_000_000 + contention.arrivals + (contention.rendezvous ? 1 : 0);
      if (contention.rendezvous) {
        contention.arrivals++;
        // Both transactions have begun; neither asks for the lock before the other has arrived too.
        await new Promise<void>((resolve) => {
          const other = contention.waiting;
          if (other) {
            contention.waiting = undefined;
            other();
            resolve();
          } else contention.waiting = resolve;
        });
      }
      return orig.takeUnpublished(tx, batch, contention.noLock ? { lockKey: own, rowLocks: false } : {});
    },
  };
});

const N = 400;
const BATCH = 25;

describe.runIf(testConfig().testDatabaseUrl)('outbox relays contending on PostgreSQL', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext('postgres', { config: { outboxPollMs: 60_000 } });
    await ctx.modules.tasks.relay.stop(); // only the two relays below drain
  }, 180_000);
  afterAll(async () => ctx?.close());

  /** N committed changes nobody has published yet (as if their instances died right after the commits). */
  async function backlog(): Promise<string[]> {
    const u = await createUser(ctx.platform);
    await ctx.database.db.execute(sql`
      with t as (
        insert into tasks (user_id, title) select ${u.id}, 'backlog ' || g from generate_series(1, ${N}) g
        returning id, user_id
      )
      insert into task_activity (user_id, task_id, type, changes) select user_id, id, 'created', '{}'::jsonb from t`);
    const rows = (await ctx.database.db.execute(sql`select id from tasks where user_id = ${u.id}`)) as unknown as {
      rows: Array<{ id: string }>;
    };
    return rows.rows.map((r) => r.id);
  }

  /** Two relays (own event bus each) drain together, round after round, until nothing is left to publish. */
  async function drainTogether(ids: string[]) {
    const published = new Map<string, number>();
    const relays = ['a', 'b'].map(() => {
      const bus = new EventBus();
      bus.on('task.created', (e) => published.set(e.task.id, (published.get(e.task.id) ?? 0) + 1));
      return new TaskEventRelay(ctx.database.db, bus);
    });
    contention.rendezvous = true;
    contention.arrivals = 0;
    let rounds = 0;
    let oneRefused = 0;
    try {
      for (;;) {
        rounds++;
        const done = await Promise.all(relays.map((r) => r.drainOnce(BATCH)));
        // A round where one relay published and the other got nothing: the lock refused it while the first held it.
        if (done.filter((n) => n > 0).length === 1) oneRefused++;
        if (done.every((n) => n === 0)) break;
        if (rounds > (2 * N) / BATCH + 10) throw new Error('the outbox does not drain');
      }
    } finally {
      contention.rendezvous = false;
    }
    const counts = ids.map((id) => published.get(id) ?? 0);
    return {
      rounds,
      arrivals: contention.arrivals,
      oneRefused,
      missing: counts.filter((n) => n === 0).length,
      duplicated: counts.filter((n) => n > 1).length,
    };
  }

  it('two relays draining at once publish every change exactly once', async () => {
    const ids = await backlog();
    const r = await drainTogether(ids);
    expect(r.arrivals).toBe(2 * r.rounds); // both relays asked for the lock in every round, at the same time
    expect(r.rounds).toBeGreaterThanOrEqual(N / BATCH);
    // The lock did refuse a relay (a transaction-scoped lock is free again once the holder commits, so in some rounds
    // the second relay, asking a moment later, legitimately gets it and publishes the next batch: one CI run saw that).
    expect(r.oneRefused).toBeGreaterThan(0);
    expect({ missing: r.missing, duplicated: r.duplicated }).toEqual({ missing: 0, duplicated: 0 });
    const left = (await ctx.database.db.execute(
      sql`select count(*)::int as n from task_activity where published_at is null`,
    )) as unknown as { rows: Array<{ n: number }> };
    expect(left.rows[0]?.n).toBe(0);
  });

  it('without the lock (planted) the same rounds publish changes twice: the check above can fail', async () => {
    const ids = await backlog();
    contention.noLock = true;
    try {
      const r = await drainTogether(ids);
      expect(r.duplicated).toBeGreaterThan(0);
      expect(r.missing).toBe(0);
    } finally {
      contention.noLock = false;
    }
  });
});
