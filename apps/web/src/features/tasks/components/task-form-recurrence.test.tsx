// @vitest-environment happy-dom
/** The task dialog's Repeat control (issue 17 item 1): what it posts, how an existing rule opens and saves. */
import { createTaskBody, type Task } from '@primetrade/shared';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLanguage } from '../../../lib/i18n';
import { type FetchCall, fakeFetch, problem, signIn } from '../../../test/network';
import { aTask, renderWithApp } from '../../../test/render';
import { fakeTaskServer } from '../../../test/task-server';
import { TaskFormDialog } from './task-form-dialog';
import { TaskRow } from './task-row';

const server = fakeTaskServer;

async function openCreate() {
  const onOpenChange = vi.fn();
  renderWithApp(<TaskFormDialog open editId={null} onOpenChange={onOpenChange} />);
  const dialog = await screen.findByRole('dialog', { name: 'New task' });
  return { dialog, onOpenChange, user: userEvent.setup() };
}

async function openEdit(task: Task) {
  const onOpenChange = vi.fn();
  renderWithApp(<TaskFormDialog open editId={task.id} onOpenChange={onOpenChange} />);
  const dialog = await screen.findByRole('dialog', { name: 'Edit task' });
  await within(dialog).findByDisplayValue(task.title);
  return { dialog, onOpenChange, user: userEvent.setup() };
}

const posts = (net: { calls: FetchCall[] }) => net.calls.filter((c) => c.method === 'POST');
const patches = (net: { calls: FetchCall[] }) => net.calls.filter((c) => c.method === 'PATCH');

