// @vitest-environment happy-dom
import type { HistoryEntry, ProjectMember, ProjectRole, Task } from '@primetrade/shared';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, ok, problem, signIn } from '../../../test/network';
import { aTask, renderWithApp } from '../../../test/render';
import { TaskDetailPanel } from './task-detail';

const PROJECT = '00000000-0000-4000-9000-000000000001';
const ME = '00000000-0000-4000-8000-0000000000aa';
const ANA = '00000000-0000-4000-8000-0000000000bb';
const members: ProjectMember[] = [
  { userId: ME, name: 'Me Myself', email: 'me@example.com', role: 'owner', joinedAt: '2030-01-01T10:00:00.000Z' },
  { userId: ANA, name: 'Ana Alves', email: 'ana@example.com', role: 'editor', joinedAt: '2030-01-01T10:00:00.000Z' },
] as ProjectMember[];

function setup() {
  const parent = aTask({
    title: 'Plan the launch',
    description: 'All the steps',
    priority: 'high',
    status: 'in_progress',
    assigneeId: ANA,
    tags: ['launch'],
    projectId: PROJECT,
  });
  const subtasks: Task[] = [
    aTask({ title: 'Book venue', parentId: parent.id, projectId: PROJECT }),
    aTask({ title: 'Print flyers', parentId: parent.id, projectId: PROJECT, status: 'completed' }),
  ];
  const history: HistoryEntry[] = [
    {
      id: '00000000-0000-4000-8000-000000000901',
      type: 'updated',
      changes: {
        priority: { from: 'low', to: 'high' },
        position: { from: 'a0', to: 'a1' },
        projectId: { from: null, to: PROJECT },
        tags: { from: [], to: [] },
        assigneeId: { from: null, to: ANA },
      },
      createdAt: '2030-01-02T10:00:00.000Z',
      actorId: ANA,
      actorName: 'Ana Alves',
    },
    {
      id: '00000000-0000-4000-8000-000000000902',
      type: 'updated',
      changes: { position: { from: 'a1', to: 'a2' } },
      createdAt: '2030-01-03T10:00:00.000Z',
      actorId: ME,
      actorName: 'Me Myself',
    },
  ];
  const net = fakeFetch(({ url, method, body }) => {
    if (url === `/api/v1/tasks/${parent.id}` && method === 'GET') return ok(parent, { headers: { etag: '"p1"' } });
    if (url === `/api/v1/tasks/${parent.id}/history`) return ok(history);
    if (url.startsWith('/api/v1/tasks?') && method === 'GET') {
      expect(new URL(url, 'http://x').searchParams.get('parentId')).toBe(parent.id);
      return ok(subtasks, { headers: {} });
    }
    if (url === '/api/v1/tasks' && method === 'POST') {
      const b = body as { title: string };
      const created = aTask({ title: b.title, parentId: parent.id, projectId: PROJECT });
      subtasks.push(created);
      return ok(created, { status: 201 });
    }
    const sub = subtasks.find((s) => url === `/api/v1/tasks/${s.id}`);
    if (sub && method === 'PATCH') {
      const i = subtasks.indexOf(sub);
      const next = { ...sub, ...(body as Partial<Task>), version: sub.version + 1 };
      subtasks[i] = next;
      return ok(next);
    }
    return problem(404, 'NOT_FOUND', 'Not found');
  });
  return { parent, subtasks, net };
}

/** The panel as the project route uses it: opened from a button, closed through onClose. */
function Harness({
  taskId,
  projectRole,
  onEdit = () => {},
}: {
  taskId: string;
  projectRole: ProjectRole;
  onEdit?: (id: string) => void;
}) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <>
      <button type="button" onClick={() => setOpen(taskId)}>
        Open task
      </button>
      <TaskDetailPanel
        taskId={open}
        role={projectRole}
        members={members}
        onClose={() => setOpen(null)}
        onEdit={onEdit}
        onOpenTask={setOpen}
        comments={(task, canWrite) => (
          <p data-testid="comments-slot">
            comments of {task.title} ({canWrite ? 'write' : 'read'})
          </p>
        )}
      />
    </>
  );
}

