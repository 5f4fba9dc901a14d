/**
 * The SSE streams open on this instance: counted per user (the cap, SSE_MAX_STREAMS_PER_USER) and indexed by
 * session, so that a revoked session's streams are closed the moment the revocation is made or heard.
 */
export interface OpenStream {
  userId: string;
  sessionId: string;
  close(): void;
}

export class OpenStreams {
  private readonly perUser = new Map<string, number>();
  private readonly bySession = new Map<string, Set<OpenStream>>();

  constructor(private readonly maxPerUser: number) {}

  /**
   * Register a stream, unless its user already holds `maxPerUser` (then null). Synchronous, so concurrent opens
   * cannot all pass the check. The returned release is idempotent.
   */
  open(stream: OpenStream): (() => void) | null {
    const held = this.perUser.get(stream.userId) ?? 0;
    if (held >= this.maxPerUser) return null;
    this.perUser.set(stream.userId, held + 1);
    let set = this.bySession.get(stream.sessionId);
    if (!set) {
      set = new Set();
      this.bySession.set(stream.sessionId, set);
    }
    set.add(stream);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.perUser.get(stream.userId) ?? 1) - 1;
      if (n > 0) this.perUser.set(stream.userId, n);
      else this.perUser.delete(stream.userId);
      const s = this.bySession.get(stream.sessionId);
      s?.delete(stream);
      if (s?.size === 0) this.bySession.delete(stream.sessionId);
    };
  }

  /** These sessions were revoked: close their streams (each stream's close releases its slot). */
  closeSessions(sessionIds: string[]): void {
    for (const id of sessionIds) {
      const set = this.bySession.get(id);
      if (!set) continue;
      for (const stream of [...set]) stream.close();
    }
  }

  /** Streams the user holds on this instance. */
  countOf(userId: string): number {
    return this.perUser.get(userId) ?? 0;
  }
}
