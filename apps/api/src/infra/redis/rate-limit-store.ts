import type { Redis } from 'ioredis';
import type { RateLimitStore, WindowState } from '../rate-limit';
import type { CircuitBreaker } from './client';

/** Fixed-window counter in one round trip: INCRBY, set the expiry when the window opens, read the TTL. */
const INCR_SCRIPT = `
local c = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]); ttl = tonumber(ARGV[2]) end
return {c, ttl}`;

/** Counters shared by every API instance. */
export class RedisRateLimitStore implements RateLimitStore {
  readonly kind = 'redis';
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async incr(key: string, windowSec: number, cost = 1): Promise<WindowState> {
    const [count, ttl] = (await this.redis.eval(INCR_SCRIPT, 1, `${this.prefix}rl:${key}`, cost, windowSec * 1000)) as [
      number,
      number,
    ];
    return { count, resetMs: ttl };
  }

  async get(key: string): Promise<WindowState> {
    const k = `${this.prefix}rl:${key}`;
    const [[, v], [, ttl]] = (await this.redis.multi().get(k).pttl(k).exec()) as [
      [null, string | null],
      [null, number],
    ];
    return v === null ? { count: 0, resetMs: 0 } : { count: Number(v), resetMs: Math.max(0, ttl) };
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(`${this.prefix}rl:${key}`);
  }
}

/**
 * Redis first; when Redis fails (or its breaker is open) the per-instance store answers instead, so limits never
 * disappear (auth routes stay limited) and a Redis outage never turns into a 500.
 */
export class FallbackRateLimitStore implements RateLimitStore {
  readonly kind = 'redis+memory-fallback';
  constructor(
    private readonly primary: RateLimitStore,
    private readonly fallback: RateLimitStore,
    private readonly breaker: CircuitBreaker,
    private readonly onFallback: (err: unknown) => void = () => {},
  ) {}

  private async either<T>(fn: (s: RateLimitStore) => Promise<T>): Promise<T> {
    try {
      return await this.breaker.run(() => fn(this.primary));
    } catch (err) {
      this.onFallback(err);
      return fn(this.fallback);
    }
  }

  incr(key: string, windowSec: number, cost?: number) {
    return this.either((s) => s.incr(key, windowSec, cost));
  }
  get(key: string) {
    return this.either((s) => s.get(key));
  }
  async reset(key: string) {
    await Promise.allSettled([this.primary.reset(key), this.fallback.reset(key)]);
  }
  async close() {
    await this.fallback.close?.();
  }
}
