import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../config';
import { BullQueue, startBullWorker } from '../../infra/queue/bullmq';
import { InProcessQueue } from '../../infra/queue/in-process';
import { createRedis, waitReady } from '../../infra/redis/client';
import { createTestContext, drivers, type TestContext } from '../../test/context';
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

const redisUrl = testConfig().testRedisUrl;

describe.runIf(redisUrl)('GET /admin/jobs on BullMQ (TEST_REDIS_URL; PostgreSQL when TEST_DATABASE_URL is set)', () => {
  const url = redisUrl ?? '';
  const prefix = `pt-test:${randomUUID()}:`;
  const producer = createRedis({ url, commandTimeoutMs: 5000 }, { enableOfflineQueue: true });
  const workerConn = createRedis(
    { url, commandTimeoutMs: 30_000 },
    { maxRetriesPerRequest: null, enableOfflineQueue: true, commandTimeout: undefined },
  );
  const raw = createRedis({ url });
  const queue = new BullQueue(producer, prefix, { attempts: 3, backoffMs: 5 });
  let ctx: TestContext;
  let worker: Awaited<ReturnType<typeof startBullWorker>> | undefined;
  beforeAll(async () => {
    ctx = await createTestContext(drivers().at(-1), { overrides: { queue } });
  });
  afterAll(async () => {
    await worker?.close();
    await queue.close().catch(() => {});
    await ctx?.close();
    const keys = await raw.keys(`${prefix}*`);
    if (keys.length) await raw.del(...keys);
    for (const c of [producer, workerConn, raw]) c.disconnect();
  });

  it('reports the queue kind, the counts and the exhausted job (its attempts and error), to admins only', async () => {
    await waitReady(raw);
    let calls = 0;
    worker = startBullWorker(
      workerConn,
      prefix,
      {
        'always.fails': async () => {
          throw new Error('SMTP 550 mailbox unavailable');
        },
        'fails.twice': async () => {
          calls += 1;
          if (calls < 3) throw new Error('transient');
        },
      },
      { concurrency: 1 },
    );
    await queue.add('fails.twice', {});
    await queue.add('always.fails', {}, { jobId: 'mail-1' });
    await queue.add('always.fails', {}, { jobId: 'mail-1' }); // same id: not added twice
    const deadline = Date.now() + 15_000;
    for (let c = await queue.counts(); c.completed + c.failed < 2; c = await queue.counts()) {
      if (Date.now() > deadline) throw new Error(`jobs did not settle: ${JSON.stringify(c)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    const admin = await createUser(ctx.platform, { role: 'admin' });
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/admin/jobs', headers: admin.headers });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toEqual({
      kind: 'bullmq',
      counts: { waiting: 0, active: 0, delayed: 0, completed: 1, failed: 1 },
      failed: [{ id: 'mail-1', name: 'always.fails', attempts: 3, error: 'SMTP 550 mailbox unavailable' }],
    });
    const user = await createUser(ctx.platform);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/admin/jobs', headers: user.headers })).statusCode).toBe(
      403,
    );
  });
});
