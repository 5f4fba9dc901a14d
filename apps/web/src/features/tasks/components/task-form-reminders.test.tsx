// @vitest-environment happy-dom
/** The task dialog's Reminders control (issue 17 item 2): what it posts, the due-date check, editing and removing. */
import { createTaskBody } from '@primetrade/shared';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLanguage } from '../../../lib/i18n';
import { type FetchCall, signIn } from '../../../test/network';
import { aTask, renderWithApp } from '../../../test/render';
import { fakeTaskServer } from '../../../test/task-server';
import { TaskFormDialog } from './task-form-dialog';

const server = fakeTaskServer;

const posts = (net: { calls: FetchCall[] }) => net.calls.filter((c) => c.method === 'POST');
const patches = (net: { calls: FetchCall[] }) => net.calls.filter((c) => c.method === 'PATCH');

describe('task dialog: Reminders', () => {
  beforeEach(signIn);
  afterEach(() => setLanguage('en', { remember: false }));

  it('adds a reminder one hour before the due date, changes it to 1 day, posts it as the shared schema stores it', async () => {
    const net = server();
    const onOpenChange = vi.fn();
    renderWithApp(<TaskFormDialog open editId={null} onOpenChange={onOpenChange} />);
    const dialog = await screen.findByRole('dialog', { name: 'New task' });
    const user = userEvent.setup();
    const group = within(dialog).getByRole('group', { name: 'Reminders' });
    expect(within(group).getByText('No reminders')).toBeInTheDocument();
    await user.type(within(dialog).getByLabelText('Title'), 'Dentist');
    fireEvent.change(within(dialog).getByLabelText('Due'), { target: { value: '2030-01-10T09:00' } });
    await user.click(within(group).getByRole('button', { name: 'Add a reminder' }));
    const first = within(group).getByLabelText('Reminder 1');
    expect(first).toHaveValue('PT1H');
    expect(within(first).getByRole('option', { name: '1 hour before the due date' })).toBeInTheDocument();
    await user.selectOptions(first, 'P1D');
    await user.click(within(group).getByRole('button', { name: 'Add a reminder' }));
    await user.click(within(group).getByRole('button', { name: 'Remove reminder 2' }));
    await user.click(within(dialog).getByRole('button', { name: 'Create task' }));
    await waitFor(() => expect(onOpenChange).toHaveBeenCalledWith(false));
    const body = posts(net)[0]!.body as Record<string, unknown>;
    expect(body.reminders).toEqual([{ before: 'P1D' }]);
    expect(createTaskBody.parse(body).reminders).toEqual([{ before: 'P1D' }]);
  });

  it('a reminder before the due date without a due date: the error under Reminders, nothing sent', async () => {
    const net = server();
    renderWithApp(<TaskFormDialog open editId={null} onOpenChange={vi.fn()} />);
    const dialog = await screen.findByRole('dialog', { name: 'New task' });
    const user = userEvent.setup();
    const group = within(dialog).getByRole('group', { name: 'Reminders' });
    await user.type(within(dialog).getByLabelText('Title'), 'No date');
    fireEvent.change(within(dialog).getByLabelText('Due'), { target: { value: '2030-01-10T09:00' } });
    await user.click(within(group).getByRole('button', { name: 'Add a reminder' }));
    fireEvent.change(within(dialog).getByLabelText('Due'), { target: { value: '' } });
    await user.click(within(dialog).getByRole('button', { name: 'Create task' }));
    expect(await within(group).findByRole('alert')).toHaveTextContent(
      'A reminder before the due date needs a due date',
    );
    expect(posts(net)).toHaveLength(0);
  });

  it('an existing "at" reminder opens as "At a time" with its date-time; removing it PATCHes reminders: []', async () => {
    const task = aTask({ title: 'Call Ana', reminders: [{ at: '2030-01-10T08:00:00.000Z' }] });
    const net = server(task);
    const onOpenChange = vi.fn();
    renderWithApp(<TaskFormDialog open editId={task.id} onOpenChange={onOpenChange} />);
    const dialog = await screen.findByRole('dialog', { name: 'Edit task' });
    await within(dialog).findByDisplayValue('Call Ana');
    const user = userEvent.setup();
    expect(within(dialog).getByLabelText('Reminder 1')).toHaveValue('at');
    const local = new Date('2030-01-10T08:00:00.000Z');
    const pad = (n: number) => String(n).padStart(2, '0');
    expect(within(dialog).getByLabelText('Reminder 1 at')).toHaveValue(
      `${local.getFullYear()}-${pad(local.getMonth() + 1)}-${pad(local.getDate())}T${pad(local.getHours())}:${pad(local.getMinutes())}`,
    );
    await user.click(within(dialog).getByRole('button', { name: 'Remove reminder 1' }));
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onOpenChange).toHaveBeenCalledWith(false));
    expect(patches(net)[0]!.body).toEqual({ reminders: [] });
  });

  it('German labels', async () => {
    setLanguage('de', { remember: false });
    server();
    renderWithApp(<TaskFormDialog open editId={null} onOpenChange={vi.fn()} />);
    const dialog = await screen.findByRole('dialog');
    const group = await within(dialog).findByRole('group', { name: 'Erinnerungen' });
    expect(within(group).getByRole('button', { name: 'Erinnerung hinzufügen' })).toBeInTheDocument();
  });
});