describe('task dialog: Repeat', () => {
  beforeEach(signIn);
  afterEach(() => setLanguage('en', { remember: false }));

  it('Weekly every 2 weeks posts the rule in the shared parser’s normalised form, mode "due"', async () => {
    const net = server();
    const { dialog, user, onOpenChange } = await openCreate();
    // Nothing repeats by default, and the other repeat inputs are hidden.
    expect(within(dialog).getByLabelText('Repeat')).toHaveValue('none');
    expect(within(dialog).queryByLabelText('Every')).not.toBeInTheDocument();
    expect(within(dialog).queryByLabelText('Next date')).not.toBeInTheDocument();

    await user.type(within(dialog).getByLabelText('Title'), 'Standup notes');
    fireEvent.change(within(dialog).getByLabelText('Due'), { target: { value: '2030-01-10T09:00' } });
    await user.selectOptions(within(dialog).getByLabelText('Repeat'), 'WEEKLY');
    const every = within(dialog).getByLabelText('Every');
    expect(every).toHaveValue(1);
    expect(within(dialog).getByLabelText('Next date')).toHaveValue('due');
    await user.clear(every);
    await user.type(every, '2');
    await user.click(within(dialog).getByRole('button', { name: 'Create task' }));

    await waitFor(() => expect(onOpenChange).toHaveBeenCalledWith(false));
    expect(posts(net)).toHaveLength(1);
    const body = posts(net)[0]!.body as Record<string, unknown>;
    expect(body.recurrence).toEqual({ rule: 'FREQ=WEEKLY;INTERVAL=2', mode: 'due' });
    // The rule is already what the shared schema stores (its normalised form).
    expect(createTaskBody.parse(body).recurrence).toEqual({ rule: 'FREQ=WEEKLY;INTERVAL=2', mode: 'due' });
  });

  it('every 1 is the normalised rule without INTERVAL (as the API stores it)', async () => {
    const net = server();
    const { dialog, user, onOpenChange } = await openCreate();
    await user.type(within(dialog).getByLabelText('Title'), 'Journal');
    fireEvent.change(within(dialog).getByLabelText('Due'), { target: { value: '2030-01-10T21:00' } });
    await user.selectOptions(within(dialog).getByLabelText('Repeat'), 'DAILY');
    await user.click(within(dialog).getByRole('button', { name: 'Create task' }));
    await waitFor(() => expect(onOpenChange).toHaveBeenCalledWith(false));
    expect((posts(net)[0]!.body as Record<string, unknown>).recurrence).toEqual({ rule: 'FREQ=DAILY', mode: 'due' });
  });

  it('mode "from completion" and a custom rule are posted as chosen', async () => {
    const net = server();
    const { dialog, user, onOpenChange } = await openCreate();
    await user.type(within(dialog).getByLabelText('Title'), 'Water plants');
    fireEvent.change(within(dialog).getByLabelText('Due'), { target: { value: '2030-01-10T09:00' } });
    await user.selectOptions(within(dialog).getByLabelText('Repeat'), 'custom');
    const rule = within(dialog).getByLabelText('Rule');
    await user.clear(rule);
    await user.type(rule, 'FREQ=WEEKLY;BYDAY=TU,TH');
    expect(within(dialog).getByText('Every Tuesday, Thursday')).toBeVisible();
    await user.selectOptions(within(dialog).getByLabelText('Next date'), 'completion');
    await user.click(within(dialog).getByRole('button', { name: 'Create task' }));
    await waitFor(() => expect(onOpenChange).toHaveBeenCalledWith(false));
    expect((posts(net)[0]!.body as Record<string, unknown>).recurrence).toEqual({
      rule: 'FREQ=WEEKLY;BYDAY=TU,TH',
      mode: 'completion',
    });
  });

  it('a repeat without a due date shows the error under the field and sends nothing', async () => {
    const net = server();
    const { dialog, user, onOpenChange } = await openCreate();
    await user.type(within(dialog).getByLabelText('Title'), 'Standup notes');
    await user.selectOptions(within(dialog).getByLabelText('Repeat'), 'DAILY');
    await user.click(within(dialog).getByRole('button', { name: 'Create task' }));

    const repeat = within(dialog).getByLabelText('Repeat');
    expect(repeat).toHaveAttribute('aria-invalid', 'true');
    expect(repeat).toHaveAccessibleDescription('A repeating task needs a due date');
    expect(posts(net)).toHaveLength(0);
    expect(onOpenChange).not.toHaveBeenCalled();
  });

  it('a custom rule the shared parser refuses shows its message on the Rule field and sends nothing', async () => {
    const net = server();
    const { dialog, user } = await openCreate();
    await user.type(within(dialog).getByLabelText('Title'), 'Hourly thing');
    fireEvent.change(within(dialog).getByLabelText('Due'), { target: { value: '2030-01-10T09:00' } });
    await user.selectOptions(within(dialog).getByLabelText('Repeat'), 'custom');
    const rule = within(dialog).getByLabelText('Rule');
    await user.clear(rule);
    await user.type(rule, 'FREQ=HOURLY');
    expect(rule).toHaveAccessibleDescription('FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY');
    await user.click(within(dialog).getByRole('button', { name: 'Create task' }));
    expect(rule).toHaveAttribute('aria-invalid', 'true');
    expect(posts(net)).toHaveLength(0);
  });

  it("in German, a refused custom rule is explained in German (the parser's reasons are English)", async () => {
    await setLanguage('de', { remember: false });
    server();
    const onOpenChange = vi.fn();
    renderWithApp(<TaskFormDialog open editId={null} onOpenChange={onOpenChange} />);
    const dialog = await screen.findByRole('dialog');
    const user = userEvent.setup();
    fireEvent.change(within(dialog).getByLabelText('Fällig'), { target: { value: '2030-01-10T09:00' } });
    await user.selectOptions(within(dialog).getByLabelText('Wiederholen'), 'custom');
    const rule = within(dialog).getByLabelText('Regel');
    await user.clear(rule);
    await user.type(rule, 'FREQ=HOURLY');
    expect(rule).toHaveAccessibleDescription(/^Keine unterstützte Regel/);
  });

  it('an existing BYDAY rule opens as Custom showing it; saving it unchanged sends no change', async () => {
    const task = aTask({
      title: 'Gym',
      dueDate: '2030-01-07T07:00:00.000Z',
      recurrence: { rule: 'FREQ=WEEKLY;BYDAY=MO,FR', mode: 'completion', count: 5 },
    });
    const net = server(task);
    const { dialog, user, onOpenChange } = await openEdit(task);
    expect(within(dialog).getByLabelText('Repeat')).toHaveValue('custom');
    expect(within(dialog).getByLabelText('Rule')).toHaveValue('FREQ=WEEKLY;BYDAY=MO,FR');
    expect(within(dialog).getByLabelText('Next date')).toHaveValue('completion');

    // Saving unchanged sends nothing (the rule is as stored).
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onOpenChange).toHaveBeenCalledWith(false));
    expect(patches(net)).toHaveLength(0);
  });

  it('changing only the mode of an existing rule sends the same rule with its count', async () => {
    const task = aTask({
      title: 'Gym',
      dueDate: '2030-01-07T07:00:00.000Z',
      recurrence: { rule: 'FREQ=WEEKLY;BYDAY=MO,FR', mode: 'completion', count: 5 },
    });
    const net = server(task);
    const { dialog, user, onOpenChange } = await openEdit(task);
    await user.selectOptions(within(dialog).getByLabelText('Next date'), 'due');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onOpenChange).toHaveBeenCalledWith(false));
    expect(patches(net)).toHaveLength(1);
    expect(patches(net)[0]!.body).toEqual({ recurrence: { rule: 'FREQ=WEEKLY;BYDAY=MO,FR', mode: 'due', count: 5 } });
  });

  it('a preset rule opens on its preset with its interval; choosing "Does not repeat" sends recurrence: null', async () => {
    const task = aTask({
      title: 'Invoices',
      dueDate: '2030-01-31T09:00:00.000Z',
      recurrence: { rule: 'FREQ=MONTHLY;INTERVAL=3', mode: 'due' },
    });
    const net = server(task);
    const { dialog, user, onOpenChange } = await openEdit(task);
    expect(within(dialog).getByLabelText('Repeat')).toHaveValue('MONTHLY');
    expect(within(dialog).getByLabelText('Every')).toHaveValue(3);
    await user.selectOptions(within(dialog).getByLabelText('Repeat'), 'none');
    expect(within(dialog).queryByLabelText('Every')).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onOpenChange).toHaveBeenCalledWith(false));
    expect(patches(net)[0]!.body).toEqual({ recurrence: null });
  });
});

describe('task row: repeats mark', () => {
  const actions = () => ({
    onToggleSelect: vi.fn(),
    onToggleDone: vi.fn(),
    onEdit: vi.fn(),
    onHistory: vi.fn(),
    onDelete: vi.fn(),
  });
  beforeEach(() => {
    fakeFetch(() => problem(404, 'NOT_FOUND', 'Not found'));
  });

  it('a recurring task shows a repeat icon labelled with its rule in words; a one-off task none', () => {
    const recurring = aTask({
      title: 'Gym',
      dueDate: '2030-01-07T07:00:00.000Z',
      recurrence: { rule: 'FREQ=WEEKLY;INTERVAL=2', mode: 'due' },
    });
    const { unmount } = renderWithApp(<TaskRow task={recurring} selected={false} actions={actions()} />);
    expect(screen.getByRole('img', { name: 'Repeats: Every 2 weeks' })).toBeInTheDocument();
    unmount();
    renderWithApp(<TaskRow task={aTask({ title: 'Once' })} selected={false} actions={actions()} />);
    expect(screen.queryByTestId('task-repeats')).not.toBeInTheDocument();
  });
});
