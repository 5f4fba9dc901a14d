/**
 * Passkeys in the browser (issue 18 item 2), with Chromium's virtual authenticator (CDP WebAuthn domain: ctap2,
 * internal transport, resident keys, user verification): register a passkey on the profile, rename it, sign out,
 * sign in passwordless with "Sign in with a passkey", then use it as the second step of a password sign-in with
 * TOTP on, and delete it. The authenticator's own credential store shows the key was used (sign count).
 */
import { generate } from 'otplib';
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, freshPage, launch, login, register, screenshot } from './helpers';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function virtualAuthenticator(page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  await page.waitForURL('**/login');
}

describe('passkeys', () => {
  it('registers a passkey on the profile, renames it, signs in passwordless and as the second factor, deletes it', async () => {
    const page = await freshPage(browser.context);
    const { cdp, authenticatorId } = await virtualAuthenticator(page);
    const user = await register(page);
    await page.goto('/profile');
    const section = page.getByRole('region', { name: 'Passkeys' });
    await section.getByText('No passkeys yet', { exact: false }).waitFor();
    await section.getByLabel('Name (optional)').fill('E2E key');
    await section.getByRole('button', { name: 'Add a passkey' }).click();
    const list = section.getByRole('list', { name: 'Your passkeys' });
    await list.getByText('E2E key').waitFor();
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]?.isResidentCredential).toBe(true);
    expect(credentials[0]?.rpId).toBe('localhost');
    await screenshot(page, 'passkeys-registered');

    await section.getByRole('button', { name: 'Rename passkey E2E key' }).click();
    await section.getByLabel('Name (optional)').first().waitFor();
    const renameField = section.getByRole('form', { name: 'Rename' }).getByLabel('Name (optional)');
    await renameField.fill('Work laptop');
    await section.getByRole('button', { name: 'Save' }).click();
    await list.getByText('Work laptop').waitFor();
    await list.getByText('never used').waitFor();

    // Passwordless: no email, no password.
    await signOut(page);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).waitFor();
    await screenshot(page, 'passkeys-login-page');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForURL('**/dashboard');
    const after = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(after.credentials[0]?.signCount).toBeGreaterThan(credentials[0]?.signCount ?? 0);
    await page.goto('/profile');
    await list.getByText(/last used/).waitFor();
    await screenshot(page, 'passkeys-used');

    // Turn TOTP on, then sign in with the password and finish with the passkey instead of a code.
    const mfa = page.getByRole('region', { name: 'Two-factor authentication' });
    await mfa.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    const secret = (await mfa.getByTestId('totp-secret').textContent())?.trim() ?? '';
    await mfa.getByLabel('Code from the app').fill(await generate({ secret }));
    await mfa.getByRole('button', { name: 'Turn on' }).click();
    await mfa.getByRole('button', { name: 'I have saved them' }).click();
    await signOut(page);
    await login(page, user);
    const step = page.getByRole('form', { name: 'Two-factor authentication' });
    await step.getByRole('button', { name: 'Use a passkey instead' }).waitFor();
    await screenshot(page, 'passkeys-mfa-step');
    await step.getByRole('button', { name: 'Use a passkey instead' }).click();
    await page.waitForURL('**/dashboard');

    // Delete it: the list is empty again and the passkey no longer signs in.
    await page.goto('/profile');
    await section.getByRole('button', { name: 'Delete passkey Work laptop' }).click();
    await section.getByRole('alert').getByRole('button', { name: 'Delete' }).click();
    await section.getByText('No passkeys yet', { exact: false }).waitFor();
    await screenshot(page, 'passkeys-deleted');
    // The authenticator still holds the key, but the server no longer knows it.
    await signOut(page);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByText('The passkey could not be verified').waitFor();
    expect(page.url()).toContain('/login');
    await screenshot(page, 'passkeys-deleted-refused');
  }, 180_000);
});
