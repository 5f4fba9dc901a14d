/**
 * Is the session behind an access token still alive? The database is the truth; answers are cached per session
 * for at most `ttlMs` (1 s), and a revocation made here drops the cached answer at once. With Redis, revocations
 * are also published so that every other instance drops its cached answer (scale-out).
 */
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from './db/client';
import { sessions, users } from './db/schema';

export interface SessionState {
  active: boolean;
  role: 'user' | 'admin';
}

export interface RevocationBus {
  publish(sessionIds: string[]): Promise<void>;
  onRevoked(handler: (sessionIds: string[]) => void): void;
}

export class SessionGuard {
  private readonly cache = new Map<string, { state: SessionState; until: number }>();
  private bus: RevocationBus | undefined;
  constructor(
    private readonly db: Db,
    private readonly ttlMs = 1000,
    private readonly maxEntries = 50_000,
  ) {}

  useBus(bus: RevocationBus): void {
    this.bus = bus;
    bus.onRevoked((ids) => this.forgetLocal(ids));
  }

  async check(sessionId: string, userId: string): Promise<SessionState> {
    const now = Date.now();
    const hit = this.cache.get(sessionId);
    if (hit && hit.until > now) return hit.state;
    const rows = await this.db
      .select({ role: users.role })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(
        and(
          eq(sessions.id, sessionId),
          eq(sessions.userId, userId),
          isNull(sessions.revokedAt),
          gt(sessions.absoluteExpiresAt, new Date()),
          eq(users.isActive, true),
        ),
      )
      .limit(1);
    const state: SessionState = rows[0] ? { active: true, role: rows[0].role } : { active: false, role: 'user' };
    if (this.cache.size >= this.maxEntries) this.cache.clear();
    this.cache.set(sessionId, { state, until: now + this.ttlMs });
    return state;
  }

  private forgetLocal(sessionIds: string[]): void {
    for (const id of sessionIds)
      this.cache.set(id, { state: { active: false, role: 'user' }, until: Date.now() + this.ttlMs });
  }

  /** Call after the database says these sessions are revoked. */
  async revoked(sessionIds: string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    this.forgetLocal(sessionIds);
    await this.bus?.publish(sessionIds);
  }

  /** Drop cached answers (e.g. after a role change) so the next request reads the database. */
  invalidate(sessionIds: string[]): void {
    for (const id of sessionIds) this.cache.delete(id);
  }
}
