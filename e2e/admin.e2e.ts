/**
 * The admin area (issue 16 item 11). The administrator is made in global-setup the way the README says (sign up,
 * then `cli make-admin`); a second browser is a regular user whose account the admin disables, enables and promotes.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeSeriousViolations, describeViolations } from './axe';
import { apiFromPage, type Browser, freshPage, launch, login, register, screenshot } from './helpers';

let adminBrowser: Browser;
let userBrowser: Browser;
beforeAll(async () => {
  adminBrowser = await launch();
  userBrowser = await launch();
});
afterAll(async () => {
  await adminBrowser?.close();
  await userBrowser?.close();
});

const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });
const status = async (page: Page, url = '/api/v1/auth/me') => (await apiFromPage(page, 'GET', url)).status;

async function confirmAction(admin: Page, button: string, confirm: string) {
  await admin.getByRole('button', { name: button }).click();
  const dialog = admin.getByRole('dialog');
  await dialog.waitFor();
  await dialog.getByRole('button', { name: confirm }).click();
  await dialog.waitFor({ state: 'detached' });
}

describe('admin area', () => {
  it('a regular user sees no Admin link and /admin says not allowed; the API refuses them too', async () => {
    const page = await freshPage(userBrowser.context);
    await register(page);
    await nav(page).getByRole('link', { name: 'Profile' }).waitFor();
    expect(await nav(page).getByRole('link', { name: 'Admin' }).count()).toBe(0);
    await page.goto('/admin');
    await page.getByRole('heading', { name: 'Not allowed' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Admin', level: 1 }).count()).toBe(0);
    expect(await status(page, '/api/v1/admin/users')).toBe(403);
    await screenshot(page, 'admin-not-allowed');
  });

  it('an admin searches users, disables one (refused at once), re-enables and changes the role', async () => {
    const userPage = await freshPage(userBrowser.context);
    const person = await register(userPage, {
      name: 'Target Person',
      email: `target-${Date.now().toString(36)}@example.com`,
      password: 'a perfectly fine passphrase',
    });

    const admin = await freshPage(adminBrowser.context);
    await admin.goto('/login');
    await login(admin, inject('admin'));
    await admin.waitForURL('**/dashboard');
    await nav(admin).getByRole('link', { name: 'Admin' }).click();
    await admin.waitForURL('**/admin');
    await admin.getByRole('heading', { name: 'Admin', level: 1 }).waitFor();
    await admin.getByRole('region', { name: 'Stats' }).getByText('Active users').waitFor();
    await admin
      .getByRole('region', { name: 'Background jobs' })
      .getByText(/Queue: /)
      .waitFor();
    // The admin's own row has no actions (the server refuses self-demotion with 409 as well). Found by searching:
    // with every e2e file's sign-ups, the admin (the first account) is no longer on the list's first page.
    await admin.getByLabel('Search users').fill(inject('admin').email);
    await admin.getByText('Your own role and access cannot be changed here').waitFor();
    expect(
      (await apiFromPage(admin, 'PATCH', `/api/v1/admin/users/${await myId(admin)}`, { role: 'user' })).status,
    ).toBe(409);

    await admin.getByLabel('Search users').fill(person.email);
    await expect.poll(() => admin.getByTestId('admin-user-row').count()).toBe(1);
    const row = admin.getByTestId('admin-user-row');
    await row.getByText(person.email).waitFor();
    await screenshot(admin, 'admin-users-search');

    // Disable: confirmed first, then that user's next request is refused.
    expect(await status(userPage)).toBe(200);
    await admin.getByRole('button', { name: `Disable: ${person.email}` }).click();
    await admin.getByRole('dialog', { name: 'Disable Target Person?' }).waitFor();
    await screenshot(admin, 'admin-disable-confirm');
    await admin.getByRole('dialog').getByRole('button', { name: 'Disable account' }).click();
    await admin.getByText('Target Person is disabled').waitFor();
    await row.getByText('Disabled', { exact: true }).waitFor();
    expect(await status(userPage)).toBe(401);
    await userPage.goto('/tasks');
    await userPage.waitForURL('**/login**');
    await login(userPage, person);
    await userPage.getByRole('alert').waitFor();
    expect(userPage.url()).toContain('/login');

    // Enable: they can sign in again.
    await confirmAction(admin, `Enable: ${person.email}`, 'Enable account');
    await row.getByText('Active', { exact: true }).waitFor();
    await userPage.goto('/login');
    await login(userPage, person);
    await userPage.waitForURL('**/dashboard');
    expect(await nav(userPage).getByRole('link', { name: 'Admin' }).count()).toBe(0);

    // Role: promoted, they see the Admin link (after the app reads `me` again) and the admin API answers them.
    await confirmAction(admin, `Make admin: ${person.email}`, 'Make admin');
    await row.getByText('Admin', { exact: true }).waitFor();
    expect(await status(userPage, '/api/v1/admin/users')).toBe(200);
    await userPage.reload();
    await nav(userPage).getByRole('link', { name: 'Admin' }).waitFor();
    await screenshot(admin, 'admin-users-promoted');

    // And back: the next request after the demotion is refused.
    await confirmAction(admin, `Remove admin: ${person.email}`, 'Remove admin');
    await row.getByText('User', { exact: true }).waitFor();
    expect(await status(userPage, '/api/v1/admin/users')).toBe(403);

    await admin.getByLabel('Search users').fill('');
    await admin.getByText(/Page 1 of \d+ · \d+ users/).waitFor();
    // Toasts are transient: close them so the screenshots show the page itself.
    const dismiss = admin.getByRole('button', { name: 'Dismiss' });
    while ((await dismiss.count()) > 0) await dismiss.first().click();
    await screenshot(admin, 'admin-1366');
    await admin.setViewportSize({ width: 390, height: 844 });
    await screenshot(admin, 'admin-390');
  });
});

