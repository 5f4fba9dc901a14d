// @vitest-environment happy-dom
import type { Task } from '@primetrade/shared';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { queryKeys } from '../../../lib/query-keys';
import { type FetchCall, fakeFetch, ok, problem, signIn } from '../../../test/network';
import { aTask, renderWithApp } from '../../../test/render';
import { TaskFormDialog } from './task-form-dialog';

const etagOf = (t: Task) => `"v${t.version}"`;

/**
 * One task on a fake server that honours If-Match like the API: a PATCH whose If-Match is not the current ETag is
 * answered 412 PRECONDITION_FAILED, any other applies the patch and bumps the version.
 */
function taskServer(initial: Task) {
  let current = initial;
  const net = fakeFetch(({ method, url, headers, body }: FetchCall) => {
    if (url !== `/api/v1/tasks/${current.id}`) return problem(404, 'NOT_FOUND', 'Not found');
    if (method === 'GET') return ok(current, { headers: { etag: etagOf(current) } });
    if (method === 'PATCH') {
      const ifMatch = headers.get('if-match');
      if (ifMatch && ifMatch !== etagOf(current)) {
        return problem(412, 'PRECONDITION_FAILED', 'The task has changed since you read it');
      }
      current = { ...current, ...(body as Partial<Task>), version: current.version + 1 };
      return ok(current, { headers: { etag: etagOf(current) } });
    }
    return problem(405, 'METHOD_NOT_ALLOWED', 'Method not allowed');
  });
  return {
    net,
    /** Someone else saves a newer version (another tab, another device). */
    changeElsewhere: (patch: Partial<Task>) => {
      current = { ...current, ...patch, version: current.version + 1 };
    },
    patches: () => net.calls.filter((c) => c.method === 'PATCH'),
  };
}

async function openEditor(task: Task) {
  const onOpenChange = vi.fn();
  const view = renderWithApp(<TaskFormDialog open editId={task.id} onOpenChange={onOpenChange} />);
  const dialog = await screen.findByRole('dialog', { name: 'Edit task' });
  await within(dialog).findByDisplayValue(task.title);
  return { ...view, dialog, onOpenChange, user: userEvent.setup() };
}

describe('task edit dialog: 412 conflict', () => {
  beforeEach(signIn);

  it('on 412 shows the newer version; "Reapply my changes" sends the same patch with the new ETag', async () => {
    const task = aTask({ title: 'Write report', priority: 'medium', tags: ['work'] });
    const server = taskServer(task);
    const { dialog, user, onOpenChange, qc } = await openEditor(task);

    await user.selectOptions(within(dialog).getByLabelText('Priority'), 'urgent');
    server.changeElsewhere({ title: 'Write the quarterly report' });
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    const conflict = await within(dialog).findByTestId('conflict');
    expect(within(conflict).getByRole('alert')).toHaveTextContent('now version 2');
    expect(conflict).toHaveTextContent('Write the quarterly report');
    expect(conflict).toHaveTextContent(/Your changes\s*Priority/);
    expect(server.patches()).toHaveLength(1);
    // Only the changed field, against the ETag the dialog read.
    expect(server.patches()[0]!.body).toEqual({ priority: 'urgent' });
    expect(server.patches()[0]!.headers.get('if-match')).toBe('"v1"');

    await user.click(within(conflict).getByRole('button', { name: 'Reapply my changes' }));

    await waitFor(() => expect(onOpenChange).toHaveBeenCalledWith(false));
    expect(server.patches()).toHaveLength(2);
    expect(server.patches()[1]!.body).toEqual({ priority: 'urgent' });
    expect(server.patches()[1]!.headers.get('if-match')).toBe('"v2"');
    expect(await screen.findByText('Task saved')).toBeInTheDocument();
    expect(qc.getQueryData(queryKeys.tasks.detail(task.id))).toMatchObject({
      task: { version: 3, title: 'Write the quarterly report', priority: 'urgent' },
      etag: '"v3"',
    });
  });

  it('"Discard mine" reloads the form with the newer version, and the next save is made against it', async () => {
    const task = aTask({ title: 'Write report', description: 'draft', priority: 'medium' });
    const server = taskServer(task);
    const { dialog, user, onOpenChange } = await openEditor(task);

    await user.selectOptions(within(dialog).getByLabelText('Priority'), 'low');
    server.changeElsewhere({ title: 'Write the quarterly report', priority: 'high' });
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    const conflict = await within(dialog).findByTestId('conflict');

    await user.click(within(conflict).getByRole('button', { name: 'Discard mine, edit the newer version' }));

    expect(within(dialog).queryByTestId('conflict')).not.toBeInTheDocument();
    expect(within(dialog).getByLabelText('Title')).toHaveValue('Write the quarterly report');
    expect(within(dialog).getByLabelText('Priority')).toHaveValue('high');
    expect(dialog).toHaveTextContent('Version 2');

    const description = within(dialog).getByLabelText('Description');
    await user.clear(description);
    await user.type(description, 'final');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(onOpenChange).toHaveBeenCalledWith(false));
    expect(server.patches()).toHaveLength(2);
    // Only the field changed since the newer version, against its ETag.
    expect(server.patches()[1]!.body).toEqual({ description: 'final' });
    expect(server.patches()[1]!.headers.get('if-match')).toBe('"v2"');
  });
});

