/**
 * "Notifications on this device" (issue 17 item 2): the browser side of Web Push, apart from React so its steps
 * are tested with a fake browser. Turning on: permission → the service worker's registration → pushManager
 * subscription with the server's VAPID key (a subscription made with another key — the server's key was rotated
 * — is replaced) → POST /push/subscriptions (the server keeps one row per endpoint). Turning off: DELETE it on the
 * server first (a failure leaves it on, consistently), then unsubscribe in the browser. The subscription's id is
 * kept in localStorage; without it, re-posting the subscription (an update, 200) gives it.
 */
import type { CreatePushSubscriptionBody, PushSubscriptionDto } from '@primetrade/shared';

export const PUSH_ID_KEY = 'pt.push.subscriptionId';

/** What the toggle needs of the browser (tests give a fake). */
export interface PushBrowser {
  supported(): boolean;
  permission(): NotificationPermission;
  requestPermission(): Promise<NotificationPermission>;
  /** The app's service worker registration, or undefined (development server, private mode). */
  registration(): Promise<ServiceWorkerRegistration | undefined>;
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  userAgent: string;
}

export interface PushApi {
  save(body: CreatePushSubscriptionBody): Promise<PushSubscriptionDto>;
  remove(id: string): Promise<void>;
}

export type DeviceState = 'unsupported' | 'no-worker' | 'denied' | 'off' | 'on';

export class PushSetupError extends Error {
  constructor(readonly reason: 'denied' | 'dismissed' | 'no-worker' | 'unsupported') {
    super(reason);
    this.name = 'PushSetupError';
  }
}

export const browserPush: PushBrowser = {
  supported: () =>
    typeof window !== 'undefined' &&
    'serviceWorker' in navigator &&
    'PushManager' in window &&
    'Notification' in window,
  permission: () => Notification.permission,
  requestPermission: () => Notification.requestPermission(),
  registration: async () => {
    try {
      return await navigator.serviceWorker.getRegistration('/');
    } catch {
      return undefined;
    }
  },
  storage: typeof localStorage === 'undefined' ? memoryStorage() : localStorage,
  userAgent: typeof navigator === 'undefined' ? '' : navigator.userAgent,
};

function memoryStorage(): PushBrowser['storage'] {
  const m = new Map<string, string>();
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
  };
}

/** base64url → bytes (the applicationServerKey pushManager.subscribe takes). */
export function base64UrlToBytes(value: string): Uint8Array<ArrayBuffer> {
  const b64 = value
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(value.length / 4) * 4, '=');
  const raw = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

function sameKey(a: ArrayBuffer | null | undefined, b: Uint8Array): boolean {
  if (!a) return false;
  const x = new Uint8Array(a);
  return x.length === b.length && x.every((v, i) => v === b[i]);
}

export async function deviceState(b: PushBrowser): Promise<DeviceState> {
  if (!b.supported()) return 'unsupported';
  if (b.permission() === 'denied') return 'denied';
  const reg = await b.registration();
  if (!reg) return 'no-worker';
  const sub = await reg.pushManager.getSubscription();
  return sub && b.permission() === 'granted' ? 'on' : 'off';
}

function bodyOf(sub: PushSubscription, label: string): CreatePushSubscriptionBody {
  const json = sub.toJSON();
  return {
    endpoint: json.endpoint ?? sub.endpoint,
    expirationTime: json.expirationTime ?? null,
    keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' },
    ...(label ? { label: label.slice(0, 200) } : {}),
  };
}

/** Turn notifications on for this device; the stored subscription. */
export async function enablePush(
  b: PushBrowser,
  server: PushApi,
  vapidPublicKey: string,
  label: string,
): Promise<PushSubscriptionDto> {
  if (!b.supported()) throw new PushSetupError('unsupported');
  const permission = b.permission() === 'granted' ? 'granted' : await b.requestPermission();
  if (permission === 'denied') throw new PushSetupError('denied');
  if (permission !== 'granted') throw new PushSetupError('dismissed');
  const reg = await b.registration();
  if (!reg) throw new PushSetupError('no-worker');
  const key = base64UrlToBytes(vapidPublicKey);
  let sub = await reg.pushManager.getSubscription();
  if (sub && !sameKey(sub.options?.applicationServerKey, key)) {
    // Made with another server key (rotated): the push service would refuse our pushes to it.
    await sub.unsubscribe();
    sub = null;
  }
  sub ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  const saved = await server.save(bodyOf(sub, label));
  b.storage.setItem(PUSH_ID_KEY, saved.id);
  return saved;
}

/** Turn notifications off for this device (server first, then the browser's subscription). */
export async function disablePush(b: PushBrowser, server: PushApi, label: string): Promise<void> {
  const reg = await b.registration();
  const sub = reg ? await reg.pushManager.getSubscription() : null;
  let id = b.storage.getItem(PUSH_ID_KEY);
  if (!id && sub) id = (await server.save(bodyOf(sub, label))).id;
  if (id) {
    try {
      await server.remove(id);
    } catch (err) {
      // Already gone on the server (404): nothing left to delete there.
      if (!(err && typeof err === 'object' && 'status' in err && err.status === 404)) throw err;
    }
  }
  b.storage.removeItem(PUSH_ID_KEY);
  await sub?.unsubscribe();
}

/**
 * This device's push subscription on sign-out (registered with lib/sign-out-hooks by the app): removed on the
 * server (while the session still exists) and then in the browser, so the next account on this browser does not
 * receive the previous one's reminders. After an account deletion the server rows are gone with the account:
 * only the browser's subscription is dropped. A failed DELETE does not keep the browser subscribed.
 */
export async function removePushOnSignOut(
  b: PushBrowser,
  server: PushApi,
  ctx: { sessionEnded: boolean },
): Promise<void> {
  if (!b.supported()) return;
  const reg = await b.registration();
  const sub = reg ? await reg.pushManager.getSubscription() : null;
  if (!ctx.sessionEnded && (sub || b.storage.getItem(PUSH_ID_KEY))) {
    try {
      await disablePush(b, server, '');
      return;
    } catch {
      // The server could not be told (offline, 5xx): the browser's subscription goes anyway — the push service
      // then answers the server's next push with 410 and the server drops the row.
    }
  }
  b.storage.removeItem(PUSH_ID_KEY);
  await sub?.unsubscribe();
}
