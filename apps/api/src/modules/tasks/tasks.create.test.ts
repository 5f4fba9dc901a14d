/**
 * The two create paths — one statement (no Idempotency-Key) and the transaction with idempotency bookkeeping —
 * must write the same task, the same `created` history entry and the same outbox payload.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, drivers, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';

describe.each(drivers())('POST /tasks write paths on %s', (driver) => {
  let ctx: TestContext;
  let u: TestUser;
  beforeAll(async () => {
    ctx = await createTestContext(driver, { config: { outboxPollMs: 600_000 } });
    u = await createUser(ctx.platform);
    // The relay stays idle (it clears a payload once published): the outbox rows are read as written.
    ctx.modules.tasks.relay.kick = () => {};
  });
  afterAll(async () => ctx?.close());

  const bodies = [
    { title: 'plain' },
    {
      title: 'full',
      description: 'with every field',
      status: 'completed',
      priority: 'urgent',
      dueDate: '2031-05-06T07:08:09.123456+02:00',
      tags: ['b', 'a'],
    },
  ];

  it('writes the same task, history entry and outbox payload with and without an Idempotency-Key', async () => {
    for (const body of bodies) {
      const created = [];
      for (const key of [undefined, randomUUID()]) {
        const res = await ctx.app.inject({
          method: 'POST',
          url: '/api/v1/tasks',
          headers: { ...u.headers, ...(key ? { 'idempotency-key': key } : {}) },
          payload: body,
        });
        expect(res.statusCode, res.body).toBe(201);
        const task = res.json().data;
        expect(res.headers.location).toBe(`/api/v1/tasks/${task.id}`);
        const got = await ctx.app.inject({ method: 'GET', url: `/api/v1/tasks/${task.id}`, headers: u.headers });
        expect(got.json().data).toEqual(task);
        expect(res.headers.etag).toBe(got.headers.etag);
        const history = await ctx.app.inject({
          method: 'GET',
          url: `/api/v1/tasks/${task.id}/history`,
          headers: u.headers,
        });
        const outbox = (await ctx.database.db.execute(
          sql`select payload from task_activity where task_id = ${task.id}`,
        )) as unknown as { rows: Array<{ payload: unknown }> };
        expect(outbox.rows[0]?.payload).toEqual(task);
        // position: each new task goes to the end of its board column, so the second one's key is after the first's.
        const { id: _i, createdAt: _c, updatedAt: _u, completedAt, position: _p, ...rest } = task;
        const [entry] = history.json().data;
        const { completedAt: doneChange, position: _hp, ...changes } = entry.changes;
        created.push({ rest, changes, type: entry.type, done: completedAt !== null, doneTo: doneChange?.to });
        if (completedAt !== null) expect(doneChange).toEqual({ from: null, to: completedAt });
      }
      const [fast, tx] = created;
      expect(fast).toEqual({ ...tx, doneTo: fast?.doneTo });
    }
  });
});
