// @vitest-environment happy-dom
import { screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, ok, signIn } from '../../../test/network';
import { renderWithApp } from '../../../test/render';
import { TasksPage } from './tasks-page';

describe('TasksPage showing a server-computed list (view=today|upcoming)', () => {
  let calls: ReturnType<typeof fakeFetch>['calls'];
  beforeEach(() => {
    signIn();
    calls = fakeFetch(() => ok([], { headers: {} })).calls;
  });

  it('asks the API for the view, is headed by it, and says plainly when nothing is due', async () => {
    renderWithApp(<TasksPage search={{ view: 'today' }} onSearchChange={vi.fn()} />);
    expect(screen.getByRole('heading', { level: 1, name: 'Today' })).toBeVisible();
    await screen.findByText('Nothing due today or overdue.');
    expect(calls.some((c) => c.url.startsWith('/api/v1/tasks?') && c.url.includes('view=today'))).toBe(true);
  });

  it('Upcoming: its own heading and empty state; with another filter set, the usual "no match" message', async () => {
    const { unmount } = renderWithApp(<TasksPage search={{ view: 'upcoming' }} onSearchChange={vi.fn()} />);
    expect(screen.getByRole('heading', { level: 1, name: 'Upcoming' })).toBeVisible();
    await screen.findByText('Nothing due in the next 7 days.');
    unmount();
    renderWithApp(<TasksPage search={{ view: 'upcoming', tag: 'work' }} onSearchChange={vi.fn()} />);
    await screen.findByText('No tasks match these filters.');
  });
});
