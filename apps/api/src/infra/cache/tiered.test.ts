import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../config';
import { CircuitBreaker, createRedis, waitReady } from '../redis/client';
import { TieredCache } from './tiered';

const redisUrl = testConfig().testRedisUrl;

describe('TieredCache with Redis unreachable', () => {
  it('never throws and never serves a value across a bump (bypass versions)', async () => {
    const client = createRedis({ url: 'redis://127.0.0.1:1' });
    const subscriber = createRedis({ url: 'redis://127.0.0.1:1' });
    const cache = new TieredCache({ client, subscriber, breaker: new CircuitBreaker(), prefix: 'x:' });
    const v1 = await cache.version('u1');
    await cache.set(`stats:u1:${v1}`, { n: 1 }, 60);
    const v2 = await cache.version('u1');
    expect(v2).not.toBe(v1);
    expect(await cache.get(`stats:u1:${v2}`)).toBeUndefined();
    await expect(cache.bump('u1')).resolves.toBeTypeOf('number');
    await cache.close();
    client.disconnect();
    subscriber.disconnect();
  });
});

describe.runIf(redisUrl)('TieredCache shared by two instances (TEST_REDIS_URL)', () => {
  const url = redisUrl ?? '';
  const prefix = `pt-test:${randomUUID()}:`;
  const conns = Array.from({ length: 4 }, (_, i) => createRedis({ url }, i % 2 ? { enableOfflineQueue: true } : {}));
  const [c1, s1, c2, s2] = conns as [
    ReturnType<typeof createRedis>,
    ReturnType<typeof createRedis>,
    ReturnType<typeof createRedis>,
    ReturnType<typeof createRedis>,
  ];
  let a: TieredCache;
  let b: TieredCache;
  const hits: string[] = [];
  beforeAll(async () => {
    for (const c of conns) await waitReady(c);
    a = new TieredCache({
      client: c1,
      subscriber: s1,
      breaker: new CircuitBreaker(),
      prefix,
      onHit: (l) => hits.push(`a:${l}`),
    });
    b = new TieredCache({
      client: c2,
      subscriber: s2,
      breaker: new CircuitBreaker(),
      prefix,
      onHit: (l) => hits.push(`b:${l}`),
    });
    await new Promise((r) => setTimeout(r, 100));
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    for (const c of conns) c.disconnect();
  });

  it('a value set on one instance is an L2 hit on the other, then an L1 hit', async () => {
    const v = await a.version('user-1');
    expect(await b.version('user-1')).toBe(v);
    await a.set(`stats:user-1:${v}`, { total: 3 }, 60);
    expect(await b.get(`stats:user-1:${v}`)).toEqual({ total: 3 });
    expect(await b.get(`stats:user-1:${v}`)).toEqual({ total: 3 });
    expect(hits).toEqual(['b:l2', 'b:l1']);
  });

  it('a bump on one instance reaches the other at once (pub/sub), so its next read misses', async () => {
    const v = await b.version('user-2');
    await b.set(`stats:user-2:${v}`, { total: 1 }, 60);
    expect(await a.version('user-2')).toBe(v);
    const next = await b.bump('user-2');
    expect(next).toBeGreaterThan(v);
    await new Promise((r) => setTimeout(r, 20));
    expect(await a.version('user-2')).toBe(next);
    expect(await a.get(`stats:user-2:${next}`)).toBeUndefined();
  });
});
