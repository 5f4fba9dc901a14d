// @vitest-environment happy-dom
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, ok, signIn } from '../../../test/network';
import { renderWithApp } from '../../../test/render';
import { TasksPage } from './tasks-page';

describe('TasksPage, empty', () => {
  beforeEach(() => {
    signIn();
    fakeFetch(() => ok([], { headers: {} }));
  });

  it('with no filter set: says there are none yet and offers to create one', async () => {
    renderWithApp(<TasksPage search={{ sort: 'title' }} onSearchChange={vi.fn()} />);
    await screen.findByText(/No tasks yet/);
    expect(screen.queryByText(/match/)).toBeNull();
    expect(screen.getByRole('button', { name: 'Create a task' })).toBeVisible();
  });

  it('with filters: says nothing matches them and clears them (keeping the sort)', async () => {
    const onSearchChange = vi.fn();
    renderWithApp(
      <TasksPage search={{ status: 'completed', tag: 'work', sort: 'title' }} onSearchChange={onSearchChange} />,
    );
    await screen.findByText('No tasks match these filters.');
    await userEvent.click(screen.getByRole('button', { name: 'Show all tasks' }));
    expect(onSearchChange).toHaveBeenCalledWith({ status: undefined, tag: undefined });
  });
});
