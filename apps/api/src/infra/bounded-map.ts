/**
 * A map bounded to `max` keys whose entries may expire: the state of the in-process stores (the cache's entries and
 * namespace versions, the rate-limit windows). An adapter over lru-cache, which does the bookkeeping (recency,
 * eviction, per-entry TTL); what it adds is the contract the stores were written against:
 *
 * - an entry's expiry is a function of its value (`expiresAt`, epoch ms), turned into lru-cache's per-entry TTL on
 *   `set`, and an entry is dead *at* that instant (lru-cache keeps an entry alive up to and including start + ttl,
 *   hence the ttl one millisecond short; clocks here are whole milliseconds);
 * - `get` updates recency only when asked (`touch`, the cache's LRU reads); plain reads (`peek`) leave the order
 *   alone, so the rate-limit windows are evicted oldest first;
 * - the clock may be injected (tests); `ttlResolution: 0` makes every check read it rather than a cached time.
 */
import { LRUCache } from 'lru-cache';

export class BoundedMap<V extends {}> {
  private readonly lru: LRUCache<string, V>;

  constructor(
    max: number,
    /** When an entry expires (epoch ms); never by default. */
    private readonly expiresAt: (value: V) => number = () => Number.POSITIVE_INFINITY,
    private readonly now: () => number = Date.now,
  ) {
    this.lru = new LRUCache<string, V>({ max, ttlResolution: 0, perf: { now } });
  }

  /** The live entry; `touch` makes it the most recently used (the last to be evicted). */
  get(key: string, { touch = false }: { touch?: boolean } = {}): V | undefined {
    if (touch) return this.lru.get(key); // a stale entry is deleted by lru-cache on get
    const value = this.lru.peek(key);
    if (value === undefined) this.lru.delete(key); // absent, or stale: drop it as get would
    return value;
  }

  /** Set as the newest entry, evicting the least recently used one first if the map is full. */
  set(key: string, value: V): void {
    const until = this.expiresAt(value);
    if (until === Number.POSITIVE_INFINITY) {
      this.lru.set(key, value);
      return;
    }
    const start = this.now();
    const ms = Math.ceil(until) - start;
    // Already expired: never stored. One millisecond left: lives at most one millisecond too long.
    if (ms <= 0) this.lru.delete(key);
    else this.lru.set(key, value, { ttl: Math.max(1, ms - 1), start });
  }

  delete(key: string): void {
    this.lru.delete(key);
  }

  /** Drop every expired entry. */
  sweep(): void {
    this.lru.purgeStale();
  }

  get size(): number {
    return this.lru.size;
  }
}
