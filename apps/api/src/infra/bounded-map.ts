/**
 * A Map bounded to `max` keys whose entries may expire: the state of the in-process stores (the cache's entries and
 * namespace versions, the rate-limit windows). Map iteration order is insertion order, so the first key is the
 * oldest (or, with `touch`, the least recently used) and is the one evicted when a new key would pass the bound.
 * An expired entry is dropped when it is read or swept.
 */
export class BoundedMap<V> {
  private readonly map = new Map<string, V>();

  constructor(
    private readonly max: number,
    /** When an entry expires (epoch ms); never by default. */
    private readonly expiresAt: (value: V) => number = () => Number.POSITIVE_INFINITY,
    private readonly now: () => number = Date.now,
  ) {}

  /** The live entry; `touch` makes it the most recently used (the last to be evicted). */
  get(key: string, { touch = false }: { touch?: boolean } = {}): V | undefined {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    if (this.expiresAt(value) <= this.now()) {
      this.map.delete(key);
      return undefined;
    }
    if (touch) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  /** Set as the newest entry, evicting the oldest ones first if the map is full. */
  set(key: string, value: V): void {
    this.map.delete(key);
    while (this.map.size >= this.max) {
      const oldest = this.map.keys().next().value;
      if (oldest === undefined) break;
      this.map.delete(oldest);
    }
    this.map.set(key, value);
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  /** Drop every expired entry. */
  sweep(): void {
    const now = this.now();
    for (const [key, value] of this.map) if (this.expiresAt(value) <= now) this.map.delete(key);
  }

  get size(): number {
    return this.map.size;
  }
}
