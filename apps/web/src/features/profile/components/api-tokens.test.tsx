// @vitest-environment happy-dom
import type { ApiToken } from '@primetrade/shared';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, ok, signIn } from '../../../test/network';
import { renderWithApp } from '../../../test/render';
import { ApiTokens } from './api-tokens';

const SECRET = `ptt_${'a'.repeat(43)}`;

function aToken(overrides: Partial<ApiToken> = {}): ApiToken {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    name: 'CI export',
    scopes: ['tasks:read'],
    expiresAt: '2031-01-01T00:00:00.000Z',
    lastUsedAt: null,
    createdAt: '2030-01-01T10:00:00.000Z',
    ...overrides,
  };
}

describe('Profile → API tokens', () => {
  beforeEach(signIn);

  it('lists tokens with their scopes, created, last used and expiry, and never asks for a secret', async () => {
    fakeFetch(() =>
      ok([
        aToken(),
        aToken({
          id: '00000000-0000-4000-8000-000000000002',
          name: 'Sync',
          scopes: ['tasks:read', 'tasks:write'],
          expiresAt: null,
          lastUsedAt: '2030-01-02T08:00:00.000Z',
        }),
      ]),
    );
    renderWithApp(<ApiTokens />);
    const list = await screen.findByRole('list', { name: 'API tokens' });
    const rows = within(list).getAllByRole('listitem');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent('CI export');
    expect(rows[0]).toHaveTextContent('tasks:read');
    expect(rows[0]).toHaveTextContent('last used never');
    expect(rows[0]).toHaveTextContent(/expires/);
    expect(rows[1]).toHaveTextContent('tasks:write');
    expect(rows[1]).toHaveTextContent('never expires');
    expect(screen.queryByLabelText('New API token')).toBeNull();
  });

  it('creates a token with the chosen scopes and expiry, then shows the secret once with a copy button', async () => {
    let tokens: ApiToken[] = [];
    const net = fakeFetch((call) => {
      if (call.method === 'POST') {
        const created = { ...aToken({ name: 'Nightly', scopes: ['tasks:read', 'projects:read'] }), token: SECRET };
        tokens = [aToken({ name: 'Nightly', scopes: ['tasks:read', 'projects:read'] })];
        return ok(created, { status: 201 });
      }
      return ok(tokens);
    });
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    renderWithApp(<ApiTokens />);
    await screen.findByText('You have no API tokens.');

    await userEvent.click(screen.getByRole('button', { name: 'Create token' }));
    const dialog = await screen.findByRole('dialog');
    // Nothing is sent without a name.
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create token' }));
    expect(within(dialog).getByLabelText('Name')).toHaveAccessibleDescription('Required');
    await userEvent.type(within(dialog).getByLabelText('Name'), 'Nightly');
    await userEvent.click(within(dialog).getByRole('checkbox', { name: /projects:read/ }));
    await userEvent.selectOptions(within(dialog).getByLabelText('Expires'), '90');
    const before = Date.now();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create token' }));

    const secret = await screen.findByLabelText('New API token');
    expect(secret).toHaveValue(SECRET);
    expect(screen.getByText(/it will not be shown again/)).toBeInTheDocument();
    const posts = net.calls.filter((c) => c.method === 'POST');
    expect(posts).toHaveLength(1);
    const body = posts[0]?.body as { name: string; scopes: string[]; expiresAt: string };
    expect(body.name).toBe('Nightly');
    expect(body.scopes).toEqual(['tasks:read', 'projects:read']);
    const days = (Date.parse(body.expiresAt) - before) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThan(90.1);

    await userEvent.click(screen.getByRole('button', { name: 'Copy' }));
    expect(writeText).toHaveBeenCalledWith(SECRET);
    // Done hides the secret for good (the list shows the token without it).
    await userEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(screen.queryByLabelText('New API token')).toBeNull();
    expect(await screen.findByRole('list', { name: 'API tokens' })).toHaveTextContent('Nightly');
    expect(document.body.textContent).not.toContain(SECRET);
  });

  it('refuses to send a token without any scope', async () => {
    const net = fakeFetch(() => ok([]));
    renderWithApp(<ApiTokens />);
    await screen.findByText('You have no API tokens.');
    await userEvent.click(screen.getByRole('button', { name: 'Create token' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText('Name'), 'Nothing');
    await userEvent.click(within(dialog).getByRole('checkbox', { name: /tasks:read/ }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create token' }));
    expect(await within(dialog).findByText('Choose at least 1 item')).toBeInTheDocument();
    expect(net.calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });

  it('revokes only after confirmation', async () => {
    let tokens = [aToken()];
    const net = fakeFetch((call) => {
      if (call.method === 'DELETE') {
        tokens = [];
        return new Response(null, { status: 204 });
      }
      return ok(tokens);
    });
    renderWithApp(<ApiTokens />);
    await userEvent.click(await screen.findByRole('button', { name: 'Revoke CI export' }));
    const dialog = await screen.findByRole('dialog', { name: 'Revoke “CI export”?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(net.calls.some((c) => c.method === 'DELETE')).toBe(false);

    await userEvent.click(screen.getByRole('button', { name: 'Revoke CI export' }));
    await userEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Revoke token',
      }),
    );
    await waitFor(() =>
      expect(net.calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual([
        '/api/v1/tokens/00000000-0000-4000-8000-000000000001',
      ]),
    );
    expect(await screen.findByText('You have no API tokens.')).toBeInTheDocument();
  });
});
