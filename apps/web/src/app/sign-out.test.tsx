// @vitest-environment happy-dom
/**
 * The sign-out clean-up across features (lib/sign-out-hooks): the profile feature's push hook, run by the auth
 * feature's sign-out and by the profile's "sign out everywhere" and account deletion — wired here as the app
 * wires them (app/providers.tsx).
 */
import { act, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useLogout } from '../features/auth/api/logout';
import { deletePushSubscription, savePushSubscription } from '../features/profile/api/push';
import { useDeleteAccount } from '../features/profile/api/delete-account';
import { useLogoutAll } from '../features/profile/api/logout-all';
import { PUSH_ID_KEY, type PushBrowser, removePushOnSignOut } from '../features/profile/components/push-device';
import { onSignOut } from '../lib/sign-out-hooks';
import { type FetchCall, fakeFetch, problem, signIn } from '../test/network';
import { renderHookWithApp } from '../test/render';

const SUB_ID = '00000000-0000-4000-8000-0000000000aa';
const ENDPOINT = 'https://fcm.googleapis.com/fcm/send/device-1';

function fakeBrowser() {
  const store = new Map<string, string>([[PUSH_ID_KEY, SUB_ID]]);
  const order: string[] = [];
  const state: { sub: { unsubscribe: () => Promise<boolean> } | null } = { sub: null };
  const unsubscribe = vi.fn(async () => {
    order.push('unsubscribe');
    state.sub = null;
    return true;
  });
  state.sub = {
    endpoint: ENDPOINT,
    unsubscribe,
    toJSON: () => ({ endpoint: ENDPOINT, expirationTime: null, keys: { p256dh: 'P', auth: 'A' } }),
  } as unknown as { unsubscribe: () => Promise<boolean> };
  const browser: PushBrowser = {
    supported: () => true,
    permission: () => 'granted',
    requestPermission: async () => 'granted',
    registration: async () =>
      ({ pushManager: { getSubscription: async () => state.sub } }) as unknown as ServiceWorkerRegistration,
    storage: {
      getItem: (k) => store.get(k) ?? null,
      setItem: (k, v) => void store.set(k, v),
      removeItem: (k) => void store.delete(k),
    },
    userAgent: 'test',
  };
  return { browser, unsubscribe, store, order };
}

const route = (c: FetchCall) => `${c.method} ${c.url}`;

describe('sign-out clean-up of this device’s push subscription', () => {
  let off: () => void = () => {};
  let device: ReturnType<typeof fakeBrowser>;
  beforeEach(() => {
    signIn();
    device = fakeBrowser();
    off = onSignOut((ctx) =>
      removePushOnSignOut(device.browser, { save: savePushSubscription, remove: deletePushSubscription }, ctx),
    );
  });
  afterEach(() => off());

  function network() {
    return fakeFetch((c) => {
      device.order.push(route(c));
      if (c.method === 'DELETE' && c.url.startsWith('/api/v1/push/')) return new Response(null, { status: 204 });
      if (c.method === 'DELETE' && c.url === '/api/v1/users/me') return new Response(null, { status: 204 });
      if (c.method === 'POST' && c.url.startsWith('/api/v1/auth/logout')) return new Response(null, { status: 204 });
      return problem(404, 'NOT_FOUND', 'no');
    });
  }

  it('sign out: DELETE /push/subscriptions/:id, then unsubscribe, then POST /auth/logout', async () => {
    network();
    const { result } = renderHookWithApp(() => useLogout());
    await act(() => result.current.mutateAsync());
    expect(device.order).toEqual([
      `DELETE /api/v1/push/subscriptions/${SUB_ID}`,
      'unsubscribe',
      'POST /api/v1/auth/logout',
    ]);
    expect(device.store.has(PUSH_ID_KEY)).toBe(false);
  });

  it('sign out everywhere: the same clean-up before POST /auth/logout-all', async () => {
    network();
    const { result } = renderHookWithApp(() => useLogoutAll());
    await act(() => result.current.mutateAsync());
    expect(device.order).toEqual([
      `DELETE /api/v1/push/subscriptions/${SUB_ID}`,
      'unsubscribe',
      'POST /api/v1/auth/logout-all',
    ]);
  });

  it('account deletion: the account first (its rows go with it), then only the browser unsubscribes', async () => {
    network();
    const { result } = renderHookWithApp(() => useDeleteAccount());
    await act(() => result.current.mutateAsync({ password: 'pw' }));
    expect(device.order).toEqual(['DELETE /api/v1/users/me', 'unsubscribe']);
  });

  it('a wrong password on account deletion switches nothing off', async () => {
    fakeFetch(() => problem(400, 'INVALID_CREDENTIALS', 'Wrong password'));
    const { result } = renderHookWithApp(() => useDeleteAccount());
    await act(() => result.current.mutateAsync({ password: 'nope' }).catch(() => {}));
    expect(device.unsubscribe).not.toHaveBeenCalled();
    expect(device.store.get(PUSH_ID_KEY)).toBe(SUB_ID);
  });

  it('a failed DELETE still unsubscribes the browser and still signs out', async () => {
    fakeFetch((c) => {
      device.order.push(route(c));
      if (c.url.startsWith('/api/v1/push/')) return problem(500, 'INTERNAL', 'down');
      return new Response(null, { status: 204 });
    });
    const { result } = renderHookWithApp(() => useLogout());
    await act(() => result.current.mutateAsync());
    expect(device.order).toEqual([
      `DELETE /api/v1/push/subscriptions/${SUB_ID}`,
      'unsubscribe',
      'POST /api/v1/auth/logout',
    ]);
  });

  it('a hanging hook does not block sign-out (given up after the timeout)', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const offHang = onSignOut(() => new Promise(() => {}));
    try {
      const calls = network();
      const { result } = renderHookWithApp(() => useLogout());
      let settled = false;
      const p = result.current.mutateAsync().then(() => {
        settled = true;
      });
      await vi.advanceTimersByTimeAsync(3100);
      await act(() => p);
      expect(settled).toBe(true);
      await waitFor(() => expect(calls.calls.map(route)).toContain('POST /api/v1/auth/logout'));
      expect(device.unsubscribe).toHaveBeenCalled();
    } finally {
      offHang();
      vi.useRealTimers();
    }
  });
});
