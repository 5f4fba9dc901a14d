// @vitest-environment happy-dom
import {
  createMemoryHistory,
  createRootRoute,
  createRoute,
  createRouter,
  RouterProvider,
} from '@tanstack/react-router';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeFetch, problem } from '../../../test/network';
import { renderWithApp } from '../../../test/render';
import { ResetPasswordForm } from './reset-password-form';

function renderAt(token: string) {
  const root = createRootRoute();
  const reset = createRoute({
    getParentRoute: () => root,
    path: '/reset',
    component: () => <ResetPasswordForm token={token} />,
  });
  const forgot = createRoute({ getParentRoute: () => root, path: '/forgot-password', component: () => null });
  const router = createRouter({
    routeTree: root.addChildren([reset, forgot]),
    history: createMemoryHistory({ initialEntries: ['/reset'] }),
  });
  return renderWithApp(<RouterProvider router={router} />);
}

describe('reset password with a used link', () => {
  it('says the link is used or expired (not "the request is not valid") and offers a new one', async () => {
    fakeFetch(() =>
      problem(400, 'VALIDATION_FAILED', 'The request is not valid', [
        { path: 'token', message: 'The reset link is invalid, used or expired' },
      ]),
    );
    renderAt('used-token');
    await userEvent.type(await screen.findByLabelText('New password'), 'violet staple orbit lantern');
    await userEvent.type(screen.getByLabelText('Repeat the new password'), 'violet staple orbit lantern');
    await userEvent.click(screen.getByRole('button', { name: /password/i }));
    expect(await screen.findByText('The reset link is invalid, used or expired')).toBeVisible();
    expect(screen.queryByText('The request is not valid')).toBeNull();
    expect(screen.getByRole('link', { name: 'Ask for a new link' })).toHaveAttribute('href', '/forgot-password');
  });
});
