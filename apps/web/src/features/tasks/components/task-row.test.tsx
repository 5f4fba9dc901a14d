// @vitest-environment happy-dom
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import '../../../test/network';
import { aTask } from '../../../test/render';
import { TaskRow, type TaskRowActions } from './task-row';

const actions = (): TaskRowActions => ({
  onToggleSelect: vi.fn(),
  onToggleDone: vi.fn(),
  onEdit: vi.fn(),
  onHistory: vi.fn(),
  onDelete: vi.fn(),
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
