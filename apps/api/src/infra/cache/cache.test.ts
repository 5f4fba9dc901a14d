import { describe, expect, it } from 'vitest';
import { MemoryCache } from './cache';

describe('MemoryCache', () => {
  it('stores values until their TTL passes', async () => {
    let now = 1_000;
    const cache = new MemoryCache(10, () => now);
    await cache.set('a', { n: 1 }, 5);
    expect(await cache.get('a')).toEqual({ n: 1 });
    now += 4_999;
    expect(await cache.get('a')).toEqual({ n: 1 });
    now += 1;
    expect(await cache.get('a')).toBeUndefined();
    await cache.set('b', 2, 5);
    await cache.del('b');
    expect(await cache.get('b')).toBeUndefined();
  });

  it('is bounded and evicts the least recently used entry first', async () => {
    const cache = new MemoryCache(3);
    await cache.set('a', 1, 60);
    await cache.set('b', 2, 60);
    await cache.set('c', 3, 60);
    expect(await cache.get('a')).toBe(1); // a is now the most recent
    await cache.set('d', 4, 60);
    expect(cache.size).toBe(3);
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBe(1);
    expect(await cache.get('d')).toBe(4);
  });

  it('bumps namespace versions, and a forgotten namespace never reuses an old version', async () => {
    const cache = new MemoryCache(1); // at most 10 namespaces are remembered
    const v0 = await cache.version('user:1');
    expect(await cache.version('user:1')).toBe(v0);
    const v1 = await cache.bump('user:1');
    expect(v1).not.toBe(v0);
    expect(await cache.version('user:1')).toBe(v1);
    expect(await cache.version('user:2')).not.toBe(v1);
    const seen = new Set<string>([v0, v1]);
    for (let i = 0; i < 50; i++) seen.add(await cache.bump(`other:${i}`));
    const again = await cache.version('user:1');
    expect(seen.has(again)).toBe(false);
  });
});
