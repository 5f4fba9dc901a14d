/**
 * Which database answers a lag-tolerant read (stats, export, admin lists): the replica, unless the user wrote
 * within the last `windowMs` — then the primary, so a user always reads their own writes. The "recent write"
 * mark is kept in-process and, with Redis, shared (SET PX), so a write on any instance counts.
 * Without a replica every read goes to the primary.
 */
import type { Redis } from 'ioredis';
import type { CircuitBreaker } from '../redis/client';
import type { Db } from './client';

export class ReadRouter {
  private readonly recent = new Map<string, number>();
  constructor(
    private readonly primary: Db,
    private readonly replica: Db | undefined,
    private readonly windowMs: number,
    private readonly redis?: { client: Redis; breaker: CircuitBreaker; prefix: string },
  ) {}

  get hasReplica(): boolean {
    return this.replica !== undefined;
  }

  /** Call after a user's write commits. */
  async noteWrite(userId: string): Promise<void> {
    if (!this.replica) return;
    if (this.recent.size > 100_000) this.recent.clear();
    this.recent.set(userId, Date.now() + this.windowMs);
    const r = this.redis;
    if (r) await r.breaker.run(() => r.client.set(`${r.prefix}lw:${userId}`, '1', 'PX', this.windowMs)).catch(() => {});
  }

  /** The database for a lag-tolerant read of this user's data. */
  async forUser(userId: string): Promise<Db> {
    if (!this.replica) return this.primary;
    const until = this.recent.get(userId);
    if (until !== undefined) {
      if (until > Date.now()) return this.primary;
      this.recent.delete(userId);
    }
    const r = this.redis;
    if (r) {
      try {
        const mark = await r.breaker.run(() => r.client.exists(`${r.prefix}lw:${userId}`));
        if (mark) return this.primary;
      } catch {
        return this.primary; // unsure whether the user just wrote elsewhere: stay exact
      }
    }
    return this.replica;
  }

  /** For reads with no user (admin lists). */
  anyone(): Db {
    return this.replica ?? this.primary;
  }
}
