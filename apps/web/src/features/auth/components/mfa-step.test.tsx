// @vitest-environment happy-dom
import {
  createMemoryHistory,
  createRootRoute,
  createRoute,
  createRouter,
  RouterProvider,
} from '@tanstack/react-router';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { type FetchCall, fakeFetch, ok, problem } from '../../../test/network';
import { renderWithApp } from '../../../test/render';
import { LoginForm } from './login-form';

const USER = {
  id: '00000000-0000-4000-9000-000000000001',
  name: 'Ada',
  email: 'ada@example.com',
  role: 'user',
  emailVerified: true,
  isActive: true,
  timezone: 'UTC',
  createdAt: '2030-01-01T10:00:00.000Z',
  updatedAt: '2030-01-01T10:00:00.000Z',
};

function renderLogin(onSignedIn: () => void) {
  const root = createRootRoute();
  const login = createRoute({
    getParentRoute: () => root,
    path: '/login',
    component: () => <LoginForm onSignedIn={onSignedIn} />,
  });
  const others = ['/register', '/forgot-password'].map((path) =>
    createRoute({ getParentRoute: () => root, path, component: () => null }),
  );
  const router = createRouter({
    routeTree: root.addChildren([login, ...others]),
    history: createMemoryHistory({ initialEntries: ['/login'] }),
  });
  return renderWithApp(<RouterProvider router={router} />);
}

/** /auth/login answers a challenge; /auth/mfa/verify accepts `good` (code) or `rc-good` (recovery code). */
function fakeMfaApi() {
  return fakeFetch((call: FetchCall) => {
    if (call.url.endsWith('/auth/login')) return ok({ mfaRequired: true, challenge: 'ch-1' });
    if (call.url.endsWith('/auth/mfa/verify')) {
      const b = call.body as { code?: string; recoveryCode?: string };
      if (b.code === '123456' || b.recoveryCode === 'abcde-fghij') return ok({ user: USER });
      return problem(401, 'INVALID_CREDENTIALS', 'The code is not correct');
    }
    return ok([]);
  });
}

async function passwordStep(user: ReturnType<typeof userEvent.setup>) {
  await user.type(await screen.findByLabelText('Email'), 'ada@example.com');
  await user.type(screen.getByLabelText('Password'), 'violet staple orbit lantern');
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('sign-in with two-factor on', () => {
  it('asks for the code after the password, sends it with the challenge, and signs in', async () => {
    const net = fakeMfaApi();
    const onSignedIn = vi.fn();
    const user = userEvent.setup();
    renderLogin(onSignedIn);
    await passwordStep(user);
    const field = await screen.findByLabelText('Authentication code');
    expect(onSignedIn).not.toHaveBeenCalled();
    await user.type(field, '000000');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByText('The code is not correct')).toBeInTheDocument();
    await user.clear(field);
    await user.type(field, '123 456');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    await waitFor(() => expect(onSignedIn).toHaveBeenCalledTimes(1));
    const verify = net.calls.filter((c) => c.url.endsWith('/auth/mfa/verify')).at(-1)!;
    expect(verify.body).toEqual({ challenge: 'ch-1', code: '123456' });
    expect(verify.headers.get('x-auth-mode')).toBe('cookie');
  });

  it('accepts a recovery code instead', async () => {
    const net = fakeMfaApi();
    const onSignedIn = vi.fn();
    const user = userEvent.setup();
    renderLogin(onSignedIn);
    await passwordStep(user);
    await user.click(await screen.findByRole('button', { name: 'Use a recovery code instead' }));
    await user.type(screen.getByLabelText('Recovery code'), 'abcde-fghij');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    await waitFor(() => expect(onSignedIn).toHaveBeenCalledTimes(1));
    expect(net.calls.find((c) => c.url.endsWith('/auth/mfa/verify'))?.body).toEqual({
      challenge: 'ch-1',
      recoveryCode: 'abcde-fghij',
    });
  });
});
