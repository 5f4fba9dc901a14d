/** SessionGuard over a fake lookup and bus: caching, revocation (local and heard from other instances), invalidation. */
import { describe, expect, it, vi } from 'vitest';
import { type RevocationBus, SessionGuard, type SessionState } from './session-guard';

function fakeLookup(state: SessionState) {
  const calls: string[] = [];
  const lookup = async (sessionId: string) => {
    calls.push(sessionId);
    return state;
  };
  return { calls, lookup };
}

function fakeBus() {
  const published: string[][] = [];
  let handler: ((ids: string[]) => void) | undefined;
  const bus: RevocationBus = {
    publish: async (ids) => {
      published.push(ids);
    },
    onRevoked: (h) => {
      handler = h;
    },
  };
  return { bus, published, hear: (ids: string[]) => handler?.(ids) };
}

describe('SessionGuard', () => {
  it('asks the lookup once per session within the cache lifetime, again after it', async () => {
    const { calls, lookup } = fakeLookup({ active: true, role: 'admin' });
    // The clock is moved by hand: a loaded machine cannot make the two checks fall in different cache lifetimes.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const guard = new SessionGuard(lookup, { ttlMs: 1000 });
      expect(await guard.check('s1', 'u1')).toEqual({ active: true, role: 'admin' });
      vi.setSystemTime(Date.now() + 999);
      expect(await guard.check('s1', 'u1')).toEqual({ active: true, role: 'admin' });
      expect(calls).toEqual(['s1']);
      vi.setSystemTime(Date.now() + 2);
      await guard.check('s1', 'u1');
      expect(calls).toEqual(['s1', 's1']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a revocation answers "inactive" at once and is published; one heard from another instance too', async () => {
    const { calls, lookup } = fakeLookup({ active: true, role: 'user' });
    const { bus, published, hear } = fakeBus();
    const guard = new SessionGuard(lookup, { bus });
    await guard.check('s1', 'u1');
    await guard.revoked(['s1']);
    expect(await guard.check('s1', 'u1')).toEqual({ active: false, role: 'user' });
    expect(published).toEqual([['s1']]);
    await guard.check('s2', 'u1');
    hear(['s2']);
    expect(await guard.check('s2', 'u1')).toEqual({ active: false, role: 'user' });
    expect(calls).toEqual(['s1', 's2']);
    await guard.revoked([]);
    expect(published).toHaveLength(1);
  });

  it("an answer cached for a session's owner is never given to a claim of that session by another user", async () => {
    const calls: string[] = [];
    // The database's answer: s1 belongs to u1 only.
    const guard = new SessionGuard(async (sessionId, userId) => {
      calls.push(`${sessionId}/${userId}`);
      return { active: sessionId === 's1' && userId === 'u1', role: 'admin' };
    });
    expect((await guard.check('s1', 'u1')).active).toBe(true);
    expect((await guard.check('s1', 'intruder')).active).toBe(false);
    expect((await guard.check('s1', 'u1')).active).toBe(true);
    expect((await guard.check('s1', 'intruder')).active).toBe(false);
    // the owner's answer stays cached; every foreign claim goes to the database
    expect(calls).toEqual(['s1/u1', 's1/intruder', 's1/intruder']);
  });

  it('a revocation heard while the database is asked wins over the answer that predates it', async () => {
    let release: () => void = () => {};
    const guard = new SessionGuard(
      () =>
        new Promise<SessionState>((resolve) => {
          release = () => resolve({ active: true, role: 'user' });
        }),
    );
    const pending = guard.check('s1', 'u1');
    await guard.revoked(['s1']);
    release();
    expect((await pending).active).toBe(false);
    expect((await guard.check('s1', 'u1')).active).toBe(false);
  });

  it('onRevoked listeners hear every revocation, made here or heard from another instance, until unsubscribed', async () => {
    const { lookup } = fakeLookup({ active: true, role: 'user' });
    const { bus, hear } = fakeBus();
    const guard = new SessionGuard(lookup, { bus });
    const heard: string[][] = [];
    const unsubscribe = guard.onRevoked((ids) => heard.push(ids));
    guard.onRevoked(() => {
      throw new Error('a faulty listener');
    });
    await guard.revoked(['s1']);
    hear(['s2', 's3']);
    guard.invalidate(['s4']); // a role change is no revocation
    unsubscribe();
    await guard.revoked(['s5']);
    expect(heard).toEqual([['s1'], ['s2', 's3']]);
    expect((await guard.check('s5', 'u1')).active).toBe(false);
  });

  it('invalidate drops the cached answer, so the next check reads the lookup again', async () => {
    const { calls, lookup } = fakeLookup({ active: true, role: 'user' });
    const guard = new SessionGuard(lookup);
    await guard.check('s1', 'u1');
    guard.invalidate(['s1']);
    await guard.check('s1', 'u1');
    expect(calls).toEqual(['s1', 's1']);
  });
});
