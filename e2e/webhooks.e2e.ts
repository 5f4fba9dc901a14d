/**
 * A project's webhooks end to end: the owner opens Settings → Webhooks, a URL to a loopback address is refused
 * (400, the message under the URL field — the e2e server runs without WEBHOOK_ALLOW_PRIVATE, as production does),
 * a public IP literal is accepted (no DNS lookup is needed, and no event is sent: nothing happens in the project
 * while the hook exists), the secret is shown once, the webhook is listed with an empty delivery log, and it is
 * deleted after confirmation. Axe: no serious/critical violation. Screenshots: e2e/artifacts/webhooks-*.png.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeSeriousViolations, describeViolations } from './axe';
import { apiFromPage, type Browser, freshPage, launch, register, screenshot } from './helpers';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function axeClean(page: Page, what: string) {
  const violations = await axeSeriousViolations(page);
  expect(violations, `${what}\n${describeViolations(violations)}`).toEqual([]);
}

describe('webhooks', () => {
  it('an owner adds a webhook (a private target refused under the field), sees the secret once, and deletes it', async () => {
    const page = await freshPage(browser.context);
    await register(page);
    const created = await apiFromPage<{ data: { id: string } }>(page, 'POST', '/api/v1/projects', {
      name: 'Hooked',
    });
    expect(created.status).toBe(201);
    const projectId = created.body.data.id;

    // From the project's settings dialog (owners) to the page.
    await page.goto(`/projects/${projectId}`);
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const settings = page.getByRole('dialog');
    await settings.getByRole('link', { name: 'Manage webhooks', exact: true }).waitFor();
    await screenshot(page, 'webhooks-settings-entry');
    await settings.getByRole('link', { name: 'Manage webhooks', exact: true }).click();
    await page.waitForURL(`**/projects/${projectId}/webhooks`);
    await page.getByRole('heading', { name: 'Webhooks', exact: true }).waitFor();
    await page.getByText('This project has no webhooks yet.').waitFor();

    await page.getByRole('button', { name: 'Add webhook', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a webhook' });
    const url = dialog.getByLabel('Payload URL', { exact: true });
    await url.fill('https://127.0.0.1/hook');
    await dialog.getByRole('checkbox', { name: /comment\.created/ }).check();
    await dialog.getByRole('button', { name: 'Add webhook', exact: true }).click();
    await dialog.getByText(/private or reserved address \(127\.0\.0\.1\)/).waitFor();
    expect(await url.getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'webhooks-refused');

    await url.fill('https://1.1.1.1/primetrade-e2e');
    await dialog.getByRole('button', { name: 'Add webhook', exact: true }).click();
    const secretField = page.getByLabel('Signing secret', { exact: true });
    await secretField.waitFor();
    expect(await secretField.inputValue()).toMatch(/^whsec_[A-Za-z0-9_-]{32,}$/);
    await page.getByText(/you will not see it again/).waitFor();
    const list = page.getByRole('list', { name: 'Webhooks' });
    await expect.poll(() => list.getByRole('listitem').count()).toBe(1);
    const row = list.getByRole('listitem');
    expect(await row.textContent()).toContain('https://1.1.1.1/primetrade-e2e');
    expect(await row.textContent()).toContain('comment.created');
    await screenshot(page, 'webhooks-secret-shown');
    await axeClean(page, 'webhooks page with the new secret');

    // The secret is gone once dismissed, and the API never gives it again.
    const secret = await secretField.inputValue();
    await page.getByRole('button', { name: 'Done', exact: true }).click();
    await secretField.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(secret);
    const listed = await apiFromPage<{ data: Array<Record<string, unknown>> }>(
      page,
      'GET',
      `/api/v1/projects/${projectId}/webhooks`,
    );
    expect(listed.body.data).toHaveLength(1);
    expect(listed.body.data[0]).not.toHaveProperty('secret');

    // The delivery log (nothing sent yet) and the Active switch.
    await row.getByRole('button', { name: 'Deliveries of https://1.1.1.1/primetrade-e2e', exact: true }).click();
    await row.getByText('Nothing has been sent yet.').waitFor();
    const active = row.getByRole('switch', { name: 'Active: https://1.1.1.1/primetrade-e2e', exact: true });
    expect(await active.getAttribute('aria-checked')).toBe('true');
    await active.click();
    await expect.poll(() => active.getAttribute('aria-checked')).toBe('false');
    await screenshot(page, 'webhooks-list');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(500);
    await axeClean(page, 'webhooks page, dark');
    await screenshot(page, 'webhooks-list-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // Delete after confirmation.
    await row.getByRole('button', { name: 'Delete https://1.1.1.1/primetrade-e2e', exact: true }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete this webhook?' });
    await screenshot(page, 'webhooks-delete-confirm');
    await confirm.getByRole('button', { name: 'Delete webhook', exact: true }).click();
    await page.getByText('This project has no webhooks yet.').waitFor();
    const after = await apiFromPage<{ data: unknown[] }>(page, 'GET', `/api/v1/projects/${projectId}/webhooks`);
    expect(after.body.data).toEqual([]);
  });
});