describe('task detail panel', () => {
  beforeEach(signIn);

  it('shows the fields, subtasks with their count, the history with its actor, and the comments slot', async () => {
    const { parent } = setup();
    const onEdit = vi.fn();
    const user = userEvent.setup();
    renderWithApp(<Harness taskId={parent.id} projectRole="editor" onEdit={onEdit} />);
    await user.click(screen.getByRole('button', { name: 'Open task' }));
    const dialog = await screen.findByRole('dialog', { name: 'Task details' });
    expect(await within(dialog).findByTestId('task-detail-title')).toHaveTextContent('Plan the launch');
    const fields = within(dialog).getByTestId('task-fields');
    expect(fields).toHaveTextContent('In progress');
    expect(fields).toHaveTextContent('High');
    expect(fields).toHaveTextContent('Ana Alves');
    expect(fields).toHaveTextContent('launch');
    expect(dialog).toHaveTextContent('All the steps');

    await waitFor(() => expect(within(dialog).getAllByTestId('subtask')).toHaveLength(2));
    expect(within(dialog).getByTestId('subtask-count')).toHaveTextContent('1 of 2 done');
    expect(within(dialog).getByRole('checkbox', { name: 'Done: Print flyers' })).toBeChecked();
    expect(within(dialog).getByRole('checkbox', { name: 'Done: Book venue' })).not.toBeChecked();

    const [entry, moved] = await within(dialog).findAllByTestId('history-entry');
    // A board move alone (only the key changed) says so in words.
    expect(moved).toHaveTextContent('by Me Myself');
    expect(moved).toHaveTextContent('Moved on the board');
    expect(entry).toHaveTextContent('by Ana Alves');
    expect(entry).toHaveTextContent('Priority: Low → High');
    // The assignee by name; the board key, the project id and unchanged values are not shown.
    expect(entry).toHaveTextContent('Assignee: — → Ana Alves');
    expect(entry).not.toHaveTextContent('a0');
    expect(entry).not.toHaveTextContent(PROJECT);
    expect(entry).not.toHaveTextContent('Tags');

    expect(within(dialog).getByTestId('comments-slot')).toHaveTextContent('comments of Plan the launch (write)');
    await user.click(within(dialog).getByRole('button', { name: 'Edit' }));
    expect(onEdit).toHaveBeenCalledWith(parent.id);
  });

  it('adds a subtask (POST with parentId and the project) and toggles one done (PATCH with If-Match)', async () => {
    const { parent, subtasks, net } = setup();
    const user = userEvent.setup();
    renderWithApp(<Harness taskId={parent.id} projectRole="owner" />);
    await user.click(screen.getByRole('button', { name: 'Open task' }));
    const dialog = await screen.findByRole('dialog', { name: 'Task details' });
    await waitFor(() => expect(within(dialog).getAllByTestId('subtask')).toHaveLength(2));

    await user.type(within(dialog).getByLabelText('New subtask'), 'Order drinks');
    await user.click(within(dialog).getByRole('button', { name: 'Add subtask' }));
    await waitFor(() => expect(within(dialog).getAllByTestId('subtask')).toHaveLength(3));
    expect(net.calls.find((c) => c.method === 'POST')?.body).toEqual({
      title: 'Order drinks',
      parentId: parent.id,
      projectId: PROJECT,
    });
    expect(within(dialog).getByLabelText('New subtask')).toHaveValue('');

    await user.click(within(dialog).getByRole('checkbox', { name: 'Done: Book venue' }));
    // Ticked at once (optimistic), before the server answers.
    expect(within(dialog).getByRole('checkbox', { name: 'Done: Book venue' })).toBeChecked();
    await waitFor(() => expect(within(dialog).getByRole('checkbox', { name: 'Done: Book venue' })).toBeChecked());
    const patch = net.calls.find((c) => c.method === 'PATCH');
    expect(patch?.url).toBe(`/api/v1/tasks/${subtasks[0]?.id}`);
    expect(patch?.body).toEqual({ status: 'completed' });
    expect(patch?.headers.get('if-match')).toMatch(/^".+"$/);
    await waitFor(() => expect(within(dialog).getByTestId('subtask-count')).toHaveTextContent('2 of 3 done'));
  });

  it('a viewer reads only: no Edit, no subtask form, the checkboxes disabled, comments read-only', async () => {
    const { parent } = setup();
    const user = userEvent.setup();
    renderWithApp(<Harness taskId={parent.id} projectRole="viewer" />);
    await user.click(screen.getByRole('button', { name: 'Open task' }));
    const dialog = await screen.findByRole('dialog', { name: 'Task details' });
    await waitFor(() => expect(within(dialog).getAllByTestId('subtask')).toHaveLength(2));
    expect(within(dialog).queryByRole('button', { name: 'Edit' })).toBeNull();
    expect(within(dialog).queryByLabelText('New subtask')).toBeNull();
    for (const box of within(dialog).getAllByRole('checkbox')) expect(box).toBeDisabled();
    expect(within(dialog).getByTestId('comments-slot')).toHaveTextContent('(read)');
  });

  it('Escape closes it and focus returns to what opened it', async () => {
    const { parent } = setup();
    const user = userEvent.setup();
    renderWithApp(<Harness taskId={parent.id} projectRole="editor" />);
    const opener = screen.getByRole('button', { name: 'Open task' });
    await user.click(opener);
    const dialog = await screen.findByRole('dialog', { name: 'Task details' });
    await within(dialog).findByTestId('task-detail-title');
    expect(dialog.contains(document.activeElement)).toBe(true);
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await waitFor(() => expect(opener).toHaveFocus());
  });

  it('a task that cannot be read says why', async () => {
    fakeFetch(() => problem(404, 'NOT_FOUND', 'Task not found'));
    const user = userEvent.setup();
    renderWithApp(<Harness taskId="00000000-0000-4000-8000-000000000999" projectRole="editor" />);
    await user.click(screen.getByRole('button', { name: 'Open task' }));
    const dialog = await screen.findByRole('dialog', { name: 'Task details' });
    expect(await within(dialog).findByText(/Task not found/)).toBeInTheDocument();
  });
});
