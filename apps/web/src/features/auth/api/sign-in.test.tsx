// @vitest-environment happy-dom
import { waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { queryKeys } from '../../../lib/query-keys';
import { lastRefreshAt } from '../../../lib/session-refresh';
import { renderHookWithApp } from '../../../test/render';
import { fakeFetch, ok } from '../../../test/network';
import { useLogin } from './login';
import { useRegister } from './register';

const ada = { id: 'u1', name: 'Ada', email: 'ada@example.test' };

describe('login and register', () => {
  beforeEach(() => localStorage.clear());

  it.each([
    ['login', useLogin, '/api/v1/auth/login', { email: 'ada@example.test', password: 'violet staple orbit' }],
    [
      'register',
      useRegister,
      '/api/v1/auth/register',
      { name: 'Ada', email: 'ada@example.test', password: 'violet staple orbit' },
    ],
  ] as const)('%s posts in cookie mode and starts the session in this tab', async (_name, useHook, url, body) => {
    const net = fakeFetch(() => ok({ user: ada }));
    const before = Date.now();
    const { result, qc } = renderHookWithApp(() => useHook());

    result.current.mutate(body as never);

    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(net.calls.map((c) => `${c.method} ${c.url}`)).toEqual([`POST ${url}`]);
    expect(net.calls[0]?.headers.get('x-auth-mode')).toBe('cookie');
    expect(net.calls[0]?.body).toEqual(body);
    expect(qc.getQueryData(queryKeys.me)).toEqual(ada);
    expect(lastRefreshAt()).toBeGreaterThanOrEqual(before);
  });
});
