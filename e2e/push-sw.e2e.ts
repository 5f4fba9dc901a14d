/**
 * Web Push in real Chromium (issue 17 item 2): the service worker's `push` handler (apps/web/public/push-sw.js)
 * receives a push and shows the notification. A real push from our server cannot reach a local Chromium — the
 * endpoint a browser subscribes with is its vendor's push service (FCM for Chromium), unreachable here — so the
 * push is delivered by the DevTools protocol instead: ServiceWorker.deliverPushMessage hands the payload to the
 * worker exactly as a decrypted push (a trusted PushEvent, waitUntil and all). The server half (VAPID, aes128gcm
 * encryption) is apps/api/src/modules/push/push.test.ts against a push service written from the RFCs.
 *
 * Self-contained: a static origin on 127.0.0.1 (a secure context) serving a page and a worker that imports the
 * same push-sw.js the app's Workbox sw.js imports.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS } from './helpers';

const PUSH_SW = readFileSync(path.resolve(import.meta.dirname, '../apps/web/public/push-sw.js'), 'utf8');
const PAGE = `<!doctype html><meta charset="utf-8"><title>push</title><script src="/page.js"></script>`;
const PAGE_JS = `window.ready = navigator.serviceWorker.register('/sw.js', { scope: '/' }).then(() => navigator.serviceWorker.ready);`;
const SW = `importScripts('/push-sw.js');
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));`;

let server: http.Server;
let origin: string;
let context: BrowserContext;
let userDataDir: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const files: Record<string, [string, string]> = {
      '/': ['text/html', PAGE],
      '/page.js': ['text/javascript', PAGE_JS],
      '/sw.js': ['text/javascript', SW],
      '/push-sw.js': ['text/javascript', PUSH_SW],
    };
    // The planted fault: the same files with the push listener renamed, under /broken/ (its own worker scope).
    const broken: Record<string, [string, string]> = {
      '/broken/': ['text/html', PAGE.replace('/page.js', '/broken/page.js')],
      '/broken/page.js': [
        'text/javascript',
        PAGE_JS.replace("'/sw.js', { scope: '/' }", "'/broken/sw.js', { scope: '/broken/' }"),
      ],
      '/broken/sw.js': ['text/javascript', SW.replace('/push-sw.js', '/broken/push-sw.js')],
      '/broken/push-sw.js': [
        'text/javascript',
        PUSH_SW.replace("addEventListener('push'", "addEventListener('not-push'"),
      ],
    };
    Object.assign(files, broken);
    const file = files[(req.url ?? '/').split('?')[0] ?? '/'];
    if (!file) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file[0], 'cache-control': 'no-store' }).end(file[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  userDataDir = mkdtempSync(path.join(tmpdir(), 'pt-chromium-push-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    serviceWorkers: 'allow',
  });
  await context.grantPermissions(['notifications'], { origin });
});
afterAll(async () => {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

describe('the service worker receives a push (Chromium, CDP ServiceWorker.deliverPushMessage)', () => {
  it('shows the reminder as a notification with its body, tag and task URL', async () => {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    const registrations: Array<{ registrationId: string; scopeURL: string; isDeleted: boolean }> = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => registrations.push(...e.registrations));
    await cdp.send('ServiceWorker.enable');
    await page.goto(`${origin}/`);
    await page.evaluate(() => (window as unknown as { ready: Promise<unknown> }).ready);
    await expect.poll(() => registrations.find((r) => r.scopeURL === `${origin}/` && !r.isDeleted)).toBeTruthy();
    const registrationId = registrations.find((r) => r.scopeURL === `${origin}/`)?.registrationId ?? '';
    expect(await page.evaluate(() => Notification.permission)).toBe('granted');

    const payload = { title: 'Pay rent', body: 'Due in 15 minutes', url: '/tasks/abc', tag: 'reminder:abc' };
    await cdp.send('ServiceWorker.deliverPushMessage', { origin, registrationId, data: JSON.stringify(payload) });
    const shown = async () =>
      page.evaluate(async () => {
        const reg = await navigator.serviceWorker.ready;
        return (await reg.getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data }));
      });
    await expect
      .poll(shown)
      .toEqual([
        { title: 'Pay rent', body: 'Due in 15 minutes', tag: 'reminder:abc', data: { url: `${origin}/tasks/abc` } },
      ]);

    // A second push with the same tag replaces the first (one notification per reminder tag).
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin,
      registrationId,
      data: JSON.stringify({ ...payload, body: 'Due now' }),
    });
    await expect.poll(async () => (await shown()).map((n) => n.body)).toEqual(['Due now']);
    await page.close();
  });

  it('planted fault: a worker without the push listener shows nothing (the check above would fail)', async () => {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    const registrations: Array<{ registrationId: string; scopeURL: string; isDeleted: boolean }> = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => registrations.push(...e.registrations));
    await cdp.send('ServiceWorker.enable');
    await page.goto(`${origin}/broken/`);
    await page.evaluate(() => (window as unknown as { ready: Promise<unknown> }).ready);
    await expect.poll(() => registrations.find((r) => r.scopeURL === `${origin}/broken/`)).toBeTruthy();
    const registrationId = registrations.find((r) => r.scopeURL === `${origin}/broken/`)?.registrationId ?? '';
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin,
      registrationId,
      data: JSON.stringify({ title: 'Pay rent', body: 'x' }),
    });
    await new Promise((r) => setTimeout(r, 1500));
    const count = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration('/broken/');
      return reg ? (await reg.getNotifications()).length : -1;
    });
    expect(count).toBe(0);
    await page.close();
  });
});
