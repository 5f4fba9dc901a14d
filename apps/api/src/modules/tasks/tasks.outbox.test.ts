import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../../app';
import { composeModules, type Modules } from '../../composition';
import { testConfig } from '../../config';
import { EventBus } from '../../infra/events';
import type { Platform } from '../../platform';
import { createTestContext, drivers, type TestContext, testPlatform } from '../../test/context';
import { createUser } from '../../test/factories';
import { type OutboxSink, TaskEventRelay } from './tasks.outbox';

type Seen = Array<{ type: string; id: string; bus: string; status?: string; version?: number }>;

function record(platform: Platform, bus: string, seen: Seen) {
  platform.events.on('task.created', (e) =>
    seen.push({ type: 'created', id: e.task.id, bus, status: e.task.status, version: e.task.version }),
  );
  platform.events.on('task.updated', (e) =>
    seen.push({
      type: e.completed ? 'completed' : 'updated',
      id: e.task.id,
      bus,
      status: e.task.status,
      version: e.task.version,
    }),
  );
  platform.events.on('task.deleted', (e) => seen.push({ type: 'deleted', id: e.id, bus }));
}

async function settle(...all: Modules[]) {
  for (let i = 0; i < 3; i++) {
    for (const m of all) {
      m.tasks.relay.kick();
      await m.tasks.relay.idle();
    }
  }
}

describe.each(drivers())('domain events through the outbox on %s', (driver) => {
  let ctx: TestContext;
  let second: App;
  let platform2: Platform;
  let modules2: Modules;
  const seen: Seen = [];
  beforeAll(async () => {
    ctx = await createTestContext(driver, { config: { outboxPollMs: 60_000 } });
    // A second instance on the same database, with its own event bus and relay.
    platform2 = testPlatform(testConfig({ outboxPollMs: 60_000 }), ctx.database, { jwtSecret: 'y'.repeat(40) });
    (platform2 as { tokens: unknown }).tokens = ctx.platform.tokens;
    modules2 = composeModules(platform2);
    second = await buildApp(platform2, { modules: modules2 });
    await second.ready();
    record(ctx.platform, 'a', seen);
    record(platform2, 'b', seen);
  });
  afterAll(async () => {
    await second?.close();
    await ctx?.close();
  });

  it('publishes each committed change exactly once across two instances, in order per task', async () => {
    const u = await createUser(ctx.platform);
    const apps = [ctx.app, second];
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await apps[i % 2]!.inject({
        method: 'POST',
        url: '/api/v1/tasks',
        headers: u.headers,
        payload: { title: `t${i}` },
      });
      ids.push(res.json().data.id);
    }
    for (const [i, id] of ids.entries()) {
      await apps[(i + 1) % 2]!.inject({
        method: 'PATCH',
        url: `/api/v1/tasks/${id}`,
        headers: u.headers,
        payload: { status: 'completed' },
      });
    }
    await apps[0]!.inject({ method: 'DELETE', url: `/api/v1/tasks/${ids[0]}`, headers: u.headers });
    await settle(ctx.modules, modules2);
    const mine = seen.filter((s) => ids.includes(s.id));
    expect(mine).toHaveLength(13);
    for (const id of ids) {
      const kinds = mine.filter((s) => s.id === id).map((s) => s.type);
      expect(kinds).toEqual(id === ids[0] ? ['created', 'completed', 'deleted'] : ['created', 'completed']);
    }
    const pending = (await ctx.database.db.execute(
      sql`select count(*)::int as n from task_activity where published_at is null`,
    )) as unknown as { rows: Array<{ n: number }> };
    expect(pending.rows[0]?.n).toBe(0);
  });

  it("each event carries its own change's state when later changes committed before the relay ran", async () => {
    const u = await createUser(ctx.platform);
    const relays = [ctx.modules.tasks.relay, modules2.tasks.relay];
    const kicks = relays.map((r) => r.kick);
    for (const r of relays) r.kick = () => {}; // the relay is slow: all three writes commit first
    try {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/tasks',
        headers: u.headers,
        payload: { title: 'x' },
      });
      const id = res.json().data.id as string;
      await ctx.app.inject({
        method: 'PATCH',
        url: `/api/v1/tasks/${id}`,
        headers: u.headers,
        payload: { status: 'completed' },
      });
      await ctx.app.inject({ method: 'DELETE', url: `/api/v1/tasks/${id}`, headers: u.headers });
      const before = seen.length;
      relays.forEach((r, i) => {
        r.kick = kicks[i] as () => void;
      });
      await settle(ctx.modules, modules2);
      const added = seen.slice(before).map(({ type, status, version }) => ({ type, status, version }));
      expect(added).toEqual([
        { type: 'created', status: 'pending', version: 1 },
        { type: 'completed', status: 'completed', version: 2 },
        { type: 'deleted', status: undefined, version: undefined },
      ]);
      const left = (await ctx.database.db.execute(
        sql`select count(*)::int as n from task_activity where task_id = ${id} and payload is not null`,
      )) as unknown as { rows: Array<{ n: number }> };
      expect(left.rows[0]?.n).toBe(0); // payloads are cleared once published
    } finally {
      relays.forEach((r, i) => {
        r.kick = kicks[i] as () => void;
      });
    }
  });

  it('publishes a change whose instance died before publishing it (at least once, found by any relay)', async () => {
    const u = await createUser(ctx.platform);
    // A committed change with no relay run: as if its instance was killed right after the commit.
    await ctx.database.db.execute(sql`
      with t as (insert into tasks (user_id, title) values (${u.id}, 'orphaned') returning id, user_id)
      insert into task_activity (user_id, task_id, type, changes) select user_id, id, 'created', '{}'::jsonb from t`);
    const before = seen.length;
    await settle(modules2);
    const added = seen.slice(before);
    expect(added.map((s) => s.type)).toEqual(['created']);
    expect(added[0]?.bus).toBe('b');
  });
});

describe.each(drivers())('the outbox sink on %s', (driver) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(driver, { config: { outboxPollMs: 60_000 } });
    await ctx.modules.tasks.relay.stop(); // only the relay below drains
  });
  afterAll(async () => ctx?.close());

  it('is told of a commit only when it wrote something (no dispatcher claim after a drain without webhooks)', async () => {
    const user = await createUser(ctx.platform);
    const told = { writes: [] as number[], committed: 0, wrote: 0 };
    const sink: OutboxSink = {
      write: async (_tx, events) => {
        told.writes.push(events.length);
        return told.wrote;
      },
      committed: () => {
        told.committed++;
      },
    };
    const relay = new TaskEventRelay(ctx.database.db, new EventBus(), { sink });
    // A change committed and not yet published: created through the API (the app's relay publishes it), then
    // marked unpublished again, as if its instance had died right after the commit.
    const unpublished = async (title: string) => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/tasks',
        headers: user.headers,
        payload: { title },
      });
      expect(res.statusCode).toBe(201);
      await ctx.modules.tasks.relay.idle();
      await ctx.database.db.execute(
        sql`update task_activity set published_at = null where task_id = ${res.json().data.id}::uuid`,
      );
    };
    await unpublished('nothing to deliver');
    expect(await relay.drainOnce()).toBe(1);
    expect(told).toMatchObject({ writes: [1], committed: 0 });
    told.wrote = 1;
    await unpublished('one delivery');
    expect(await relay.drainOnce()).toBe(1);
    expect(told).toMatchObject({ writes: [1, 1], committed: 1 });
  });
});
