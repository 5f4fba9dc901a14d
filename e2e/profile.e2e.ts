import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, freshPage, launch, login, register, screenshot } from './helpers';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('profile', () => {
  it('changes name and time zone, lists sessions, changes the password', async () => {
    const page = await freshPage(browser.context);
    const user = await register(page);
    await page.getByRole('link', { name: 'Profile' }).click();
    await page.getByRole('heading', { name: 'Profile' }).waitFor();

    const details = page.getByRole('region', { name: 'Your details' });
    await details.getByLabel('Name').fill('Renamed Person');
    await details.getByLabel('Time zone').selectOption('Europe/Paris');
    await details.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Profile saved').waitFor();
    await expect.poll(() => page.getByTestId('user-name').textContent()).toBe('Renamed Person');

    const reminders = page.getByRole('region', { name: 'Reminders' });
    await reminders.getByLabel('Due-soon reminder').selectOption('180');
    await page.getByText('Reminder settings saved').first().waitFor();
    const optIn = reminders.getByLabel(/Email me about tasks/);
    await optIn.click();
    await expect.poll(() => optIn.isChecked()).toBe(false);
    await expect.poll(() => reminders.getByLabel('Due-soon reminder').isDisabled()).toBe(true);
    await expect
      .poll(async () => (await page.evaluate(async () => (await fetch('/api/v1/users/me/preferences')).json())).data)
      .toEqual({ remindersEnabled: false, reminderLeadMinutes: 180 });

    const sessions = page.getByRole('list', { name: 'Sessions' });
    await sessions.getByText('This device').waitFor();
    await screenshot(page, 'profile');

    const password = page.getByRole('region', { name: 'Password' });
    await password.getByLabel('Current password').fill(user.password);
    await password.getByLabel('New password').fill('another fine passphrase');
    await password.getByRole('button', { name: 'Change password' }).click();
    await page.getByText(/Password changed/).waitFor();

    // Still signed in here; the new password works on the next sign-in.
    await page.reload();
    await page.getByRole('heading', { name: 'Profile' }).waitFor();
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await page.waitForURL('**/login');
    await login(page, { email: user.email, password: 'another fine passphrase' });
    await page.waitForURL('**/dashboard');
    await page.getByRole('heading', { name: 'Welcome, Renamed Person' }).waitFor();
  });

  it('logs out everywhere', async () => {
    const page = await freshPage(browser.context);
    await register(page);
    await page.goto('/profile');
    await page.getByRole('button', { name: 'Log out everywhere' }).click();
    await page.waitForURL('**/login');
    await page.goto('/dashboard');
    await page.waitForURL(/\/login/);
  });

  it('deletes the account', async () => {
    const page = await freshPage(browser.context);
    const user = await register(page);
    await page.goto('/profile');
    await page.getByRole('button', { name: 'Delete my account' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete your account?' });
    await dialog.getByLabel('Password').fill(user.password);
    await dialog.getByRole('button', { name: 'Delete account' }).click();
    await page.waitForURL('**/login');
    await login(page, user);
    await page.getByRole('alert').first().waitFor();
    expect(page.url()).toContain('/login');
  });
});
