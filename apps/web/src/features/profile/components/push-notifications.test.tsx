// @vitest-environment happy-dom
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, ok, problem, signIn } from '../../../test/network';
import { renderWithApp } from '../../../test/render';
import { base64UrlToBytes, PUSH_ID_KEY, type PushBrowser } from './push-device';
import { PushNotifications } from './push-notifications';

// A real-looking P-256 public key (65 bytes, 0x04…), base64url.
const KEY = `BA${'x'.repeat(85)}`;
const OTHER_KEY = `BA${'y'.repeat(85)}`;
const SUB_ID = '00000000-0000-4000-8000-0000000000aa';
const ENDPOINT = 'https://fcm.googleapis.com/fcm/send/device-1';
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';

/** A fake PushSubscription as pushManager gives it. */
function fakeSubscription(applicationServerKey: Uint8Array) {
  const sub = {
    endpoint: ENDPOINT,
    options: { applicationServerKey: applicationServerKey.buffer, userVisibleOnly: true },
    unsubscribe: vi.fn(async () => {
      manager.current = null;
      return true;
    }),
    toJSON: () => ({ endpoint: ENDPOINT, expirationTime: null, keys: { p256dh: 'P256DH', auth: 'AUTH' } }),
  };
  return sub;
}
const manager: { current: ReturnType<typeof fakeSubscription> | null } = { current: null };

function fakeBrowser(
  over: Partial<Omit<PushBrowser, 'permission'>> & {
    permission?: NotificationPermission;
    answer?: NotificationPermission;
  } = {},
) {
  const { permission: initial, answer, ...rest } = over;
  const store = new Map<string, string>();
  let permission: NotificationPermission = initial ?? 'default';
  const subscribe = vi.fn(async (opts: { applicationServerKey: Uint8Array; userVisibleOnly: boolean }) => {
    manager.current = fakeSubscription(opts.applicationServerKey);
    return manager.current;
  });
  const requestPermission = vi.fn(async () => {
    permission = answer ?? 'granted';
    return permission;
  });
  const browser: PushBrowser = {
    supported: () => true,
    permission: () => permission,
    requestPermission,
    registration: async () =>
      ({
        pushManager: { getSubscription: async () => manager.current, subscribe },
      }) as unknown as ServiceWorkerRegistration,
    storage: {
      getItem: (k) => store.get(k) ?? null,
      setItem: (k, v) => void store.set(k, v),
      removeItem: (k) => void store.delete(k),
    },
    userAgent: UA,
    ...rest,
  };
  return { browser, subscribe, requestPermission, store };
}

const toggle = () => screen.findByRole('switch', { name: 'Notifications on this device' });

