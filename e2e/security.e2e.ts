import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, freshPage, launch, newUser, register, screenshot } from './helpers';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const XSS = '<img src=x onerror=alert(1)>';

describe('browser security', () => {
  it('renders stored XSS payloads as inert text', async () => {
    const page = await freshPage(browser.context);
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await register(page, newUser(XSS));
    await page.getByTestId('user-name').waitFor();
    expect(await page.getByTestId('user-name').textContent()).toBe(XSS);

    await page.getByRole('link', { name: 'Tasks', exact: true }).click();
    await page.getByRole('button', { name: 'New task' }).click();
    const dialog = page.getByRole('dialog', { name: 'New task' });
    await dialog.getByLabel('Title').fill(XSS);
    await dialog.getByLabel('Description').fill(`${XSS}<script>alert(2)</script>`);
    await dialog.getByLabel('Tags').fill('<b>tag</b>');
    await dialog.getByRole('button', { name: 'Create task' }).click();
    await dialog.waitFor({ state: 'detached' });

    const row = page.getByTestId('task-row').first();
    await row.waitFor();
    expect(await row.getByTestId('task-title').textContent()).toBe(XSS);
    expect(await row.getByTestId('task-description').textContent()).toContain('<script>alert(2)</script>');
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByTestId('charts').waitFor();
    await page.getByRole('link', { name: 'Profile' }).click();
    await page.getByRole('heading', { name: 'Profile' }).waitFor();
    await page.getByRole('link', { name: 'Tasks', exact: true }).click();
    await row.waitFor();
    await page.waitForTimeout(300);

    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.locator('b', { hasText: 'tag' }).count()).toBe(0);
    expect(dialogs).toEqual([]);
    await screenshot(page, 'xss-inert');
  });

  it('serves a CSP that blocks an injected inline script', async () => {
    const page = await freshPage(browser.context);
    const response = await page.goto('/login');
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    // The built page itself has no inline script.
    const inline = await page.evaluate(
      () => [...document.querySelectorAll('script')].filter((s) => !s.src && s.textContent?.trim()).length,
    );
    expect(inline).toBe(0);

    const result = await page.evaluate(async () => {
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
      const w = window as unknown as { __pwned?: boolean };
      const s = document.createElement('script');
      s.textContent = 'window.__pwned = true;';
      document.body.append(s);
      const div = document.createElement('div');
      div.innerHTML = '<img src="data:," onerror="window.__pwned = true">';
      document.body.append(div);
      await new Promise((r) => setTimeout(r, 300));
      return { pwned: w.__pwned === true, violations };
    });
    expect(result.pwned).toBe(false);
    expect(result.violations.some((v) => v.startsWith('script-src'))).toBe(true);
  });
});
