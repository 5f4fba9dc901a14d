// @vitest-environment happy-dom
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, ok, problem, signIn } from '../../../test/network';
import { renderWithApp } from '../../../test/render';
import { CalendarFeed } from './calendar-feed';

const URL1 = `http://localhost:3000/api/v1/calendar/${'a'.repeat(43)}.ics`;
const URL2 = `http://localhost:3000/api/v1/calendar/${'b'.repeat(43)}.ics`;

describe('Profile → Calendar feed', () => {
  beforeEach(signIn);

  it('gets a feed link (POST), shows it with the event variant and copies it; a new link replaces it', async () => {
    const answers = [URL1, URL2];
    const { calls } = fakeFetch(() => ok({ url: answers.shift() }));
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    renderWithApp(<CalendarFeed />);
    expect(screen.getByRole('heading', { name: 'Calendar feed' })).toBeInTheDocument();
    expect(screen.queryByLabelText('Feed link (tasks as to-dos)')).toBeNull(); // nothing until asked
    await userEvent.click(screen.getByRole('button', { name: 'Get a feed link' }));
    const field = await screen.findByLabelText('Feed link (tasks as to-dos)');
    expect(field).toHaveValue(URL1);
    expect(screen.getByRole('textbox', { name: /Google, Apple and Outlook/ })).toHaveValue(`${URL1}?type=event`);
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['POST /api/v1/calendar/feed']);
    expect(calls[0]?.headers.get('x-csrf-token')).toBe('test-csrf');

    await userEvent.click(screen.getByRole('button', { name: 'Copy: Feed link (tasks as to-dos)' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(URL1));
    expect(await screen.findByText('Link copied')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Get a new link' }));
    await waitFor(() => expect(screen.getByLabelText('Feed link (tasks as to-dos)')).toHaveValue(URL2));
    expect(calls).toHaveLength(2);
  });

  it('Turn off sends DELETE and hides the link; an error is shown in words', async () => {
    let fail = false;
    const { calls } = fakeFetch((c) => {
      if (fail) return problem(429, 'RATE_LIMITED', 'Too many requests, try again later');
      return c.method === 'DELETE' ? new Response(null, { status: 204 }) : ok({ url: URL1 });
    });
    renderWithApp(<CalendarFeed />);
    await userEvent.click(screen.getByRole('button', { name: 'Get a feed link' }));
    await screen.findByLabelText('Feed link (tasks as to-dos)');
    await userEvent.click(screen.getByRole('button', { name: 'Turn off' }));
    await waitFor(() => expect(screen.queryByLabelText('Feed link (tasks as to-dos)')).toBeNull());
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'POST /api/v1/calendar/feed',
      'DELETE /api/v1/calendar/feed',
    ]);
    expect(await screen.findByText(/its link no longer works/)).toBeInTheDocument();
    fail = true;
    await userEvent.click(screen.getByRole('button', { name: 'Get a feed link' }));
    expect((await screen.findByRole('alert')).textContent).not.toBe('');
  });
});
