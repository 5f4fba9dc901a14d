/**
 * The service worker's Web Push handlers (public/push-sw.js, imported by Workbox's sw.js): run in a fake service
 * worker scope. `push` shows the reminder as a notification (title, body, tag, the task URL in data); a payload
 * that is not JSON still shows one; `notificationclick` focuses an open window of the app on the task URL, or
 * opens one, and never opens another origin. The real-Chromium half is e2e/push-sw.e2e.ts (CDP
 * ServiceWorker.deliverPushMessage).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';

const SOURCE = readFileSync(path.resolve(import.meta.dirname, '../public/push-sw.js'), 'utf8');
const ORIGIN = 'https://tasks.example';

function scope(windows: Array<{ url: string }> = []) {
  const handlers = new Map<string, (event: unknown) => void>();
  const shown: Array<{ title: string; options: Record<string, unknown> }> = [];
  const clientList = windows.map((w) => ({ ...w, focus: vi.fn(async () => {}), navigate: vi.fn(async () => {}) }));
  const self = {
    location: { origin: ORIGIN },
    addEventListener: (type: string, fn: (event: unknown) => void) => handlers.set(type, fn),
    registration: {
      showNotification: vi.fn(async (title: string, options: Record<string, unknown>) => {
        shown.push({ title, options });
      }),
    },
    clients: { matchAll: vi.fn(async () => clientList), openWindow: vi.fn(async () => null) },
  };
  new Function('self', SOURCE)(self);
  const fire = async (type: string, event: Record<string, unknown>) => {
    const waits: Promise<unknown>[] = [];
    handlers.get(type)?.({ ...event, waitUntil: (p: Promise<unknown>) => waits.push(p) });
    await Promise.all(waits);
    return waits.length;
  };
  return { self, shown, clientList, fire };
}

const data = (text: string) => ({
  text: () => text,
  json: () => JSON.parse(text),
});

describe('public/push-sw.js', () => {
  it('push: shows the reminder with its body, tag and task URL (waitUntil holds the worker until shown)', async () => {
    const s = scope();
    const payload = { title: 'Pay rent', body: 'Due in 15 minutes', url: '/tasks/abc', tag: 'reminder:abc' };
    expect(await s.fire('push', { data: data(JSON.stringify(payload)) })).toBe(1);
    expect(s.shown).toEqual([
      {
        title: 'Pay rent',
        options: expect.objectContaining({
          body: 'Due in 15 minutes',
          tag: 'reminder:abc',
          renotify: true,
          data: { url: `${ORIGIN}/tasks/abc` },
          icon: '/icons/icon-192.png',
        }),
      },
    ]);
  });

  it('push: no payload or not JSON still shows a notification (userVisibleOnly)', async () => {
    const s = scope();
    await s.fire('push', { data: null });
    await s.fire('push', { data: data('plain words') });
    expect(s.shown.map((n) => [n.title, n.options.body])).toEqual([
      ['Primetrade Tasks', ''],
      ['Primetrade Tasks', 'plain words'],
    ]);
    expect(s.shown[0]?.options.tag).toBeUndefined();
  });

  it('push: a URL of another origin is replaced by the dashboard', async () => {
    const s = scope();
    await s.fire('push', { data: data(JSON.stringify({ title: 't', body: 'b', url: 'https://evil.example/x' })) });
    expect(s.shown[0]?.options.data).toEqual({ url: `${ORIGIN}/dashboard` });
  });

  it('notificationclick: focuses an open app window and navigates it to the task; else opens a window', async () => {
    const open = scope([{ url: `${ORIGIN}/dashboard` }]);
    const close = vi.fn();
    await open.fire('notificationclick', { notification: { close, data: { url: `${ORIGIN}/tasks/abc` } } });
    expect(close).toHaveBeenCalled();
    expect(open.clientList[0]?.focus).toHaveBeenCalled();
    expect(open.clientList[0]?.navigate).toHaveBeenCalledWith(`${ORIGIN}/tasks/abc`);
    expect(open.self.clients.openWindow).not.toHaveBeenCalled();

    const none = scope([{ url: 'https://other.example/' }]);
    await none.fire('notificationclick', { notification: { close: vi.fn(), data: { url: `${ORIGIN}/tasks/abc` } } });
    expect(none.self.clients.openWindow).toHaveBeenCalledWith(`${ORIGIN}/tasks/abc`);
    // Planted: data naming another origin opens the dashboard, never that origin.
    const evil = scope();
    await evil.fire('notificationclick', { notification: { close: vi.fn(), data: { url: 'https://evil.example/' } } });
    expect(evil.self.clients.openWindow).toHaveBeenCalledWith(`${ORIGIN}/dashboard`);
  });
});
