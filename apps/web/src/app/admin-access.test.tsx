// @vitest-environment happy-dom
import type { User } from '@primetrade/shared';
import { QueryClientProvider } from '@tanstack/react-query';
import { createMemoryHistory, createRouter, RouterProvider } from '@tanstack/react-router';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { ToastProvider } from '../components/ui/toast';
import { createQueryClient } from '../lib/query-client';
import { fakeFetch, ok, problem, signIn } from '../test/network';
import { routeTree } from './router';

const user = (role: User['role']): User =>
  ({
    id: '00000000-0000-4000-9000-000000000001',
    name: role === 'admin' ? 'Ada Admin' : 'Uma User',
    email: `${role}@example.com`,
    role,
    emailVerified: true,
    isActive: true,
    timezone: 'UTC',
    createdAt: '2030-01-01T10:00:00.000Z',
    updatedAt: '2030-01-01T10:00:00.000Z',
  }) as User;

/** The whole app (real router tree, guard, shell, lazy routes) at `path`, signed in as `me`. */
function openApp(me: User, path: string, opts: { demotedOnServer?: boolean } = {}) {
  let meReads = 0;
  const net = fakeFetch(({ url }) => {
    if (url === '/api/v1/auth/me') {
      meReads += 1;
      return ok(opts.demotedOnServer && meReads > 1 ? { ...me, role: 'user' } : me);
    }
    if (url.startsWith('/api/v1/admin/')) {
      return me.role === 'admin' && !opts.demotedOnServer
        ? url.startsWith('/api/v1/admin/users')
          ? new Response(
              JSON.stringify({ success: true, data: [me], meta: { page: 1, limit: 20, total: 1, totalPages: 1 } }),
              { headers: { 'content-type': 'application/json' } },
            )
          : problem(404, 'NOT_FOUND', 'not faked')
        : problem(403, 'FORBIDDEN', 'Administrators only');
    }
    return problem(404, 'NOT_FOUND', 'Not found');
  });
  const queryClient = createQueryClient();
  const router = createRouter({
    routeTree,
    context: { queryClient },
    history: createMemoryHistory({ initialEntries: [path] }),
  });
  render(
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <RouterProvider router={router} />
      </ToastProvider>
    </QueryClientProvider>,
  );
  return { net, router };
}

/** The first screen waits on the guard's `me` and lazy route chunks: allow for a loaded machine. */
const LOAD = { timeout: 5000 };

describe('the admin area is for administrators only', () => {
  beforeEach(signIn);

  it('a regular user sees no Admin link, and /admin says "Not allowed" without asking the admin API', async () => {
    const { net } = openApp(user('user'), '/admin');
    await screen.findByRole('heading', { name: 'Not allowed' }, LOAD);
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'Profile' })).toBeInTheDocument();
    expect(within(nav).queryByRole('link', { name: 'Admin' })).toBeNull();
    expect(net.calls.filter((c) => c.url.startsWith('/api/v1/admin/'))).toEqual([]);
  });

  it('an administrator sees the Admin link and it opens the admin page', async () => {
    openApp(user('admin'), '/profile');
    const nav = await screen.findByRole('navigation', { name: 'Main' }, LOAD);
    await userEvent.click(await within(nav).findByRole('link', { name: 'Admin' }));
    await screen.findByRole('heading', { name: 'Admin', level: 1 });
    expect(await screen.findByText('Your own role and access cannot be changed here')).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Not allowed' })).toBeNull();
  });

  it('an admin demoted meanwhile (the API answers 403) is told "Not allowed" and loses the link', async () => {
    const { net } = openApp(user('admin'), '/admin', { demotedOnServer: true });
    await screen.findByRole('heading', { name: 'Not allowed' }, LOAD);
    const nav = screen.getByRole('navigation', { name: 'Main' });
    await waitFor(() => expect(within(nav).queryByRole('link', { name: 'Admin' })).toBeNull());
    expect(net.calls.filter((c) => c.url === '/api/v1/auth/me')).toHaveLength(2);
  });
});
