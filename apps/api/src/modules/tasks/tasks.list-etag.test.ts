import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../config';
import { waitReady } from '../../infra/redis/client';
import { createTestContext, drivers, type TestContext } from '../../test/context';
import { createUser } from '../../test/factories';

describe.each(drivers())('conditional GET of the task list on %s', (driver) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(driver);
  });
  afterAll(async () => ctx?.close());

  it('answers 304 (repeating the ETag) until a write changes the user’s tasks; the ETag depends on the query', async () => {
    const u = await createUser(ctx.platform);
    const other = await createUser(ctx.platform);
    await ctx.app.inject({ method: 'POST', url: '/api/v1/tasks', headers: u.headers, payload: { title: 'one' } });
    const url = '/api/v1/tasks?limit=5';
    const first = await ctx.app.inject({ method: 'GET', url, headers: u.headers });
    expect(first.statusCode).toBe(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/"l-/);
    const again = await ctx.app.inject({ method: 'GET', url, headers: { ...u.headers, 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.headers.etag).toBe(etag);
    expect(again.body).toBe('');
    // another query, another tag
    const other1 = await ctx.app.inject({ method: 'GET', url: '/api/v1/tasks?limit=6', headers: u.headers });
    expect(other1.headers.etag).not.toBe(etag);
    // another user's write does not change this user's tag
    await ctx.app.inject({ method: 'POST', url: '/api/v1/tasks', headers: other.headers, payload: { title: 'x' } });
    expect(
      (await ctx.app.inject({ method: 'GET', url, headers: { ...u.headers, 'if-none-match': etag } })).statusCode,
    ).toBe(304);
    // this user's write does
    await ctx.app.inject({ method: 'POST', url: '/api/v1/tasks', headers: u.headers, payload: { title: 'two' } });
    const after = await ctx.app.inject({ method: 'GET', url, headers: { ...u.headers, 'if-none-match': etag } });
    expect(after.statusCode).toBe(200);
    expect(after.json().data).toHaveLength(2);
    expect(after.headers.etag).not.toBe(etag);
  });
});

const redisUrl = testConfig().testRedisUrl;
describe.runIf(redisUrl)('list ETag and stats after Redis lost its data (TEST_REDIS_URL)', () => {
  let ctx: TestContext;
  const prefix = `pt-test:${randomUUID()}:`;
  beforeAll(async () => {
    ctx = await createTestContext('pglite', { config: { redisUrl, redisKeyPrefix: prefix } });
    if (ctx.platform.redis) await waitReady(ctx.platform.redis.client);
  });
  afterAll(async () => ctx?.close());

  it('an ETag issued before the restart is never matched again and the stats are exact (epoch in every version)', async () => {
    const redis = ctx.platform.redis;
    if (!redis) throw new Error('no Redis');
    const u = await createUser(ctx.platform);
    const url = '/api/v1/tasks?limit=5';
    const first = await ctx.app.inject({ method: 'GET', url, headers: u.headers });
    const etag = first.headers.etag as string;
    expect(first.json().data).toHaveLength(0);
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/api/v1/tasks/stats', headers: u.headers })).json().data.total,
    ).toBe(0);
    for (const title of ['one', 'two']) {
      const r = await ctx.app.inject({ method: 'POST', url: '/api/v1/tasks', headers: u.headers, payload: { title } });
      expect(r.statusCode).toBe(201);
    }
    // Redis restarts without persistence: everything under this app's prefix is gone
    const keys = await redis.client.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    await redis.client.del(...keys);
    const after = await ctx.app.inject({ method: 'GET', url, headers: { ...u.headers, 'if-none-match': etag } });
    expect(after.statusCode).toBe(200);
    expect(after.json().data).toHaveLength(2);
    expect(after.headers.etag).not.toBe(etag);
    const stats = await ctx.app.inject({ method: 'GET', url: '/api/v1/tasks/stats', headers: u.headers });
    expect(stats.json().data.total).toBe(2);
  });
});
