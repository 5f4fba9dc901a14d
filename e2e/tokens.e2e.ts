/**
 * Personal API tokens end to end (issue 18 item 3): created on Profile → API tokens, the secret shown once, then used
 * from outside the browser (a script's fetch, no cookies) against the API; revoked in the UI with confirmation,
 * after which the same fetch gets 401.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, baseURL, freshPage, launch, register, screenshot } from './helpers';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** A script's request: the token as its only credential. */
async function asScript(token: string, path: string, init: RequestInit = {}) {
  const res = await fetch(new URL(path, baseURL()), {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('API tokens', () => {
  it('creates a token in the UI, uses it with fetch, revokes it, and sees 401', async () => {
    const page = await freshPage(browser.context);
    await register(page);
    await page.goto('/profile');
    const section = page.getByRole('region', { name: 'API tokens' });
    await section.getByText('You have no API tokens.').waitFor();

    await section.getByRole('button', { name: 'Create token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create an API token' });
    await dialog.getByLabel('Name').fill('Nightly export');
    await dialog.getByRole('checkbox', { name: /tasks:write/ }).check();
    await dialog.getByLabel('Expires').selectOption('90');
    await screenshot(page, 'tokens-create');
    await dialog.getByRole('button', { name: 'Create token' }).click();

    const secretField = section.getByLabel('New API token');
    await secretField.waitFor();
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^ptt_[A-Za-z0-9_-]{43}$/);
    await section.getByText(/it will not be shown again/).waitFor();
    const row = section.getByRole('list', { name: 'API tokens' }).getByRole('listitem');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('tasks:write');
    await screenshot(page, 'tokens-secret-shown');

    // A script uses it: reads tasks, and is refused the account routes.
    const list = await asScript(secret, '/api/v1/tasks');
    expect(list.status).toBe(200);
    const account = await asScript(secret, '/api/v1/users/me');
    expect(account.status).toBe(403);
    expect(account.body.code).toBe('FORBIDDEN');

    // The secret is gone once dismissed; the list shows last use.
    await section.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => section.getByLabel('New API token').count()).toBe(0);
    await page.reload();
    await section.getByRole('list', { name: 'API tokens' }).waitFor();
    await expect.poll(async () => (await page.content()).includes(secret)).toBe(false);
    await expect.poll(() => row.textContent()).not.toContain('last used never');
    await screenshot(page, 'tokens-list');

    // Revoke with confirmation.
    await section.getByRole('button', { name: 'Revoke Nightly export' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke “Nightly export”?' });
    await screenshot(page, 'tokens-revoke-confirm');
    await confirm.getByRole('button', { name: 'Revoke token' }).click();
    await section.getByText('You have no API tokens.').waitFor();

    const after = await asScript(secret, '/api/v1/tasks');
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('UNAUTHENTICATED');
  });
});
