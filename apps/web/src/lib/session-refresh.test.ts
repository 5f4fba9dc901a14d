// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeFetch, ok, problem, signIn } from '../test/network';
import { markSessionFresh, refreshSession } from './session-refresh';

describe('refreshSession', () => {
  beforeEach(() => {
    signIn();
  });

  it('skips the rotation when another tab already refreshed (the mark says so)', async () => {
    const net = fakeFetch(() => ok({}));
    const since = Date.now() - 1000;
    markSessionFresh(Date.now());
    expect(await refreshSession(since)).toBe(true);
    expect(net.calls).toEqual([]);
  });

  // localStorage reaches other tabs asynchronously: a mark not seen yet must not cause a second rotation when the
  // cookies already carry a working session.
  it('asks the server before rotating when the mark is stale, and does not rotate a session that works', async () => {
    const net = fakeFetch(({ url }) => (url === '/api/v1/auth/me' ? ok({ id: 'u1' }) : ok({})));
    expect(await refreshSession(Date.now())).toBe(true);
    expect(net.calls.map((c) => `${c.method} ${c.url}`)).toEqual(['GET /api/v1/auth/me']);
  });

  it('rotates once when the session does not answer', async () => {
    const net = fakeFetch(({ url }) =>
      url === '/api/v1/auth/me' ? problem(401, 'UNAUTHENTICATED', 'Sign in') : ok({ user: { id: 'u1' } }),
    );
    expect(await refreshSession(Date.now())).toBe(true);
    expect(net.calls.map((c) => `${c.method} ${c.url}`)).toEqual(['GET /api/v1/auth/me', 'POST /api/v1/auth/refresh']);
  });
});
