// @vitest-environment happy-dom
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { onSessionLost } from '../../../lib/api-client';
import { fakeFetch, ok, problem, signIn } from '../../../test/network';
import { renderWithApp } from '../../../test/render';
import { PasswordForm } from './password-form';

describe('Profile → Password with a wrong current password', () => {
  beforeEach(signIn);

  // The first round's client read every 401 as an expired session: it refreshed, resent the wrong password (a second
  // count toward the lockout) and signed the user out with no message.
  it('shows the answer under the field, sends once, does not refresh and keeps the session', async () => {
    const lost = vi.fn();
    const stop = onSessionLost(lost);
    // The form reads the signed-in user (its email and name make a password guessable: the strength meter).
    const net = fakeFetch((c) =>
      c.url === '/api/v1/auth/me'
        ? ok({ id: 'u1', email: 'ada@example.test', name: 'Ada', emailVerified: true, role: 'user', timezone: 'UTC' })
        : problem(401, 'INVALID_CREDENTIALS', 'The current password is not correct'),
    );
    renderWithApp(<PasswordForm />);

    await userEvent.type(screen.getByLabelText('Current password'), 'not my password');
    await userEvent.type(screen.getByLabelText('New password'), 'violet staple orbit lantern');
    await userEvent.click(screen.getByRole('button', { name: 'Change password' }));

    await waitFor(() =>
      expect(screen.getByLabelText('Current password')).toHaveAccessibleDescription(
        'The current password is not correct',
      ),
    );
    const writes = net.calls.filter((c) => c.url !== '/api/v1/auth/me');
    expect(writes.map((c) => `${c.method} ${c.url}`)).toEqual(['POST /api/v1/auth/password']);
    expect(lost).not.toHaveBeenCalled();
    // Said once, under the field (not again above the form).
    expect(screen.getAllByText('The current password is not correct')).toHaveLength(1);
    stop();
  });
});