describe('Profile → Notifications on this device', () => {
  beforeEach(() => {
    signIn();
    manager.current = null;
  });

  it('turning on asks permission, subscribes with the server key and POSTs the subscription; turning off DELETEs it and unsubscribes', async () => {
    const { calls } = fakeFetch((c) => {
      if (c.url === '/api/v1/push/vapid-public-key') return ok({ publicKey: KEY });
      if (c.method === 'POST')
        return ok(
          { id: SUB_ID, endpoint: ENDPOINT, label: null, createdAt: '2030-01-01T00:00:00Z', lastSuccessAt: null },
          { status: 201 },
        );
      if (c.method === 'DELETE') return new Response(null, { status: 204 });
      return problem(404, 'NOT_FOUND', 'no');
    });
    const { browser, subscribe, requestPermission, store } = fakeBrowser();
    renderWithApp(<PushNotifications browser={browser} />);
    const sw = await toggle();
    await waitFor(() => expect(sw).toBeEnabled());
    expect(sw).not.toBeChecked();

    await userEvent.click(sw);
    await waitFor(() => expect(sw).toBeChecked());
    expect(requestPermission).toHaveBeenCalledTimes(1);
    expect(subscribe).toHaveBeenCalledTimes(1);
    const opts = subscribe.mock.calls[0]?.[0];
    expect(opts?.userVisibleOnly).toBe(true);
    expect([...(opts?.applicationServerKey ?? [])]).toEqual([...base64UrlToBytes(KEY)]);
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.url).toBe('/api/v1/push/subscriptions');
    expect(post?.body).toEqual({
      endpoint: ENDPOINT,
      expirationTime: null,
      keys: { p256dh: 'P256DH', auth: 'AUTH' },
      label: 'Chrome on Linux',
    });
    expect(post?.headers.get('x-csrf-token')).toBe('test-csrf');
    expect(store.get(PUSH_ID_KEY)).toBe(SUB_ID);
    expect(await screen.findByText('Notifications are on for this device')).toBeInTheDocument();

    const sub = manager.current;
    await userEvent.click(sw);
    await waitFor(() => expect(sw).not.toBeChecked());
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual([
      `/api/v1/push/subscriptions/${SUB_ID}`,
    ]);
    expect(sub?.unsubscribe).toHaveBeenCalledTimes(1);
    expect(store.has(PUSH_ID_KEY)).toBe(false);
  });

  it('permission denied: says how to allow it, nothing is subscribed or sent', async () => {
    const { calls } = fakeFetch(() => ok({ publicKey: KEY }));
    const { browser, subscribe } = fakeBrowser({ answer: 'denied' });
    renderWithApp(<PushNotifications browser={browser} />);
    const sw = await toggle();
    await waitFor(() => expect(sw).toBeEnabled());
    await userEvent.click(sw);
    expect((await screen.findByRole('alert')).textContent).toMatch(/blocked for this site/);
    expect(sw).not.toBeChecked();
    expect(subscribe).not.toHaveBeenCalled();
    expect(calls.map((c) => c.method)).toEqual(['GET']);
  });

  it('server without VAPID keys (503): the switch is off and disabled, with the reason; no permission is asked', async () => {
    fakeFetch(() => problem(503, 'SERVICE_UNAVAILABLE', 'Web Push is not configured on this server'));
    const { browser, requestPermission } = fakeBrowser();
    renderWithApp(<PushNotifications browser={browser} />);
    expect(await screen.findByText(/not set up on this server/)).toBeInTheDocument();
    expect(await toggle()).toBeDisabled();
    expect(requestPermission).not.toHaveBeenCalled();
  });

  it('a browser without push, or without the service worker, says so and stays disabled', async () => {
    fakeFetch(() => ok({ publicKey: KEY }));
    const none = fakeBrowser({ supported: () => false });
    const { unmount } = renderWithApp(<PushNotifications browser={none.browser} />);
    expect(await screen.findByText(/cannot receive notifications/)).toBeInTheDocument();
    expect(await toggle()).toBeDisabled();
    unmount();
    const noWorker = fakeBrowser({ registration: async () => undefined });
    renderWithApp(<PushNotifications browser={noWorker.browser} />);
    expect(await screen.findByText(/service worker/)).toBeInTheDocument();
    expect(await toggle()).toBeDisabled();
  });

  it('a subscription made with another server key (rotated) is replaced, and the server told of the new one', async () => {
    const { calls } = fakeFetch((c) =>
      c.method === 'POST'
        ? ok({ id: SUB_ID, endpoint: ENDPOINT, label: null, createdAt: '2030-01-01T00:00:00Z', lastSuccessAt: null })
        : ok({ publicKey: KEY }),
    );
    manager.current = fakeSubscription(base64UrlToBytes(OTHER_KEY));
    const old = manager.current;
    // Permission was granted before, but this device's row was removed (turned off elsewhere): shown as on; turn
    // off then on again re-subscribes with the current key.
    const { browser, subscribe } = fakeBrowser({ permission: 'granted' });
    renderWithApp(<PushNotifications browser={browser} />);
    const sw = await toggle();
    await waitFor(() => expect(sw).toBeChecked());
    await userEvent.click(sw); // off: no id stored → the subscription is re-posted to learn it, then deleted
    await waitFor(() => expect(sw).not.toBeChecked());
    expect(calls.map((c) => c.method)).toEqual(['GET', 'POST', 'DELETE']);
    expect(old.unsubscribe).toHaveBeenCalled();
    manager.current = fakeSubscription(base64UrlToBytes(OTHER_KEY));
    const stale = manager.current;
    await userEvent.click(sw); // on: the stale-key subscription is dropped and a new one made with KEY
    await waitFor(() => expect(sw).toBeChecked());
    expect(stale.unsubscribe).toHaveBeenCalled();
    expect(subscribe).toHaveBeenCalledTimes(1);
    expect([...(subscribe.mock.calls[0]?.[0].applicationServerKey ?? [])]).toEqual([...base64UrlToBytes(KEY)]);
  });
});
