import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../config';
import { MemoryRateLimitStore } from '../rate-limit';
import { CircuitBreaker, createRedis, waitReady } from './client';
import { FallbackRateLimitStore, RedisRateLimitStore } from './rate-limit-store';
import { RedisRevocationBus } from './revocation-bus';
import { subscribers, waitFor } from '../../test/wait';

const redisUrl = testConfig().testRedisUrl;

describe('circuit breaker', () => {
  it('opens after consecutive failures and closes after the cool-down', async () => {
    let t = 0;
    const b = new CircuitBreaker(2, 1000, () => t);
    const fail = () => Promise.reject(new Error('x'));
    await expect(b.run(fail)).rejects.toThrow('x');
    await expect(b.run(fail)).rejects.toThrow('x');
    expect(b.isOpen).toBe(true);
    await expect(b.run(async () => 1)).rejects.toThrow('circuit open');
    t = 1001;
    await expect(b.run(async () => 1)).resolves.toBe(1);
  });
});

describe('rate limits when Redis is unreachable', () => {
  it('fall back to per-instance counters at once, never failing and never unlimited', async () => {
    const dead = createRedis({ url: 'redis://127.0.0.1:1/0' });
    const store = new FallbackRateLimitStore(
      new RedisRateLimitStore(dead, 'x:'),
      new MemoryRateLimitStore(),
      new CircuitBreaker(),
    );
    const started = performance.now();
    const counts: number[] = [];
    for (let i = 0; i < 5; i++) counts.push((await store.incr('login:a@b.c', 60)).count);
    expect(counts).toEqual([1, 2, 3, 4, 5]);
    // Fail-fast: no offline queue and an open breaker mean no waiting on a dead server.
    expect(performance.now() - started).toBeLessThan(2000);
    dead.disconnect();
    await store.close();
  });
});

describe.runIf(redisUrl)('Redis shared state (TEST_REDIS_URL)', () => {
  const url = redisUrl ?? '';
  const prefix = `pt-test:${randomUUID()}:`;
  const a = createRedis({ url });
  const b = createRedis({ url });
  const subA = createRedis({ url }, { enableOfflineQueue: true });
  const subB = createRedis({ url }, { enableOfflineQueue: true });
  beforeAll(async () => {
    for (const c of [a, b, subA, subB]) expect(await waitReady(c)).toBe(true);
  });
  afterAll(() => {
    for (const c of [a, b, subA, subB]) c.disconnect();
  });

  it('counts one window across two instances', async () => {
    const s1 = new RedisRateLimitStore(a, prefix);
    const s2 = new RedisRateLimitStore(b, prefix);
    await s1.incr('k', 60);
    await s2.incr('k', 60);
    const r = await s1.incr('k', 60, 3);
    expect(r.count).toBe(5);
    expect(r.resetMs).toBeGreaterThan(55_000);
    expect((await s2.get('k')).count).toBe(5);
    await s2.reset('k');
    expect((await s1.get('k')).count).toBe(0);
  });

  it('publishes revocations to every instance', async () => {
    const channel = `${prefix}revoked`;
    const busA = new RedisRevocationBus(a, subA, channel);
    const busB = new RedisRevocationBus(b, subB, channel);
    const received = new Promise<string[]>((resolve) => busB.onRevoked(resolve));
    // Both buses' SUBSCRIBE has landed before anything is published.
    await waitFor(async () => (await subscribers(a, channel)) >= 2, 5000, 'both revocation subscribers');
    await busA.publish(['s1', 's2']);
    expect(await received).toEqual(['s1', 's2']);
  });
});
