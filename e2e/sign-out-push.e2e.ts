/**
 * The sign-out clean-up in the built app (lib/sign-out-hooks, registered in app/providers.tsx): with a push
 * subscription id stored for this device, "Log out" first sends DELETE /push/subscriptions/:id, then
 * POST /auth/logout, and forgets the id. (Headless Chromium has no push service, so the browser-side unsubscribe is
 * covered by the component test app/sign-out.test.tsx; here the server has no such row and answers 404, which the
 * clean-up accepts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, freshPage, launch, register } from './helpers';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const SUB_ID = '00000000-0000-4000-8000-00000000e2e1';

describe('sign-out clean-up', () => {
  it('Log out removes this device’s push subscription on the server before signing out', async () => {
    const page = await freshPage(browser.context);
    await register(page);
    await page.evaluate((id) => localStorage.setItem('pt.push.subscriptionId', id), SUB_ID);
    const seen: string[] = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname.startsWith('/api/v1/push/') || u.pathname.startsWith('/api/v1/auth/logout'))
        seen.push(`${r.method()} ${u.pathname}`);
    });
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await page.waitForURL('**/login');
    expect(seen).toEqual([`DELETE /api/v1/push/subscriptions/${SUB_ID}`, 'POST /api/v1/auth/logout']);
    expect(await page.evaluate(() => localStorage.getItem('pt.push.subscriptionId'))).toBeNull();
  });
});
