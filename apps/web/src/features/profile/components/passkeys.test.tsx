// @vitest-environment happy-dom
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type FetchCall, fakeFetch, ok, problem, signIn } from '../../../test/network';
import { renderWithApp } from '../../../test/render';
import { Passkeys } from './passkeys';

const KEY = {
  id: '6f1c1d8e-0000-4000-8000-000000000001',
  name: 'Laptop',
  transports: ['internal'],
  createdAt: '2030-01-01T09:00:00.000Z',
  lastUsedAt: null,
};

function fakePasskeyApi() {
  let keys = [{ ...KEY }];
  return fakeFetch((call: FetchCall) => {
    const path = new URL(call.url, 'http://localhost').pathname;
    if (path === '/api/v1/auth/passkeys' && call.method === 'GET') return ok(keys);
    if (path === `/api/v1/auth/passkeys/${KEY.id}` && call.method === 'PATCH') {
      const name = (call.body as { name: string }).name;
      if (!name) return problem(400, 'VALIDATION_FAILED', 'The request is not valid');
      keys = keys.map((k) => ({ ...k, name }));
      return ok(keys[0]);
    }
    if (path === `/api/v1/auth/passkeys/${KEY.id}` && call.method === 'DELETE') {
      keys = [];
      return ok({ id: KEY.id });
    }
    if (path === '/api/v1/auth/passkeys/options') {
      return ok({
        challenge: 'Y2hhbGxlbmdl',
        rp: { id: 'localhost', name: 'x' },
        user: { id: 'dQ', name: 'a', displayName: 'a' },
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
      });
    }
    return ok([]);
  });
}

/** What browserSupportsWebAuthn() looks for: a PublicKeyCredential constructor on window. */
class FakePublicKeyCredential {}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('passkeys on the profile', () => {
  it('lists, renames (PATCH with the new name) and deletes after a confirmation', async () => {
    signIn();
    const net = fakePasskeyApi();
    const user = userEvent.setup();
    renderWithApp(<Passkeys />);
    const list = await screen.findByRole('list', { name: 'Your passkeys' });
    expect(list).toHaveTextContent('Laptop');
    expect(list).toHaveTextContent('never used');
    await user.click(screen.getByRole('button', { name: 'Rename passkey Laptop' }));
    const field = screen.getByRole('form', { name: 'Rename' }).querySelector('input') as HTMLInputElement;
    await user.clear(field);
    await user.type(field, 'Phone');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.getByRole('list', { name: 'Your passkeys' })).toHaveTextContent('Phone'));
    const patch = net.calls.find((c) => c.method === 'PATCH');
    expect(patch?.body).toEqual({ name: 'Phone' });

    await user.click(screen.getByRole('button', { name: 'Delete passkey Phone' }));
    expect(net.calls.some((c) => c.method === 'DELETE')).toBe(false);
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    expect(await screen.findByText(/No passkeys yet/)).toBeInTheDocument();
    expect(net.calls.filter((c) => c.method === 'DELETE')).toHaveLength(1);
  });

  it('says so when the browser cannot do passkeys, and when the prompt is cancelled', async () => {
    signIn();
    fakePasskeyApi();
    const user = userEvent.setup();
    const { unmount } = renderWithApp(<Passkeys />);
    expect(await screen.findByText('This browser does not support passkeys.')).toBeInTheDocument();
    unmount();

    vi.stubGlobal('PublicKeyCredential', FakePublicKeyCredential);
    const create = vi.fn(async () => {
      throw new DOMException('The operation either timed out or was not allowed.', 'NotAllowedError');
    });
    vi.stubGlobal('navigator', { ...navigator, credentials: { create } });
    renderWithApp(<Passkeys />);
    await user.click(await screen.findByRole('button', { name: 'Add a passkey' }));
    expect(await screen.findByText('The passkey prompt was cancelled or timed out.')).toBeInTheDocument();
    expect(create).toHaveBeenCalledTimes(1);
  });
});
