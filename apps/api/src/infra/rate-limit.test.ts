import { describe, expect, it } from 'vitest';
import { MemoryRateLimitStore } from './rate-limit';

describe('MemoryRateLimitStore', () => {
  it('counts within a fixed window, opens a new one when it ends, and evicts the oldest window when full', async () => {
    let now = 10_000;
    const store = new MemoryRateLimitStore(2, () => now);
    try {
      expect(await store.incr('a', 60)).toEqual({ count: 1, resetMs: 60_000 });
      now += 1_000;
      expect(await store.incr('a', 60, 2)).toEqual({ count: 3, resetMs: 59_000 });
      expect(await store.get('a')).toEqual({ count: 3, resetMs: 59_000 });
      expect(await store.get('nothing')).toEqual({ count: 0, resetMs: 0 });
      now += 59_000;
      expect(await store.get('a')).toEqual({ count: 0, resetMs: 0 });
      expect(await store.incr('a', 60)).toEqual({ count: 1, resetMs: 60_000 });
      await store.incr('b', 60);
      await store.incr('c', 60);
      expect((await store.get('a')).count).toBe(0);
      expect((await store.get('b')).count).toBe(1);
      await store.reset('b');
      expect((await store.get('b')).count).toBe(0);
    } finally {
      await store.close();
    }
  });
});
