/**
 * Two-factor sign-in and the audit log in the browser (issue 18 items 1 and 5): set up TOTP on the profile (the
 * code is made here with otplib from the key the page shows), recovery codes shown once with a download, the code
 * step at sign-in (a code, then a recovery code), "Your activity", and the admin's audit log filtered to this user.
 */
import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Browser, freshPage, launch, login, register, screenshot } from './helpers';

let browser: Browser;
let adminBrowser: Browser;
beforeAll(async () => {
  browser = await launch();
  adminBrowser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await adminBrowser?.close();
});

/** A code of the next 30-second step: the step of the code just used is refused (no replay). */
const nextCode = (secret: string, steps = 1) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 * steps });

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  await page.waitForURL('**/login');
}

describe('two-factor sign-in', () => {
  it('sets up TOTP with the QR code, signs in with a code and with a recovery code, and shows the activity', async () => {
    const page = await freshPage(browser.context);
    const user = await register(page);
    await page.goto('/profile');
    const mfa = page.getByRole('region', { name: 'Two-factor authentication' });
    await mfa.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    await mfa.getByAltText('QR code for your authenticator app').waitFor();
    const secret = (await mfa.getByTestId('totp-secret').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await screenshot(page, 'mfa-setup-qr');
    await mfa.getByLabel('Code from the app').fill(await generate({ secret }));
    await mfa.getByRole('button', { name: 'Turn on' }).click();
    const codes = mfa.getByRole('list', { name: 'Recovery codes' });
    await codes.waitFor();
    const recoveryCodes = (await codes.getByRole('listitem').allTextContents()).map((c) => c.trim());
    expect(recoveryCodes).toHaveLength(10);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      mfa.getByRole('button', { name: 'Download codes' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('primetrade-recovery-codes.txt');
    await screenshot(page, 'mfa-recovery-codes');
    await mfa.getByRole('button', { name: 'I have saved them' }).click();
    await mfa.getByText('10 recovery codes left').waitFor();
    expect(await mfa.getByRole('list', { name: 'Recovery codes' }).count()).toBe(0);

    // Sign in again: after the password, the code step (no session yet).
    await signOut(page);
    await login(page, user);
    const step = page.getByRole('form', { name: 'Two-factor authentication' });
    await step.getByLabel('Authentication code').waitFor();
    expect(page.url()).toContain('/login');
    await step.getByLabel('Authentication code').fill('000000');
    await step.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('The code is not correct').waitFor();
    await screenshot(page, 'mfa-code-step');
    await step.getByLabel('Authentication code').fill(await nextCode(secret));
    await step.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL('**/dashboard');

    // And with a recovery code.
    await signOut(page);
    await login(page, user);
    await step.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await step.getByLabel('Recovery code').fill(recoveryCodes[0]!);
    await step.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL('**/dashboard');

    await page.goto('/profile');
    await mfa.getByText('9 recovery codes left').waitFor();
    const activity = page.getByRole('list', { name: 'Your activity' });
    await activity.getByText('Recovery code used').waitFor();
    await activity.getByText('Two-factor authentication turned on').waitFor();
    await activity.getByText('Wrong two-factor code').first().waitFor();
    await page.getByRole('region', { name: 'Your activity' }).screenshot({
      path: `${import.meta.dirname}/artifacts/mfa-activity.png`,
    });

    // The administrator's audit log, filtered to this user and to failed codes.
    const userId = (await page.evaluate(async () => (await (await fetch('/api/v1/auth/me')).json()).data.id)) as string;
    const admin = await freshPage(adminBrowser.context);
    await admin.goto('/login');
    await login(admin, inject('admin'));
    await admin.waitForURL('**/dashboard');
    await admin.goto('/admin');
    const audit = admin.getByRole('region', { name: 'Audit log' });
    await audit.getByRole('table', { name: 'Audit events' }).waitFor();
    await audit.getByLabel('User id').fill(userId);
    await audit.getByRole('cell', { name: 'mfa.recovery_code.used' }).first().waitFor();
    await audit.getByLabel('Event type').selectOption('mfa.verify.failed');
    await expect
      .poll(async () =>
        (await audit.getByRole('row').allTextContents()).slice(1).every((r) => r.includes('mfa.verify.failed')),
      )
      .toBe(true);
    await screenshot(admin, 'admin-audit-log');
  });
});
