// @vitest-environment happy-dom
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, ok, problem, signIn } from '../../../test/network';
import { renderWithApp } from '../../../test/render';
import { InvitationPage } from './invitation-page';

const ME = { id: '00000000-0000-4000-8000-0000000000aa', name: 'Bea', email: 'bea@example.com', emailVerified: true };
const PROJECT = { id: '00000000-0000-4000-8000-0000000000bb', name: 'Shared', inbox: false, role: 'editor' };
const HERE = '/invitations?token=tok123';

/** The API: /auth/me answers `me` (null: signed out, 401), /invitations/accept answers `accept`. */
function api(me: typeof ME | null, accept: () => Response) {
  return fakeFetch(({ url, method }) => {
    if (url === '/api/v1/auth/me') return me ? ok(me) : problem(401, 'UNAUTHENTICATED', 'Sign in');
    if (url === '/api/v1/invitations/accept' && method === 'POST') return accept();
    return problem(404, 'NOT_FOUND', 'Not found');
  });
}

describe('invitation page', () => {
  beforeEach(() => {
    // biome-ignore lint/suspicious/noDocumentCookie: start signed out
    document.cookie = 'csrf_token=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT';
  });

  it('without a token says the link is broken and asks nothing', () => {
    const net = api(null, () => ok(PROJECT));
    renderWithApp(<InvitationPage token="" here="/invitations" onAccepted={vi.fn()} />);
    expect(screen.getByRole('alert')).toHaveTextContent('This link has no invitation in it');
    expect(net.calls).toHaveLength(0);
  });

  it('signed out: sign in or create an account, each coming back to this link', async () => {
    api(null, () => ok(PROJECT));
    renderWithApp(<InvitationPage token="tok123" here={HERE} onAccepted={vi.fn()} />);
    const signInLink = await screen.findByRole('link', { name: 'Sign in' });
    expect(signInLink).toHaveAttribute('href', `/login?redirect=${encodeURIComponent(HERE)}`);
    expect(screen.getByRole('link', { name: 'Create an account' })).toHaveAttribute(
      'href',
      `/register?redirect=${encodeURIComponent(HERE)}`,
    );
    expect(screen.queryByRole('button', { name: 'Accept invitation' })).toBeNull();
  });

  it('signed in: Accept posts the token and hands over the project', async () => {
    signIn();
    const net = api(ME, () => ok(PROJECT));
    const onAccepted = vi.fn();
    renderWithApp(<InvitationPage token="tok123" here={HERE} onAccepted={onAccepted} />);
    expect(await screen.findByText(ME.email)).toBeInTheDocument();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Accept invitation' }));
    await waitFor(() => expect(onAccepted).toHaveBeenCalledWith(expect.objectContaining({ id: PROJECT.id })));
    const post = net.calls.find((c) => c.method === 'POST');
    expect(post?.body).toEqual({ token: 'tok123' });
  });

  it.each([
    [403, 'FORBIDDEN', 'sent to another email address'],
    [400, 'INVALID_TOKEN', 'can no longer be used'],
  ])('a %i answer is explained in words and nothing opens', async (status, code, words) => {
    signIn();
    api(ME, () => problem(status, code, 'raw server text'));
    const onAccepted = vi.fn();
    renderWithApp(<InvitationPage token="tok123" here={HERE} onAccepted={onAccepted} />);
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Accept invitation' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(words);
    expect(screen.getByRole('alert')).not.toHaveTextContent('raw server text');
    expect(onAccepted).not.toHaveBeenCalled();
  });
});