describe('admin area accessibility', () => {
  it('has 0 serious or critical axe violations in light and dark: not allowed, the admin page, the confirmation', async () => {
    const check = async (page: Page, what: string) =>
      expect(describeViolations(await axeSeriousViolations(page)), what).toBe('');
    const user = await freshPage(userBrowser.context);
    await register(user);
    const admin = await freshPage(adminBrowser.context);
    await admin.goto('/login');
    await login(admin, inject('admin'));
    await admin.waitForURL('**/dashboard');
    for (const scheme of ['light', 'dark'] as const) {
      await user.emulateMedia({ colorScheme: scheme });
      await user.goto('/admin');
      await user.getByRole('heading', { name: 'Not allowed' }).waitFor();
      await check(user, `not allowed (${scheme})`);

      await admin.emulateMedia({ colorScheme: scheme });
      await admin.goto('/admin');
      await admin.getByLabel('Search users').fill(inject('admin').email);
      await admin.getByText('Your own role and access cannot be changed here').waitFor();
      await admin.getByLabel('Search users').fill('');
      await admin
        .getByRole('button', { name: /^Disable: / })
        .first()
        .waitFor();
      await admin.getByText(/Queue: /).waitFor();
      await admin.getByText('Active users').waitFor();
      await check(admin, `admin page (${scheme})`);
      await admin
        .getByRole('button', { name: /^Disable: / })
        .first()
        .click();
      await admin.getByRole('dialog').waitFor();
      await check(admin, `disable confirmation (${scheme})`);
      await screenshot(admin, `admin-confirm-${scheme}`);
      await admin.keyboard.press('Escape');
      await admin.getByRole('dialog').waitFor({ state: 'detached' });
    }
  });
});

async function myId(page: Page): Promise<string> {
  return (await apiFromPage<{ data: { id: string } }>(page, 'GET', '/api/v1/auth/me')).body.data.id;
}
