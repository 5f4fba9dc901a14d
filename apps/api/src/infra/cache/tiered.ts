/**
 * Two-level cache for many instances: L1 in-process (small, LRU) in front of L2 Redis, keyed per user with a
 * namespace version that every write bumps (INCR; no KEYS, no FLUSH). Values live under versioned keys, which
 * never change meaning, so L1 may keep them; only the version is shared state, and it is read from Redis on every
 * call (one EVAL): a write answered on one instance is seen by the next read on any other. Caching the version in
 * the process (versionTtlMs > 0, dropped when the bump's PUBLISH arrives) raced that PUBLISH: the two-instance test
 * (tasks.cache.cluster.test) saw stale stats in 6 of 20 rounds and a 304 for a pre-write ETag in 5 of 20.
 *
 * Redis failing never fails a request: the version then comes out as a fresh local number no key was built
 * with (the cache is bypassed, reads stay exact), and a bump that could not reach Redis is retried when it
 * returns.
 *
 * Redis losing its data (a restart without persistence, an eviction, a stale snapshot or replica) must never
 * re-issue a version that was handed out before, or an old ETag / L1 entry would match again: a version is
 * `<epoch>.<n>`, where the epoch is a random id kept in Redis (made anew after the data was lost or the server
 * process changed) and n comes from one counter per epoch that is never below any version it issued, so a
 * namespace that lost its key never goes back.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { CircuitBreaker } from '../redis/client';
import type { Cache } from './cache';
import { MemoryCache } from './cache';

/**
 * KEYS[1] the epoch hash {epoch, run, seq}, KEYS[2] the namespace's version; ARGV[1] a fresh epoch id, ARGV[2] '1'
 * to bump. A new epoch is made when the hash is missing (Redis lost its data) or was written by another server
 * process (run_id: a restart that loaded an older snapshot, a failover to a replica that lagged); a new version is
 * seq + 1, and above the current one.
 */
const VERSION_SCRIPT = `
local ok, info = pcall(redis.call, 'INFO', 'server')
local run = ok and string.match(info, 'run_id:(%w+)') or ''
local m = redis.call('HMGET', KEYS[1], 'epoch', 'run')
local e = m[1]
if not e or m[2] ~= run then e = ARGV[1]; redis.call('HSET', KEYS[1], 'epoch', e, 'run', run) end
local cur = redis.call('GET', KEYS[2])
if cur and ARGV[2] ~= '1' then return e .. '.' .. cur end
local n = redis.call('HINCRBY', KEYS[1], 'seq', 1)
if cur and n <= tonumber(cur) then n = tonumber(cur) + 1; redis.call('HSET', KEYS[1], 'seq', n) end
redis.call('SET', KEYS[2], n)
return e .. '.' .. n`;

/** Versions made while Redis is unreachable: never built with by another process, never stored in L2. */
const PROCESS_ID = randomBytes(6).toString('hex');

export interface TieredCacheOptions {
  client: Redis;
  subscriber: Redis;
  breaker: CircuitBreaker;
  prefix: string;
  /** How long a version read from Redis may be reused in this process; 0 (the default) = never. */
  versionTtlMs?: number;
  l1MaxEntries?: number;
  onHit?: (level: 'l1' | 'l2') => void;
  onMiss?: () => void;
}

export class TieredCache implements Cache {
  readonly kind = 'redis+memory';
  private readonly l1: MemoryCache;
  private readonly versions = new Map<string, { v: string; until: number }>();
  private readonly dirty = new Set<string>();
  private bypassSeq = 0;
  private readonly channel: string;
  private readonly retryTimer: NodeJS.Timeout;
  private readonly onMessage = (ch: string, ns: string) => {
    if (ch === this.channel) this.versions.delete(ns);
  };

  constructor(private readonly o: TieredCacheOptions) {
    this.l1 = new MemoryCache(o.l1MaxEntries ?? 5000);
    this.channel = `${o.prefix}cache-bump`;
    void o.subscriber.subscribe(this.channel).catch(() => {});
    o.subscriber.on('message', this.onMessage);
    this.retryTimer = setInterval(() => void this.flushDirty(), 1000);
    this.retryTimer.unref();
  }

  private vkey(ns: string) {
    return `${this.o.prefix}cv:${ns}`;
  }

  /** A version no key in L2 or on another instance was built with; it starts with `-` (keys contain `:-`). */
  private bypass(): string {
    return `-${PROCESS_ID}.${++this.bypassSeq}`;
  }

  private async remote(ns: string, bump: boolean): Promise<string> {
    const fresh = randomBytes(8).toString('hex');
    const args = [`${this.o.prefix}cv-epoch`, this.vkey(ns), fresh, bump ? '1' : '0'];
    return String(await this.o.client.eval(VERSION_SCRIPT, 2, ...args));
  }

  async version(ns: string): Promise<string> {
    const now = Date.now();
    const cached = this.versions.get(ns);
    if (cached && cached.until > now && !this.dirty.has(ns)) return cached.v;
    try {
      const v = await this.o.breaker.run(() => this.remote(ns, false));
      if (this.dirty.has(ns)) return this.bypass();
      const ttl = this.o.versionTtlMs ?? 0;
      if (ttl > 0) {
        if (this.versions.size > 50_000) this.versions.clear();
        this.versions.set(ns, { v, until: now + ttl });
      }
      return v;
    } catch {
      return this.bypass();
    }
  }

  async bump(ns: string): Promise<string> {
    this.versions.delete(ns);
    try {
      const v = await this.o.breaker.run(() => this.remote(ns, true));
      void this.o.client.publish(this.channel, ns).catch(() => {});
      return v;
    } catch {
      this.dirty.add(ns);
      return this.bypass();
    }
  }

  private async flushDirty(): Promise<void> {
    if (this.dirty.size === 0 || this.o.breaker.isOpen) return;
    for (const ns of [...this.dirty]) {
      try {
        await this.remote(ns, true);
        await this.o.client.publish(this.channel, ns);
        this.dirty.delete(ns);
      } catch {
        return;
      }
    }
  }

  async get<T>(key: string): Promise<T | undefined> {
    const local = await this.l1.get<T>(key);
    if (local !== undefined) {
      this.o.onHit?.('l1');
      return local;
    }
    if (key.includes(':-')) {
      this.o.onMiss?.();
      return undefined; // a bypass version: never in L2
    }
    try {
      const raw = await this.o.breaker.run(() => this.o.client.get(`${this.o.prefix}c:${key}`));
      if (raw !== null) {
        const value = JSON.parse(raw) as T;
        const ttl = await this.o.client.pttl(`${this.o.prefix}c:${key}`).catch(() => 1000);
        await this.l1.set(key, value, Math.max(1, Math.floor(ttl / 1000)));
        this.o.onHit?.('l2');
        return value;
      }
    } catch {
      /* L2 unavailable: a miss */
    }
    this.o.onMiss?.();
    return undefined;
  }

  async set(key: string, value: unknown, ttlSec: number): Promise<void> {
    await this.l1.set(key, value, ttlSec);
    if (key.includes(':-')) return;
    try {
      await this.o.breaker.run(() =>
        this.o.client.set(`${this.o.prefix}c:${key}`, JSON.stringify(value), 'EX', ttlSec),
      );
    } catch {
      /* L1 still has it */
    }
  }

  async del(key: string): Promise<void> {
    await this.l1.del(key);
    await this.o.breaker.run(() => this.o.client.del(`${this.o.prefix}c:${key}`)).catch(() => 0);
  }

  async close(): Promise<void> {
    clearInterval(this.retryTimer);
    this.o.subscriber.off('message', this.onMessage);
  }
}
