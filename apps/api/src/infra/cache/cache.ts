/**
 * A small async cache: values with a TTL, plus per-namespace version counters. A writer bumps the version of
 * its namespace (e.g. one user's stats) instead of finding and deleting keys: readers build keys such as
 * `stats:<user>:<version>`, so every older entry is unreachable at once and ages out. In-process here; a Redis
 * implementation (INCR for versions, SET EX for values) can replace it without touching callers.
 */
export interface Cache {
  readonly kind: string;
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlSec: number): Promise<void>;
  del(key: string): Promise<void>;
  /** The current version of a namespace. */
  version(namespace: string): Promise<number>;
  /** Increment a namespace's version (call after a write commits); returns the new version. */
  bump(namespace: string): Promise<number>;
  close?(): Promise<void>;
}

interface Entry {
  value: unknown;
  expiresAt: number;
}

/** In-process cache, bounded: least recently used entries go first once `maxEntries` is reached. */
export class MemoryCache implements Cache {
  readonly kind = 'memory';
  private readonly entries = new Map<string, Entry>();
  private readonly versions = new Map<string, number>();
  private counter = 0;

  constructor(
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get<T>(key: string): Promise<T | undefined> {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    // Refresh recency: Map iteration order is insertion order, so re-inserting moves it to the end.
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.value as T;
  }

  async set(key: string, value: unknown, ttlSec: number): Promise<void> {
    this.entries.delete(key);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    this.entries.set(key, { value, expiresAt: this.now() + ttlSec * 1000 });
  }

  async del(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async version(namespace: string): Promise<number> {
    const v = this.versions.get(namespace);
    return v ?? this.assign(namespace);
  }

  async bump(namespace: string): Promise<number> {
    return this.assign(namespace);
  }

  /**
   * Versions come from one process-wide counter, so a namespace that was evicted (or never seen) gets a
   * version no key was ever built with: an old entry can never become reachable again.
   */
  private assign(namespace: string): number {
    const v = ++this.counter;
    this.versions.delete(namespace);
    if (this.versions.size >= this.maxEntries * 10) {
      const oldest = this.versions.keys().next().value;
      if (oldest !== undefined) this.versions.delete(oldest);
    }
    this.versions.set(namespace, v);
    return v;
  }

  get size(): number {
    return this.entries.size;
  }
}
