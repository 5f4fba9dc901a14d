/**
 * Is the session behind an access token still alive? The database is the truth (asked through `lookup`, which the
 * auth module's repository provides); answers are cached per session for at most `ttlMs` (1 s), and a revocation
 * made here drops the cached answer at once. With a bus (Redis), revocations are also published so that every
 * other instance drops its cached answer (scale-out).
 */

export interface SessionState {
  active: boolean;
  role: 'user' | 'admin';
}

/** The stored state of a session of that user: active only when live, unexpired and its user is active. */
export type SessionLookup = (sessionId: string, userId: string) => Promise<SessionState>;

export interface RevocationBus {
  publish(sessionIds: string[]): Promise<void>;
  onRevoked(handler: (sessionIds: string[]) => void): void;
}

export interface SessionGuardOptions {
  /** Where revocations are published to (and heard from) the other instances; none on a single instance. */
  bus?: RevocationBus | undefined;
  ttlMs?: number;
  maxEntries?: number;
}

export class SessionGuard {
  /**
   * Per session id: the answer and the user it was given for (a revocation marker has no user: the session is dead
   * whoever asks). A hit counts only for the same user, so a token naming a live `sid` with another `sub` is never
   * answered from the cache.
   */
  private readonly cache = new Map<string, { state: SessionState; userId: string | undefined; until: number }>();
  private readonly bus: RevocationBus | undefined;
  private readonly listeners = new Set<(sessionIds: string[]) => void>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(
    private readonly lookup: SessionLookup,
    options: SessionGuardOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 1000;
    this.maxEntries = options.maxEntries ?? 50_000;
    this.bus = options.bus;
    this.bus?.onRevoked((ids) => this.forgetLocal(ids));
  }

  async check(sessionId: string, userId: string): Promise<SessionState> {
    const now = Date.now();
    const hit = this.cache.get(sessionId);
    if (hit && hit.until > now) {
      if (hit.userId === undefined || hit.userId === userId) return hit.state;
    }
    const state = await this.lookup(sessionId, userId);
    // A revocation heard while the database was asked wins over an answer that may predate it.
    const marker = this.cache.get(sessionId);
    if (marker && marker.userId === undefined && marker.until > Date.now()) return marker.state;
    // Another user's claim on a session cached for its owner: answered from the database, the owner's entry kept
    // (only the owner's claim can be active, so an active answer may replace it).
    if (hit && hit.until > now && !state.active) return state;
    if (this.cache.size >= this.maxEntries) this.cache.clear();
    this.cache.set(sessionId, { state, userId, until: now + this.ttlMs });
    return state;
  }

  private forgetLocal(sessionIds: string[]): void {
    for (const id of sessionIds)
      this.cache.set(id, { state: { active: false, role: 'user' }, userId: undefined, until: Date.now() + this.ttlMs });
    for (const listener of this.listeners) {
      try {
        listener(sessionIds);
      } catch {
        /* a listener reports its own errors; the revocation itself stands */
      }
    }
  }

  /**
   * Be told of every revocation this instance makes or hears from another (what holds a session open beyond one
   * request — an SSE stream — ends it here). Returns the unsubscribe.
   */
  onRevoked(listener: (sessionIds: string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
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
