/**
 * Offline-first (issue 16 item 8), in Chromium with the browser context set offline:
 * - the app is installable (CDP Page.getInstallabilityErrors is empty; Lighthouse 12 has no PWA audit any more);
 * - a reload without a network shows the shell (service worker) and the last tasks (IndexedDB);
 * - a task created and one edited offline show as pending, stay queued across an offline reload, and each reaches
 *   the server exactly once after reconnecting (checked through the API), with Idempotency-Key / If-Match;
 * - a queued edit of a task that changed on the server meanwhile opens the conflict dialog on replay.
 * Screenshots: e2e/artifacts/offline-*.png.
 */
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  apiFromPage,
  type Browser,
  baseURL,
  createTaskViaApi,
  freshPage,
  launch,
  register,
  screenshot,
} from './helpers';

interface ApiTask {
  id: string;
  title: string;
  version: number;
  status: string;
}

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
beforeEach(async () => {
  // A failed attempt may have left the context offline.
  await browser.context.setOffline(false);
});
afterAll(async () => {
  await browser?.context.setOffline(false);
  await browser?.close();
});

/** The tasks on the server, read outside the browser (the browser may be offline). */
async function serverTasks(token: string): Promise<ApiTask[]> {
  const res = await fetch(`${baseURL()}/api/v1/tasks?limit=100`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: ApiTask[] }).data;
}

