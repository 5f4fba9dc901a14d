// @vitest-environment happy-dom
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, ok, problem } from '../../../test/network';
import { aTask, renderWithApp as render } from '../../../test/render';
import { TaskRow, type TaskRowActions } from './task-row';

const actions = (): TaskRowActions => ({
  onToggleSelect: vi.fn(),
  onToggleDone: vi.fn(),
  onEdit: vi.fn(),
  onHistory: vi.fn(),
  onDelete: vi.fn(),
});

// The row asks for the caller's projects (its colour dot): none here unless a test says otherwise.
beforeEach(() => {
  fakeFetch(() => problem(404, 'NOT_FOUND', 'Not found'));
});

describe('TaskRow done box', () => {
  // The list cache is updated only after the mutation has cancelled the list fetches (asynchronous): the box must
  // not wait for it (a controlled box that waits snaps back unchecked under the click, which is what a person and
  // Playwright's check() saw under load).
  it('answers the click at once, before the cache has changed', async () => {
    const task = aTask({ title: 'Pay rent', status: 'pending' });
    const a = actions();
    render(<TaskRow task={task} selected={false} actions={a} />);
    await userEvent.click(screen.getByRole('checkbox', { name: 'Mark “Pay rent” as done' }));
    expect(a.onToggleDone).toHaveBeenCalledWith(task);
    expect(screen.getByRole('checkbox', { name: 'Mark “Pay rent” as not done' })).toBeChecked();
  });

  it('follows the cache again as soon as a new task object arrives (e.g. a rollback after an error)', async () => {
    const task = aTask({ title: 'Pay rent', status: 'pending' });
    const a = actions();
    const { rerender } = render(<TaskRow task={task} selected={false} actions={a} />);
    await userEvent.click(screen.getByRole('checkbox', { name: 'Mark “Pay rent” as done' }));
    rerender(<TaskRow task={{ ...task }} selected={false} actions={a} />);
    expect(screen.getByRole('checkbox', { name: 'Mark “Pay rent” as done' })).not.toBeChecked();
  });
});

describe('TaskRow: done and selection are two different controls', () => {
  it('done is a round check; selection is a square box that shows on hover or focus until something is selected', () => {
    const task = aTask({ title: 'Pay rent' });
    const { rerender } = render(<TaskRow task={task} selected={false} actions={actions()} />);
    expect(screen.getByRole('checkbox', { name: 'Mark “Pay rent” as done' })).toHaveClass('rounded-full');
    const select = screen.getByRole('checkbox', { name: 'Select “Pay rent”' });
    expect(select).not.toHaveClass('rounded-full');
    expect(select).toHaveClass('pointer-fine:opacity-0', 'focus-visible:opacity-100');
    rerender(<TaskRow task={task} selected={false} selecting actions={actions()} />);
    expect(screen.getByRole('checkbox', { name: 'Select “Pay rent”' })).not.toHaveClass('pointer-fine:opacity-0');
  });
});

describe('TaskRow: project and assignee (issue 15 item 4)', () => {
  const WORK = '00000000-0000-4000-9000-0000000000b2';
  const ADA = '00000000-0000-4000-9000-0000000000d4';
  const project = (id: string, name: string, inbox: boolean, memberCount: number) => ({
    id,
    name,
    inbox,
    memberCount,
    description: '',
    color: '#059669',
    archived: false,
    role: 'owner',
    taskCount: 1,
    version: 1,
  });
  beforeEach(() => {
    fakeFetch(({ url }) =>
      url === '/api/v1/projects'
        ? ok([project('00000000-0000-4000-9000-000000000001', 'Inbox', true, 1), project(WORK, 'Work', false, 2)])
        : url === `/api/v1/projects/${WORK}/members`
          ? ok([{ userId: ADA, name: 'Ada Lovelace', email: 'a@example.com', role: 'editor', joinedAt: '' }])
          : problem(404, 'NOT_FOUND', 'Not found'),
    );
  });

  it("a shared project's task shows the project's dot and name and the assignee's initials", async () => {
    render(<TaskRow task={aTask({ projectId: WORK, assigneeId: ADA })} selected={false} actions={actions()} />);
    expect(await screen.findByTestId('task-project')).toHaveTextContent('Work');
    expect(await screen.findByRole('img', { name: 'Assigned to Ada Lovelace' })).toHaveTextContent('AL');
  });

  it('an inbox task shows neither', async () => {
    render(<TaskRow task={aTask()} selected={false} actions={actions()} />);
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByTestId('task-project')).toBeNull();
    expect(screen.queryByTestId('task-assignee')).toBeNull();
  });
});