describe('task create dialog', () => {
  beforeEach(signIn);

  it("starts from the shared schema's defaults and posts them with the fields typed", async () => {
    const net = fakeFetch(({ method, url, body }) =>
      method === 'POST' ? ok(aTask(body as Partial<Task>), { status: 201 }) : directory(url),
    );
    const onOpenChange = vi.fn();
    renderWithApp(<TaskFormDialog open editId={null} onOpenChange={onOpenChange} />);
    const dialog = await screen.findByRole('dialog', { name: 'New task' });
    expect(within(dialog).getByLabelText('Status')).toHaveValue('pending');
    expect(within(dialog).getByLabelText('Priority')).toHaveValue('medium');
    expect(within(dialog).getByLabelText('Due')).toHaveValue('');

    const user = userEvent.setup();
    await user.type(within(dialog).getByLabelText('Title'), '  Buy milk ');
    await user.type(within(dialog).getByLabelText('Tags'), 'Home, errands, home');
    await user.click(within(dialog).getByRole('button', { name: 'Create task' }));

    await waitFor(() => expect(onOpenChange).toHaveBeenCalledWith(false));
    net.calls = net.calls.filter((c) => c.method === 'POST');
    expect(net.calls).toHaveLength(1);
    expect(net.calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/tasks' });
    // No project chosen: the inbox (absent projectId), nobody assigned.
    expect(net.calls[0]!.body).toEqual({
      title: 'Buy milk',
      description: '',
      status: 'pending',
      priority: 'medium',
      dueDate: null,
      tags: ['home', 'errands'],
      assigneeId: null,
      parentId: null,
      // The shared field list's default: not recurring (issue 17 item 1).
      recurrence: null,
      // No reminders by default (issue 17 item 2).
      reminders: [],
    });
    expect(net.calls[0]!.headers.get('idempotency-key')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('the Project select starts on the given project, the Assignee select lists its members, both are posted (issue 15 item 4)', async () => {
    const posted: unknown[] = [];
    fakeFetch(({ method, url, body }) => {
      if (method === 'POST') {
        posted.push(body);
        return ok(aTask(body as Partial<Task>), { status: 201 });
      }
      return directory(url);
    });
    const onOpenChange = vi.fn();
    renderWithApp(<TaskFormDialog open editId={null} onOpenChange={onOpenChange} defaultProjectId={WORK.id} />);
    const dialog = await screen.findByRole('dialog', { name: 'New task' });
    const project = within(dialog).getByLabelText('Project');
    await waitFor(() =>
      expect(
        within(project)
          .getAllByRole('option')
          .map((o) => o.textContent),
      ).toEqual(['Inbox', 'Work']),
    );
    expect(project).toHaveValue(WORK.id);
    const assignee = within(dialog).getByLabelText('Assignee');
    await waitFor(() =>
      expect(
        within(assignee)
          .getAllByRole('option')
          .map((o) => o.textContent),
      ).toEqual(['Nobody', 'Ada', 'Grace']),
    );
    const user = userEvent.setup();
    await user.type(within(dialog).getByLabelText('Title'), 'Ship it');
    await user.selectOptions(assignee, 'Grace');
    await user.click(within(dialog).getByRole('button', { name: 'Create task' }));
    await waitFor(() => expect(onOpenChange).toHaveBeenCalledWith(false));
    expect(posted).toEqual([expect.objectContaining({ title: 'Ship it', projectId: WORK.id, assigneeId: GRACE })]);
  });
});

const INBOX = { id: '00000000-0000-4000-9000-0000000000a1', name: 'Inbox', inbox: true, role: 'owner' };
const WORK = { id: '00000000-0000-4000-9000-0000000000b2', name: 'Work', inbox: false, role: 'editor' };
const READ_ONLY = { id: '00000000-0000-4000-9000-0000000000c3', name: 'Watched', inbox: false, role: 'viewer' };
const ADA = '00000000-0000-4000-9000-0000000000d4';
const GRACE = '00000000-0000-4000-9000-0000000000e5';

/** GET /projects (a viewer's project is not offered) and GET /projects/:id/members. */
function directory(url: string): Response {
  const base = { description: '', color: null, archived: false, memberCount: 1, taskCount: 0, version: 1 };
  if (url === '/api/v1/projects') return ok([INBOX, WORK, READ_ONLY].map((p) => ({ ...base, ...p })));
  if (url === `/api/v1/projects/${WORK.id}/members`)
    return ok([
      { userId: ADA, name: 'Ada', email: 'ada@example.com', role: 'owner', joinedAt: '2030-01-01T00:00:00Z' },
      { userId: GRACE, name: 'Grace', email: 'grace@example.com', role: 'editor', joinedAt: '2030-01-01T00:00:00Z' },
    ]);
  if (url.endsWith('/members')) return ok([]);
  return problem(404, 'NOT_FOUND', 'Not found');
}