async function bearer(user: { email: string; password: string }): Promise<string> {
  const res = await fetch(`${baseURL()}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: user.email, password: user.password }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: { accessToken: string } }).data.accessToken;
}

/** The service worker controls the page (it precached the shell). */
async function serviceWorkerReady(page: Page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);
}

/** The persisted query cache holds a task list with these titles (written a moment after the list loads). */
async function cachedTitles(page: Page): Promise<string[]> {
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve) => {
        const open = indexedDB.open('primetrade-offline');
        open.onerror = () => resolve([]);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('kv')) return resolve([]);
          const get = db.transaction('kv').objectStore('kv').get('query-cache');
          get.onsuccess = () => {
            const queries = (get.result?.state?.queries ?? []) as Array<{
              queryKey: unknown[];
              state: { data?: { pages?: Array<{ data: Array<{ title: string }> }> } };
            }>;
            resolve(
              queries
                .filter((q) => q.queryKey[1] === 'list')
                .flatMap((q) => q.state.data?.pages?.flatMap((p) => p.data.map((t) => t.title)) ?? []),
            );
          };
          get.onerror = () => resolve([]);
        };
      }),
  );
}

const row = (page: Page, title: string) => page.getByTestId('task-row').filter({ hasText: title });

async function editTitle(page: Page, from: string, to: string) {
  await row(page, from).getByTestId('task-title').click();
  const edit = page.getByRole('dialog', { name: 'Edit task' });
  await edit.getByLabel('Title').fill(to);
  await edit.getByRole('button', { name: 'Save' }).click();
  await edit.waitFor({ state: 'detached' });
}

describe('offline-first web app', () => {
  it('is installable, reloads offline with its tasks, queues writes durably and replays each once', async () => {
    const page = await freshPage(browser.context);
    const user = await register(page);
    const token = await bearer(user);
    const alpha = await createTaskViaApi(page, { title: 'Alpha from the server' });
    await createTaskViaApi(page, { title: 'Beta from the server' });

    await page.goto('/tasks');
    await row(page, 'Alpha from the server').waitFor();
    await serviceWorkerReady(page);

    // Installable: Chromium's own check (manifest, icons, service worker) finds nothing missing.
    const cdp = await browser.context.newCDPSession(page);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
      installabilityErrors: Array<{ errorId: string }>;
    };
    expect(installabilityErrors).toEqual([]);
    const manifest = await apiFromPage<{ display: string; icons: Array<{ sizes: string; purpose: string }> }>(
      page,
      'GET',
      '/manifest.webmanifest',
    );
    expect(manifest.body.display).toBe('standalone');
    expect(manifest.body.icons.map((i) => `${i.sizes} ${i.purpose}`)).toEqual([
      '192x192 any',
      '512x512 any',
      '512x512 maskable',
    ]);

    await expect.poll(() => cachedTitles(page)).toContain('Alpha from the server');

    // Offline reload: the shell from the service worker, the tasks from IndexedDB.
    await browser.context.setOffline(true);
    await page.reload();
    await row(page, 'Alpha from the server').waitFor();
    await row(page, 'Beta from the server').waitFor();
    await page.getByTestId('offline-status').getByText('Offline').waitFor();
    await screenshot(page, 'offline-reload');

    // A create offline: the dialog closes at once and the task shows as pending.
    await page.getByRole('button', { name: 'New task' }).click();
    const dialog = page.getByRole('dialog', { name: 'New task' });
    await dialog.getByLabel('Title').fill('Gamma made offline');
    await dialog.getByRole('button', { name: 'Create task' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 5_000 });
    await row(page, 'Gamma made offline').getByText('Waiting to sync').waitFor();

    // An edit offline (of a task never opened before: its If-Match comes from the version shown).
    await editTitle(page, 'Alpha from the server', 'Alpha edited offline');
    await row(page, 'Alpha edited offline').getByText('Waiting to sync').waitFor();
    await page.getByTestId('pending-count').getByText('2 changes waiting').waitFor();
    await screenshot(page, 'offline-pending');

    // Still offline, reloaded: both writes are still queued and shown.
    await page.reload();
    await row(page, 'Gamma made offline').getByText('Waiting to sync').waitFor();
    await row(page, 'Alpha edited offline').getByText('Waiting to sync').waitFor();
    await page.getByTestId('pending-count').getByText('2 changes waiting').waitFor();
    await screenshot(page, 'offline-pending-after-reload');
    expect((await serverTasks(token)).map((t) => t.title).sort()).toEqual([
      'Alpha from the server',
      'Beta from the server',
    ]);

    // Back online: the queue is replayed, each write once, and the pending marks clear.
    const writes: Request[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/tasks') && r.method() !== 'GET') writes.push(r);
    });
    await browser.context.setOffline(false);
    await page.getByTestId('offline-status').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByText('Waiting to sync').count()).toBe(0);
    await row(page, 'Gamma made offline').waitFor();
    await screenshot(page, 'offline-synced');

    const tasks = await serverTasks(token);
    expect(tasks.filter((t) => t.title === 'Gamma made offline')).toHaveLength(1);
    expect(tasks.find((t) => t.id === alpha.id)).toMatchObject({ title: 'Alpha edited offline', version: 2 });
    expect(tasks).toHaveLength(3);
    const sent = writes.map((r) => `${r.method()} ${new URL(r.url()).pathname}`);
    expect(sent).toEqual(['POST /api/v1/tasks', `PATCH /api/v1/tasks/${alpha.id}`]);
    expect(writes[0]?.headers()['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(writes[1]?.headers()['if-match']).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
  });

  it('a queued edit of a task changed elsewhere meanwhile opens the conflict dialog on replay', async () => {
    const page = await freshPage(browser.context);
    const user = await register(page);
    const token = await bearer(user);
    const task = await createTaskViaApi(page, { title: 'Delta shared' });
    await page.goto('/tasks');
    await row(page, 'Delta shared').waitFor();
    await expect.poll(() => cachedTitles(page)).toContain('Delta shared');

    await browser.context.setOffline(true);
    await editTitle(page, 'Delta shared', 'Delta, my offline title');
    await row(page, 'Delta, my offline title').getByText('Waiting to sync').waitFor();

    // Meanwhile another device changes the task on the server.
    const other = await fetch(`${baseURL()}/api/v1/tasks/${task.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ description: 'Changed on another device' }),
    });
    expect(other.status).toBe(200);

    await browser.context.setOffline(false);
    const dialog = page.getByRole('dialog', { name: 'Edit task' });
    await dialog.getByTestId('conflict').waitFor();
    await dialog.getByText(/changed somewhere else/).waitFor();
    await screenshot(page, 'offline-conflict');
    // The user's change was not forced through.
    expect((await serverTasks(token)).find((t) => t.id === task.id)).toMatchObject({
      title: 'Delta shared',
      version: 2,
    });

    await dialog.getByRole('button', { name: 'Reapply my changes' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect
      .poll(async () => (await serverTasks(token)).find((t) => t.id === task.id))
      .toMatchObject({ title: 'Delta, my offline title', version: 3 });
    await page.getByTestId('offline-status').waitFor({ state: 'detached' });
  });
});
