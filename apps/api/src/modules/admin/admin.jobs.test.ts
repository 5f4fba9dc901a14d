import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessQueue } from '../../infra/queue/in-process';
import { createTestContext, type TestContext } from '../../test/context';
import { createUser } from '../../test/factories';

describe('GET /admin/jobs (the failed set)', () => {
  let ctx: TestContext;
  let queue: InProcessQueue;
  beforeAll(async () => {
    let calls = 0;
    queue = new InProcessQueue(
      {
        'always.fails': async () => {
          throw new Error('SMTP 550 mailbox unavailable');
        },
        'fails.twice': async () => {
          calls += 1;
          if (calls < 3) throw new Error('transient');
        },
      },
      { retry: { attempts: 3, backoffMs: 5 } },
    );
    ctx = await createTestContext('pglite', { overrides: { queue } });
  });
  afterAll(async () => ctx?.close());

  it('shows retried-then-successful jobs as completed and exhausted ones in the failed set, to admins only', async () => {
    await queue.add('fails.twice', {});
    await queue.add('always.fails', {}, { jobId: 'mail-1' });
    await queue.add('always.fails', {}, { jobId: 'mail-1' }); // same id: not added twice
    for (let i = 0; i < 50 && (await queue.counts()).completed + (await queue.counts()).failed < 2; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const admin = await createUser(ctx.platform, { role: 'admin' });
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/admin/jobs', headers: admin.headers });
    expect(res.statusCode).toBe(200);
    const data = res.json().data;
    expect(data.kind).toBe('inprocess');
    expect(data.counts).toMatchObject({ completed: 1, failed: 1 });
    expect(data.failed).toEqual([
      { id: 'mail-1', name: 'always.fails', attempts: 3, error: 'SMTP 550 mailbox unavailable' },
    ]);
    const user = await createUser(ctx.platform);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/admin/jobs', headers: user.headers })).statusCode).toBe(
      403,
    );
  });
});
