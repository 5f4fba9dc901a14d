// @vitest-environment happy-dom
import type { User } from '@primetrade/shared';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { type FetchCall, fakeFetch, ok, problem, signIn } from '../../../test/network';
import { renderWithApp } from '../../../test/render';
import { UsersPanel } from './users-panel';

let seq = 0;
function aUser(overrides: Partial<User> = {}): User {
  seq += 1;
  return {
    id: `00000000-0000-4000-9000-${String(seq).padStart(12, '0')}`,
    name: `Person ${seq}`,
    email: `person${seq}@example.com`,
    role: 'user',
    emailVerified: true,
    isActive: true,
    timezone: 'UTC',
    createdAt: '2030-01-01T10:00:00.000Z',
    updatedAt: '2030-01-01T10:00:00.000Z',
    ...overrides,
  } as User;
}

/** A tiny in-memory GET/PATCH /admin/users that answers in the API's shapes (page meta included). */
function fakeAdminApi(initial: User[], opts: { refuse?: boolean } = {}) {
  let users = [...initial];
  return fakeFetch((call: FetchCall) => {
    const url = new URL(call.url, 'http://localhost');
    if (call.method === 'GET' && url.pathname === '/api/v1/admin/users') {
      const q = (url.searchParams.get('q') ?? '').toLowerCase();
      const page = Number(url.searchParams.get('page') ?? 1);
      const limit = Number(url.searchParams.get('limit') ?? 20);
      const hits = users.filter((u) => !q || u.email.includes(q) || u.name.toLowerCase().includes(q));
      return new Response(
        JSON.stringify({
          success: true,
          data: hits.slice((page - 1) * limit, page * limit),
          meta: { page, limit, total: hits.length, totalPages: Math.ceil(hits.length / limit) },
        }),
        { headers: { 'content-type': 'application/json' } },
      );
    }
    const m = /^\/api\/v1\/admin\/users\/([^/]+)$/.exec(url.pathname);
    if (call.method === 'PATCH' && m) {
      if (opts.refuse) return problem(409, 'CONFLICT', 'Administrators cannot demote or disable their own account');
      users = users.map((u) => (u.id === m[1] ? { ...u, ...(call.body as object) } : u));
      return ok(users.find((u) => u.id === m[1]));
    }
    return problem(404, 'NOT_FOUND', `no fake for ${call.method} ${call.url}`);
  });
}

/** findBy* waits up to 1 s by default; the debounce and a loaded machine need more. */
const SLOW = { timeout: 5000 };

const patches = (calls: FetchCall[]) =>
  calls.filter((c) => c.method === 'PATCH').map((c) => ({ url: c.url, body: c.body }));

describe('admin users table', () => {
  beforeEach(signIn);
  const me = aUser({ name: 'Ada Admin', email: 'ada@example.com', role: 'admin' });

  it('disables a user only after confirmation, and a cancelled confirmation sends nothing', async () => {
    const bob = aUser({ name: 'Bob', email: 'bob@example.com' });
    const net = fakeAdminApi([me, bob]);
    renderWithApp(<UsersPanel me={me} />);

    await userEvent.click(await screen.findByRole('button', { name: 'Disable: bob@example.com' }));
    const dialog = await screen.findByRole('dialog', { name: 'Disable Bob?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(patches(net.calls)).toEqual([]);

    await userEvent.click(screen.getByRole('button', { name: 'Disable: bob@example.com' }));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Disable account' }));
    await screen.findByText('Bob is disabled');
    expect(patches(net.calls)).toEqual([{ url: `/api/v1/admin/users/${bob.id}`, body: { isActive: false } }]);
    // The list is read again and shows the new state; the row now offers Enable.
    const row = (await screen.findByRole('button', { name: 'Enable: bob@example.com' })).closest('tr')!;
    expect(within(row).getByText('Disabled')).toBeInTheDocument();

    await userEvent.click(within(row).getByRole('button', { name: 'Enable: bob@example.com' }));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Enable account' }));
    await screen.findByRole('button', { name: 'Disable: bob@example.com' });
    expect(patches(net.calls).at(-1)).toEqual({ url: `/api/v1/admin/users/${bob.id}`, body: { isActive: true } });
  });

  it('changes a role after confirmation', async () => {
    const cy = aUser({ name: 'Cy', email: 'cy@example.com' });
    const net = fakeAdminApi([me, cy]);
    renderWithApp(<UsersPanel me={me} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Make admin: cy@example.com' }));
    await userEvent.click(
      within(await screen.findByRole('dialog', { name: 'Make Cy an administrator?' })).getByRole('button', {
        name: 'Make admin',
      }),
    );
    await screen.findByRole('button', { name: 'Remove admin: cy@example.com' });
    expect(patches(net.calls)).toEqual([{ url: `/api/v1/admin/users/${cy.id}`, body: { role: 'admin' } }]);
  });

  it('shows the server refusal (409) as a toast and keeps the row as it was', async () => {
    const dee = aUser({ name: 'Dee', email: 'dee@example.com' });
    fakeAdminApi([me, dee], { refuse: true });
    renderWithApp(<UsersPanel me={me} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Disable: dee@example.com' }));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Disable account' }));
    await screen.findByText('Administrators cannot demote or disable their own account');
    expect(screen.getByRole('button', { name: 'Disable: dee@example.com' })).toBeInTheDocument();
  });

  it('offers no role or disable action on the admin’s own row', async () => {
    fakeAdminApi([me, aUser({ email: 'other@example.com' })]);
    renderWithApp(<UsersPanel me={me} />);
    await screen.findByRole('button', { name: 'Disable: other@example.com' });
    const own = screen.getByText('ada@example.com').closest('tr')!;
    expect(within(own).queryAllByRole('button')).toEqual([]);
    expect(within(own).getByText('Your own role and access cannot be changed here')).toBeInTheDocument();
  });

  it('searches (debounced, back to page 1) and pages through the results', async () => {
    const many = Array.from({ length: 25 }, (_, i) => aUser({ email: `zed${i}@example.com`, name: `Zed ${i}` }));
    const net = fakeAdminApi([me, ...many, aUser({ email: 'yan@example.com', name: 'Yan' })]);
    renderWithApp(<UsersPanel me={me} />);
    await screen.findByText('Page 1 of 2 · 27 users', undefined, SLOW);
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByText('Page 2 of 2 · 27 users', undefined, SLOW);
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();
    expect(net.calls.at(-1)?.url).toBe('/api/v1/admin/users?page=2&limit=20');

    await userEvent.type(screen.getByLabelText('Search users'), 'yan');
    await screen.findByText('Page 1 of 1 · 1 user', undefined, SLOW);
    expect(screen.getAllByTestId('admin-user-row')).toHaveLength(1);
    expect(net.calls.at(-1)?.url).toBe('/api/v1/admin/users?q=yan&page=1&limit=20');
    // Debounced: not one request per keystroke (3 without the debounce; 1 unless the machine stalls > 300 ms).
    expect(net.calls.filter((c) => c.url.includes('q=y')).length).toBeLessThan(3);

    await userEvent.clear(screen.getByLabelText('Search users'));
    await userEvent.type(screen.getByLabelText('Search users'), 'nobody');
    await screen.findByText('No user matches “nobody”.', undefined, SLOW);
  });
});
