/**
 * Web Push in the service worker (issue 17 item 2). Workbox's generated sw.js imports this file
 * (vite.config.ts: workbox.importScripts), so the push handlers live next to the app-shell cache.
 *
 * - `push`: the reminder the server sent ({ title, body, url?, tag? } as JSON, decrypted by the browser) is shown
 *   as a notification; a payload that is not that JSON still shows a generic one (a push must show something:
 *   userVisibleOnly).
 * - `notificationclick`: closes it and focuses an open window of this app on the task's URL, or opens one. Only
 *   URLs of this origin are opened; anything else opens the dashboard.
 */
const PUSH_DEFAULT_TITLE = 'Primetrade Tasks';
const PUSH_ICON = '/icons/icon-192.png';

function pushPayload(data) {
  let value = null;
  try {
    value = data ? data.json() : null;
  } catch {
    value = data ? { body: data.text() } : null;
  }
  const str = (v, max) => (typeof v === 'string' ? v.slice(0, max) : undefined);
  return {
    title: str(value?.title, 200) || PUSH_DEFAULT_TITLE,
    body: str(value?.body, 1000) ?? '',
    url: str(value?.url, 2000),
    tag: str(value?.tag, 200),
  };
}

/** The URL to open for a notification: same origin only, else the dashboard. */
function pushTarget(url) {
  try {
    const target = new URL(url || '/dashboard', self.location.origin);
    return target.origin === self.location.origin ? target.href : new URL('/dashboard', self.location.origin).href;
  } catch {
    return new URL('/dashboard', self.location.origin).href;
  }
}

self.addEventListener('push', (event) => {
  const p = pushPayload(event.data);
  event.waitUntil(
    self.registration.showNotification(p.title, {
      body: p.body,
      icon: PUSH_ICON,
      badge: PUSH_ICON,
      data: { url: pushTarget(p.url) },
      ...(p.tag ? { tag: p.tag, renotify: true } : {}),
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = pushTarget(event.notification.data?.url);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
      if (open) {
        await open.focus();
        if ('navigate' in open) await open.navigate(url).catch(() => undefined);
        return;
      }
      await self.clients.openWindow(url);
    })(),
  );
});
