import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, freshPage, launch, login, mailLink, newUser, register, screenshot } from './helpers';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('sign-up, sign-in, sign-out', () => {
  it('registers and lands on the dashboard with the stats', async () => {
    const page = await freshPage(browser.context);
    const user = await register(page, newUser('Dana Dashboard'));
    await page.getByRole('heading', { name: `Welcome, ${user.name}` }).waitFor();
    await page.getByTestId('stats').waitFor();
    await page.getByTestId('charts').waitFor();
    expect(await page.getByTestId('stats').textContent()).toContain('Total');
    // Tokens only in HttpOnly cookies; the readable one is the CSRF token.
    const cookies = await browser.context.cookies();
    expect(cookies.find((c) => c.name === 'access_token')?.httpOnly).toBe(true);
    expect(cookies.find((c) => c.name === 'refresh_token')?.httpOnly).toBe(true);
    expect(await page.evaluate(() => document.cookie)).not.toContain('access_token');
    await screenshot(page, 'dashboard');
    // Each number opens the list of exactly those tasks.
    await page.getByRole('link', { name: /^Overdue: 0, show these tasks/ }).click();
    await page.waitForURL(/\/tasks\?.*overdue=true/);
    await page.getByText('No tasks match these filters.').waitFor();
  });

  it('sends a signed-out visitor to the login page and back afterwards', async () => {
    const page = await freshPage(browser.context);
    const user = await register(page);
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await page.waitForURL('**/login');

    await page.goto('/tasks?status=pending');
    await page.waitForURL(/\/login\?redirect=/);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await screenshot(page, 'login-redirect');

    await login(page, { email: user.email, password: 'wrong password here' });
    await page
      .getByRole('alert')
      .filter({ hasText: /not correct|invalid|incorrect/i })
      .first()
      .waitFor();

    await login(page, user);
    await page.waitForURL(/\/tasks\?status=pending$/);
    await page.getByRole('heading', { name: 'Tasks' }).waitFor();
  });

  it('validates the forms with the shared schemas before sending', async () => {
    const page = await freshPage(browser.context);
    await page.goto('/register');
    let posted = false;
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/auth/register')) posted = true;
    });
    await page.getByLabel('Name').fill('X');
    await page.getByLabel('Email').fill('not-an-email');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText(/at least 8 characters/i).waitFor();
    expect(await page.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
    expect(posted).toBe(false);
  });

  it('keeps the session through a silent refresh when the access token is gone', async () => {
    const page = await freshPage(browser.context);
    await register(page);
    // Drop the access token: the next request gets 401, the app refreshes (cookie mode) and retries.
    const cookies = await browser.context.cookies();
    await browser.context.clearCookies();
    await browser.context.addCookies(cookies.filter((c) => c.name !== 'access_token'));
    const refreshes: number[] = [];
    const seen: string[] = [];
    page.on('response', (r) => {
      seen.push(`${r.status()} ${r.url()}`);
      if (r.url().endsWith('/api/v1/auth/refresh')) refreshes.push(r.status());
    });
    await page.goto('/tasks');
    await page.getByRole('heading', { name: 'Tasks' }).waitFor();
    expect(refreshes, seen.join('\n')).toEqual([200]);
    expect((await browser.context.cookies()).some((c) => c.name === 'access_token')).toBe(true);
  });

  it('verifies the email and resets a forgotten password from the mailed links', async () => {
    const page = await freshPage(browser.context);
    const user = await register(page);
    await page.getByText('Please verify your email address.').waitFor();
    await page.goto(await mailLink(user.email, '/verify-email'));
    await page.getByText('Your email address is verified.').waitFor();
    await page.getByRole('link', { name: 'Go to the app' }).click();
    await page.getByRole('heading', { name: /Welcome/ }).waitFor();
    expect(await page.getByText('Please verify your email address.').count()).toBe(0);

    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await page.waitForURL('**/login');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Email', { exact: true }).fill(user.email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByText(/reset link is on its way/).waitFor();
    await page.goto(await mailLink(user.email, '/reset-password'));
    await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
    await page.getByLabel('Repeat the new password').fill('a brand new passphrase');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByText(/Your password is changed/).waitFor();
    await page.getByRole('link', { name: 'Sign in' }).click();
    await login(page, { email: user.email, password: 'a brand new passphrase' });
    await page.waitForURL('**/dashboard');
  });

  it('serialises a refresh across tabs (Web Locks): one rotation, no reuse', async () => {
    const page = await freshPage(browser.context);
    await register(page);
    const second = await browser.context.newPage();
    await second.goto('/dashboard');
    await second.getByRole('heading', { name: /Welcome/ }).waitFor();
    const cookies = await browser.context.cookies();
    await browser.context.clearCookies();
    await browser.context.addCookies(cookies.filter((c) => c.name !== 'access_token'));
    const refreshes: number[] = [];
    for (const p of [page, second]) {
      p.on('response', (r) => {
        if (r.url().endsWith('/api/v1/auth/refresh')) refreshes.push(r.status());
      });
    }
    // Both tabs hit a 401 at the same moment.
    await Promise.all([page.goto('/tasks'), second.goto('/tasks')]);
    await page.getByRole('heading', { name: 'Tasks' }).waitFor();
    await second.getByRole('heading', { name: 'Tasks' }).waitFor();
    expect(refreshes).toEqual([200]);
    await second.close();
  });
});
