// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { deferred, fakeFetch, ok, problem, signIn } from '../test/network';
import { api, onSessionLost } from './api-client';
import { ApiError } from './api-error';

const expired = () => problem(401, 'TOKEN_EXPIRED', 'Access token expired');
const calls = (list: Array<{ method: string; url: string }>) => list.map((c) => `${c.method} ${c.url}`);

describe('api-client: refresh and retry on 401', () => {
  beforeEach(signIn);

  it('a 401 TOKEN_EXPIRED refreshes the session once, then retries the request', async () => {
    let refreshed = false;
    const net = fakeFetch(({ url }) => {
      if (url === '/api/v1/auth/refresh') {
        refreshed = true;
        return ok({ user: { id: 'u1' } });
      }
      return refreshed ? ok([{ id: 't1' }]) : expired();
    });

    const res = await api<Array<{ id: string }>>('/tasks');

    expect(res.data).toEqual([{ id: 't1' }]);
    // Before rotating, the session is tried once as the cookies stand (another tab may have refreshed already).
    expect(calls(net.calls)).toEqual([
      'GET /api/v1/tasks',
      'GET /api/v1/auth/me',
      'POST /api/v1/auth/refresh',
      'GET /api/v1/tasks',
    ]);
    const refresh = net.calls[2]!;
    expect(refresh.headers.get('x-csrf-token')).toBe('test-csrf');
    expect(refresh.headers.get('x-auth-mode')).toBe('cookie');
  });

  it('concurrent 401s share one refresh, and each request is retried', async () => {
    const refreshAnswer = deferred<Response>();
    let refreshed = false;
    let expiredSeen = 0;
    const allExpired = deferred<void>();
    const net = fakeFetch(({ url }) => {
      if (url === '/api/v1/auth/refresh') {
        return refreshAnswer.promise.then((r) => {
          refreshed = true;
          return r;
        });
      }
      if (refreshed) return ok(url);
      expiredSeen += 1;
      if (expiredSeen === 3) allExpired.resolve();
      return expired();
    });

    const pending = Promise.all([api<string>('/tasks'), api<string>('/tasks/stats'), api<string>('/auth/me')]);
    await allExpired.promise;
    // Let the three 401s reach the refresh before it answers.
    await vi.waitFor(() => expect(net.calls.filter((c) => c.url === '/api/v1/auth/refresh').length).toBe(1));
    await new Promise((r) => setTimeout(r, 20));
    refreshAnswer.resolve(ok({ user: { id: 'u1' } }));
    const results = await pending;

    expect(results.map((r) => r.data)).toEqual(['/api/v1/tasks', '/api/v1/tasks/stats', '/api/v1/auth/me']);
    expect(net.calls.filter((c) => c.url === '/api/v1/auth/refresh')).toHaveLength(1);
    // Three requests, the one probe of the session before rotating, three retries.
    expect(net.calls.filter((c) => c.url !== '/api/v1/auth/refresh')).toHaveLength(7);
  });

  it('a failed refresh ends the session: the request fails with the 401 and the session-lost listeners run', async () => {
    const lost = vi.fn();
    const stop = onSessionLost(lost);
    try {
      const net = fakeFetch(({ url }) =>
        url === '/api/v1/auth/refresh' ? problem(401, 'REFRESH_TOKEN_INVALID', 'Session expired') : expired(),
      );

      const error = await api('/tasks').catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status: 401, code: 'TOKEN_EXPIRED' });
      expect(lost).toHaveBeenCalledTimes(1);
      // No retry without a new session.
      expect(calls(net.calls)).toEqual(['GET /api/v1/tasks', 'GET /api/v1/auth/me', 'POST /api/v1/auth/refresh']);
    } finally {
      stop();
    }
  });

  it('a 401 INVALID_CREDENTIALS (a wrong current password) is the answer: no refresh, no resend, session kept', async () => {
    const lost = vi.fn();
    const stop = onSessionLost(lost);
    try {
      const net = fakeFetch(() => problem(401, 'INVALID_CREDENTIALS', 'The current password is not correct'));

      const error = await api('/auth/password', {
        method: 'POST',
        json: { currentPassword: 'x', newPassword: 'y' },
      }).catch((e: unknown) => e);

      expect(error).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
      expect(calls(net.calls)).toEqual(['POST /api/v1/auth/password']);
      expect(lost).not.toHaveBeenCalled();
    } finally {
      stop();
    }
  });
});
