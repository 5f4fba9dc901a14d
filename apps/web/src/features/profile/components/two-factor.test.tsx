// @vitest-environment happy-dom
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { type FetchCall, fakeFetch, ok, problem, signIn } from '../../../test/network';
import { renderWithApp } from '../../../test/render';
import { Activity } from './activity';
import { TwoFactor } from './two-factor';

const CODES = Array.from({ length: 10 }, (_, i) => `code${i}-abcde`);

function fakeMfaApi() {
  let state: 'off' | 'pending' | 'on' = 'off';
  return fakeFetch((call: FetchCall) => {
    const path = new URL(call.url, 'http://localhost').pathname;
    if (path === '/api/v1/auth/mfa') return ok({ totp: state, recoveryCodesLeft: state === 'on' ? 10 : 0 });
    if (path === '/api/v1/auth/mfa/totp' && call.method === 'POST') {
      state = 'pending';
      return ok({
        secret: 'JBSWY3DPEHPK3PXP',
        otpauthUrl: 'otpauth://totp/Primetrade%20Tasks:ada?secret=JBSWY3DPEHPK3PXP',
      });
    }
    if (path === '/api/v1/auth/mfa/totp/confirm') {
      if ((call.body as { code: string }).code !== '123456')
        return problem(401, 'INVALID_CREDENTIALS', 'The code is not correct');
      state = 'on';
      return ok({ recoveryCodes: CODES });
    }
    if (path === '/api/v1/auth/mfa/totp' && call.method === 'DELETE') {
      state = 'off';
      return ok({ totp: 'off', recoveryCodesLeft: 0 });
    }
    if (path === '/api/v1/users/me/audit')
      return ok([
        {
          id: '2',
          at: '2030-01-01T10:00:00.000Z',
          userId: 'u',
          actorId: 'u',
          type: 'mfa.totp.enabled',
          ip: '10.0.0.1',
          userAgent: null,
          details: {},
        },
        {
          id: '1',
          at: '2030-01-01T09:00:00.000Z',
          userId: 'u',
          actorId: null,
          type: 'auth.login.failed',
          ip: '10.0.0.2',
          userAgent: null,
          details: {},
        },
      ]);
    return ok([]);
  });
}

describe('two-factor set-up on the profile', () => {
  it('shows the QR code and key, confirms with a code, shows the recovery codes once with a download', async () => {
    signIn();
    const net = fakeMfaApi();
    const user = userEvent.setup();
    renderWithApp(<TwoFactor />);
    await user.click(await screen.findByRole('button', { name: 'Set up two-factor authentication' }));
    const qr = await screen.findByAltText('QR code for your authenticator app');
    expect(qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    expect(screen.getByTestId('totp-secret')).toHaveTextContent('JBSWY3DPEHPK3PXP');
    await user.type(screen.getByLabelText('Code from the app'), '111111');
    await user.click(screen.getByRole('button', { name: 'Turn on' }));
    expect(await screen.findByText('The code is not correct')).toBeInTheDocument();
    await user.clear(screen.getByLabelText('Code from the app'));
    await user.type(screen.getByLabelText('Code from the app'), '123456');
    await user.click(screen.getByRole('button', { name: 'Turn on' }));
    const list = await screen.findByRole('list', { name: 'Recovery codes' });
    expect(list.querySelectorAll('li')).toHaveLength(10);
    expect(screen.getByRole('button', { name: 'Download codes' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'I have saved them' }));
    // Shown once: gone for good, the status says on.
    expect(await screen.findByText(/10 recovery codes left/)).toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'Recovery codes' })).toBeNull();
    expect(net.calls.some((c) => c.url.endsWith('/auth/mfa/totp/confirm'))).toBe(true);
  });

  it('turns it off with the password and a code', async () => {
    signIn();
    const net = fakeMfaApi();
    const user = userEvent.setup();
    renderWithApp(<TwoFactor />);
    await user.click(await screen.findByRole('button', { name: 'Set up two-factor authentication' }));
    await user.type(await screen.findByLabelText('Code from the app'), '123456');
    await user.click(screen.getByRole('button', { name: 'Turn on' }));
    await user.click(await screen.findByRole('button', { name: 'I have saved them' }));
    await user.click(await screen.findByRole('button', { name: 'Turn off two-factor authentication' }));
    await user.type(screen.getByLabelText('Current password'), 'secret words here');
    await user.type(screen.getByLabelText('Authentication code'), '654321');
    await user.click(screen.getByRole('button', { name: 'Turn off' }));
    await waitFor(() =>
      expect(net.calls.find((c) => c.method === 'DELETE')?.body).toEqual({
        password: 'secret words here',
        code: '654321',
      }),
    );
    expect(await screen.findByRole('button', { name: 'Set up two-factor authentication' })).toBeInTheDocument();
  });

  it('lists your activity in plain words', async () => {
    signIn();
    fakeMfaApi();
    renderWithApp(<Activity />);
    const list = await screen.findByRole('list', { name: 'Your activity' });
    expect(list).toHaveTextContent('Two-factor authentication turned on');
    expect(list).toHaveTextContent('Failed sign-in attempt');
    expect(list).toHaveTextContent('10.0.0.2');
  });
});
