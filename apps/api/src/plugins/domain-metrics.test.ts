import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../test/context';
import { createUser } from '../test/factories';
import { postTask } from '../test/tasks-http';
import { waitFor } from '../test/wait';

function value(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.split(' ').pop()) : Number.NaN;
}

describe('business metrics from domain events', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext('pglite');
  });
  afterAll(async () => ctx?.close());

  it('count creations and completions (once per transition) and time to complete; expose queue depth', async () => {
    const u = await createUser(ctx.platform);
    const scrape = async () => (await ctx.app.inject({ method: 'GET', url: '/metrics' })).body;
    const before = await scrape();
    const created = await postTask(ctx, u, { title: 'a' });
    const id = created.json().data.id;
    await postTask(ctx, u, { title: 'b', status: 'completed' });
    await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/tasks/${id}`,
      headers: u.headers,
      payload: { status: 'completed' },
    });
    await ctx.app.inject({ method: 'PATCH', url: `/api/v1/tasks/${id}`, headers: u.headers, payload: { title: 'a2' } });
    ctx.modules.tasks.relay.kick();
    await ctx.modules.tasks.relay.idle();
    const after = await scrape();
    expect(value(after, 'tasks_created_total') - (value(before, 'tasks_created_total') || 0)).toBe(2);
    expect(value(after, 'tasks_completed_total') - (value(before, 'tasks_completed_total') || 0)).toBe(2);
    expect(value(after, 'task_time_to_complete_seconds_count')).toBe(2);
    expect(after).toMatch(/queue_depth\{queue="inprocess"\} 0/);
    // A job run is timed (the reminder scan, in-process here). Other jobs (the webhook dispatch a relay commit
    // queues) may run too, so the count is compared with the one before the scan, once the scan has been timed.
    const timed = async () =>
      value(await scrape(), 'job_duration_seconds_count{queue="inprocess",outcome="completed"}') || 0;
    const runsBefore = await timed();
    await ctx.platform.queue.add('reminders.scan', {});
    await waitFor(async () => (await timed()) >= runsBefore + 1, 10_000, 'the scan job to be timed');
    expect(await timed()).toBeGreaterThanOrEqual(runsBefore + 1);
  });

  it('drops the reminder markers of a deleted task', async () => {
    const u = await createUser(ctx.platform);
    const res = await postTask(ctx, u, { title: 'x' });
    const id = res.json().data.id;
    await ctx.database.db.execute(sql`insert into task_reminders (user_id, task_id, kind, due_date, sent_at)
      values (${u.id}, ${id}, 'due_soon', now(), now())`);
    await ctx.app.inject({ method: 'DELETE', url: `/api/v1/tasks/${id}`, headers: u.headers });
    ctx.modules.tasks.relay.kick();
    await ctx.modules.tasks.relay.idle();
    const left = async () =>
      (
        (await ctx.database.db.execute(
          sql`select count(*)::int as n from task_reminders where task_id = ${id}`,
        )) as unknown as { rows: Array<{ n: number }> }
      ).rows[0]?.n;
    await waitFor(async () => (await left()) === 0, 5000, "the deleted task's reminder markers to go");
    expect(await left()).toBe(0);
  });
});
