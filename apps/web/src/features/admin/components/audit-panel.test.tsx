// @vitest-environment happy-dom
import type { AuditEvent } from '@primetrade/shared';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { type FetchCall, fakeFetch, signIn } from '../../../test/network';
import { renderWithApp } from '../../../test/render';
import { AuditPanel } from './audit-panel';

const U1 = '00000000-0000-4000-9000-000000000001';
const U2 = '00000000-0000-4000-9000-000000000002';
const events: AuditEvent[] = Array.from({ length: 60 }, (_, i) => ({
  id: String(60 - i),
  at: new Date(Date.UTC(2030, 0, 1, 10, 60 - i)).toISOString(),
  userId: i % 2 ? U1 : U2,
  actorId: i % 2 ? U1 : null,
  type: i % 3 ? 'auth.login.succeeded' : 'auth.login.failed',
  ip: '10.0.0.1',
  userAgent: null,
  details: { method: 'password' },
}));

/** GET /admin/audit over the events above: filters and the `before` cursor as the API applies them. */
function fakeAuditApi() {
  return fakeFetch((call: FetchCall) => {
    const url = new URL(call.url, 'http://localhost');
    const p = url.searchParams;
    const limit = Number(p.get('limit') ?? 50);
    const hits = events.filter(
      (e) =>
        (!p.get('userId') || e.userId === p.get('userId')) &&
        (!p.get('type') || e.type === p.get('type')) &&
        (!p.get('before') || Number(e.id) < Number(p.get('before'))),
    );
    const page = hits.slice(0, limit);
    const hasMore = hits.length > limit;
    return new Response(
      JSON.stringify({
        success: true,
        data: page,
        meta: { limit, hasMore, nextBefore: hasMore ? page.at(-1)!.id : null },
      }),
      { headers: { 'content-type': 'application/json' } },
    );
  });
}

const rows = () =>
  within(screen.getByRole('table', { name: 'Audit events' }))
    .getAllByRole('row')
    .slice(1);

describe('the admin audit log', () => {
  it('pages back in time with the before cursor and forward again', async () => {
    signIn();
    const net = fakeAuditApi();
    const user = userEvent.setup();
    renderWithApp(<AuditPanel />);
    await waitFor(() => expect(rows()).toHaveLength(25));
    expect(rows()[0]).toHaveTextContent('auth.login.failed');
    await user.click(screen.getByRole('button', { name: 'Older' }));
    await waitFor(() => expect(net.calls.at(-1)?.url).toContain('before=36'));
    await user.click(screen.getByRole('button', { name: 'Older' }));
    await waitFor(() => expect(rows()).toHaveLength(10));
    expect(screen.getByRole('button', { name: 'Older' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Newer' }));
    await waitFor(() => expect(rows()).toHaveLength(25));
    // The second page again (from the cache): Older is back.
    expect(screen.getByRole('button', { name: 'Older' })).toBeEnabled();
  });

  it('filters by type and by user (typed, or picked from a row)', async () => {
    signIn();
    const net = fakeAuditApi();
    const user = userEvent.setup();
    renderWithApp(<AuditPanel />);
    await waitFor(() => expect(rows()).toHaveLength(25));
    await user.selectOptions(screen.getByLabelText('Event type'), 'auth.login.failed');
    await waitFor(() => expect(rows()).toHaveLength(20));
    expect(net.calls.at(-1)?.url).toContain('type=auth.login.failed');
    await user.type(screen.getByLabelText('User id'), 'not-a-uuid');
    expect(screen.getByText('Enter a user id (a UUID)')).toBeInTheDocument();
    await user.clear(screen.getByLabelText('User id'));
    await user.click(within(rows()[0]!).getByRole('button'));
    await waitFor(() => expect(net.calls.at(-1)?.url).toContain(`userId=${U2}`));
    await waitFor(() => expect(rows().every((r) => r.textContent?.includes('auth.login.failed'))).toBe(true));
  });
});
