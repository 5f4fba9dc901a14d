/**
 * A small async cache: values with a TTL, plus per-namespace version counters. A writer bumps the version of
 * its namespace (e.g. one user's stats) instead of finding and deleting keys: readers build keys such as
 * `stats:<user>:<version>`, so every older entry is unreachable at once and ages out. In-process here; a Redis
 * implementation (INCR for versions, SET EX for values) can replace it without touching callers.
 */
import { randomBytes } from 'node:crypto';
import { BoundedMap } from '../bounded-map';

export interface Cache {
  readonly kind: string;
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlSec: number): Promise<void>;
  del(key: string): Promise<void>;
  /**
   * The current version of a namespace: opaque text, unique for the life of the shared state (it embeds an epoch
   * that changes when that state is lost), so it may name keys and ETags.
   */
  version(namespace: string): Promise<string>;
  /** Move a namespace to a new version (call after a write commits); returns the new version. */
  bump(namespace: string): Promise<string>;
  close?(): Promise<void>;
}

/** This process's epoch: in-memory versions restart with the process, so another process's ETags never match. */
const PROCESS_EPOCH = randomBytes(6).toString('hex');

interface Entry {
  value: unknown;
  expiresAt: number;
}

/** In-process cache, bounded: least recently used entries go first once `maxEntries` is reached. */
export class MemoryCache implements Cache {
  readonly kind = 'memory';
  private readonly entries: BoundedMap<Entry>;
  private readonly versions: BoundedMap<number>;
  private counter = 0;

  constructor(
    maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {
    this.entries = new BoundedMap<Entry>(maxEntries, (e) => e.expiresAt, now);
    this.versions = new BoundedMap<number>(maxEntries * 10);
  }

  async get<T>(key: string): Promise<T | undefined> {
    return this.entries.get(key, { touch: true })?.value as T | undefined;
  }

  async set(key: string, value: unknown, ttlSec: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: this.now() + ttlSec * 1000 });
  }

  async del(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async version(namespace: string): Promise<string> {
    const v = this.versions.get(namespace);
    return `${PROCESS_EPOCH}.${v ?? this.assign(namespace)}`;
  }

  async bump(namespace: string): Promise<string> {
    return `${PROCESS_EPOCH}.${this.assign(namespace)}`;
  }

  /**
   * Versions come from one process-wide counter, so a namespace that was evicted (or never seen) gets a
   * version no key was ever built with: an old entry can never become reachable again.
   */
  private assign(namespace: string): number {
    const v = ++this.counter;
    this.versions.set(namespace, v);
    return v;
  }

  get size(): number {
    return this.entries.size;
  }
}
