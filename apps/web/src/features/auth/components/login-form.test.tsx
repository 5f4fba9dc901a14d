// @vitest-environment happy-dom
import {
  createMemoryHistory,
  createRootRoute,
  createRoute,
  createRouter,
  RouterProvider,
} from '@tanstack/react-router';
import { screen } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeFetch, ok } from '../../../test/network';
import { renderWithApp } from '../../../test/render';
import { LoginForm } from './login-form';

function renderLogin() {
  const root = createRootRoute();
  const login = createRoute({
    getParentRoute: () => root,
    path: '/login',
    component: () => <LoginForm onSignedIn={() => {}} />,
  });
  const register = createRoute({ getParentRoute: () => root, path: '/register', component: () => null });
  const forgot = createRoute({ getParentRoute: () => root, path: '/forgot-password', component: () => null });
  const router = createRouter({
    routeTree: root.addChildren([login, register, forgot]),
    history: createMemoryHistory({ initialEntries: ['/login'] }),
  });
  return renderWithApp(<RouterProvider router={router} />);
}

describe('sign-in after the session ended under the user', () => {
  beforeEach(() => fakeFetch(() => ok([])));

  it('explains why when the app sent the tab here (a revoked or expired session)', async () => {
    window.history.replaceState(null, '', '/login?redirect=%2Ftasks&reason=session-ended');
    renderLogin();
    expect(await screen.findByRole('status')).toHaveTextContent(/You were signed out: this session was ended/);
  });

  it('says nothing of the kind on a plain visit', async () => {
    window.history.replaceState(null, '', '/login');
    renderLogin();
    await screen.findByLabelText('Email');
    expect(screen.queryByText(/You were signed out/)).toBeNull();
  });
});
