import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../test/context';
import { createUser } from '../test/factories';

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
    const u = await createUser(ctx.deps);
    const scrape = async () => (await ctx.app.inject({ method: 'GET', url: '/metrics' })).body;
    const before = await scrape();
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: u.headers,
      payload: { title: 'a' },
    });
    const id = created.json().data.id;
    await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: u.headers,
      payload: { title: 'b', status: 'completed' },
    });
    await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/tasks/${id}`,
      headers: u.headers,
      payload: { status: 'completed' },
    });
    await ctx.app.inject({ method: 'PATCH', url: `/api/v1/tasks/${id}`, headers: u.headers, payload: { title: 'a2' } });
    const after = await scrape();
    expect(value(after, 'tasks_created_total') - (value(before, 'tasks_created_total') || 0)).toBe(2);
    expect(value(after, 'tasks_completed_total') - (value(before, 'tasks_completed_total') || 0)).toBe(2);
    expect(value(after, 'task_time_to_complete_seconds_count')).toBe(2);
    expect(after).toMatch(/queue_depth\{queue="inprocess"\} 0/);
  });
});
