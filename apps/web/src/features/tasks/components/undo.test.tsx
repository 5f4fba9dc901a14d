// @vitest-environment happy-dom
/**
 * Undo on the real TasksPage (issue 16 defect 2): delete (button, `#`), complete (`c`) and bulk changes offer
 * Undo in a toast; the button, `z` and Ctrl-Z run it once; a delete is undone by POST /tasks/:id/restore, a
 * status change by a PATCH of the previous status with If-Match of the version the change left; a 412 opens the
 * edit dialog's conflict view. Only fetch is faked: a small server that keeps versions and deletions.
 */
import type { Task } from '@primetrade/shared';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetCommandsForTests } from '../../../lib/shortcuts';
import { type FetchCall, fakeFetch, ok, problem, signIn } from '../../../test/network';
import { aTask, renderWithApp } from '../../../test/render';
import { UNDO_MS } from '../undo';
import { TasksPage } from './tasks-page';

const clientHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 });
});
afterAll(() => {
  if (clientHeight) Object.defineProperty(HTMLElement.prototype, 'clientHeight', clientHeight);
});
afterEach(() => vi.restoreAllMocks());

let server: Map<string, Task & { deleted?: boolean }>;
let net: { calls: FetchCall[] };
const etagOf = (t: Task) => `"v${t.version}"`;

beforeEach(() => {
  signIn();
  resetCommandsForTests();
  server = new Map(
    [aTask({ title: 'Alpha' }), aTask({ title: 'Bravo', status: 'in_progress' }), aTask({ title: 'Charlie' })].map(
      (t) => [t.id, t],
    ),
  );
  net = fakeFetch(({ method, url, body, headers }) => {
    const id = /\/tasks\/([^/?]+)/.exec(url)?.[1] ?? '';
    const task = server.get(id);
    const live = task && !task.deleted ? task : undefined;
    if (method === 'GET' && url.startsWith('/api/v1/tasks?')) return ok([...server.values()].filter((t) => !t.deleted));
    if (method === 'POST' && url.endsWith('/bulk')) {
      const b = body as { action: string; ids: string[]; patch?: Partial<Task> };
      let affected = 0;
      for (const i of b.ids) {
        const t = server.get(i);
        if (!t || t.deleted) continue;
        if (b.action === 'delete') server.set(i, { ...t, deleted: true });
        else if (b.patch?.status !== t.status) server.set(i, { ...t, ...b.patch, version: t.version + 1 });
        else continue;
        affected++;
      }
      return ok({ affected });
    }
    if (method === 'POST' && url.endsWith('/restore')) {
      if (!task?.deleted) return problem(404, 'NOT_FOUND', 'Task not found');
      const back = { ...task, deleted: false, version: task.version + 1 };
      server.set(id, back);
      return ok(back, { headers: { etag: etagOf(back) } });
    }
    if (!live) return problem(404, 'NOT_FOUND', 'Task not found');
    if (method === 'GET') return ok(live, { headers: { etag: etagOf(live) } });
    const ifMatch = headers.get('if-match');
    if (ifMatch && ifMatch !== etagOf(live)) return problem(412, 'PRECONDITION_FAILED', 'changed');
    if (method === 'PATCH') {
      const next = { ...live, ...(body as Partial<Task>), version: live.version + 1 };
      server.set(id, next);
      return ok(next, { headers: { etag: etagOf(next) } });
    }
    if (method === 'DELETE') {
      server.set(id, { ...live, deleted: true });
      return new Response(null, { status: 204 });
    }
    return ok(null);
  });
});

const writes = () => net.calls.filter((c) => c.method !== 'GET');
const titled = (title: string) => [...server.values()].find((t) => t.title === title) as Task & { deleted?: boolean };
const rowOf = (title: string) => screen.getByText(title).closest('li') as HTMLElement;

async function renderTasks() {
  const user = userEvent.setup();
  renderWithApp(<TasksPage search={{}} onSearchChange={vi.fn()} />);
  await screen.findByText('Charlie');
  return user;
}

describe('undo on the task list', () => {
  it('a row’s Delete asks nothing, offers Undo, and Undo restores the task', async () => {
    const user = await renderTasks();
    await user.click(screen.getByRole('button', { name: 'Delete “Alpha”' }));
    expect(screen.queryByRole('dialog')).toBeNull(); // no confirmation: Undo replaces it
    const toast = await screen.findByText('Deleted “Alpha”');
    await waitFor(() => expect(titled('Alpha').deleted).toBe(true));
    await user.click(
      within(toast.closest('[data-testid="toast"]') as HTMLElement).getByRole('button', { name: 'Undo' }),
    );
    await waitFor(() => expect(titled('Alpha').deleted).toBe(false));
    expect(writes().map((c) => `${c.method} ${c.url}`)).toEqual([
      `DELETE /api/v1/tasks/${titled('Alpha').id}`,
      `POST /api/v1/tasks/${titled('Alpha').id}/restore`,
    ]);
    await screen.findByText('Alpha'); // back in the list (refetched)
    expect(screen.queryByText('Deleted “Alpha”')).toBeNull(); // the toast closed
  });

  it('# deletes the focused task at once and moves on; z undoes it, once', async () => {
    const user = await renderTasks();
    await user.keyboard('j#');
    await screen.findByText('Deleted “Alpha”');
    expect(screen.queryByRole('dialog')).toBeNull();
    await waitFor(() => expect(rowOf('Bravo')).toHaveFocus());
    await user.keyboard('z');
    await waitFor(() => expect(titled('Alpha').deleted).toBe(false));
    await user.keyboard('z'); // nothing left to undo
    await screen.findByText('Alpha');
    expect(writes().filter((c) => c.url.endsWith('/restore'))).toHaveLength(1);
  });

  it('c completes; Ctrl-Z puts the previous status back with If-Match of the completed version', async () => {
    const user = await renderTasks();
    await user.keyboard('jjc'); // Bravo, in progress
    await screen.findByText('Completed “Bravo”');
    await waitFor(() => expect(titled('Bravo').status).toBe('completed'));
    await user.keyboard('{Control>}z{/Control}');
    await waitFor(() => expect(titled('Bravo').status).toBe('in_progress'));
    const [complete, revert] = writes();
    expect(complete).toMatchObject({ method: 'PATCH', body: { status: 'completed' } });
    expect(revert).toMatchObject({ method: 'PATCH', body: { status: 'in_progress' } });
    expect(revert?.headers.get('if-match')).toBe('"v2"');
  });

  it('Undo after an edit made meanwhile answers 412 and opens the conflict view instead of overwriting', async () => {
    const user = await renderTasks();
    await user.keyboard('jc'); // Alpha completed (version 2)
    await screen.findByText('Completed “Alpha”');
    await waitFor(() => expect(titled('Alpha').version).toBe(2));
    const alpha = titled('Alpha');
    server.set(alpha.id, { ...alpha, title: 'Alpha (edited elsewhere)', version: 3 });
    await user.keyboard('z');
    await screen.findByTestId('conflict');
    expect(screen.getByText('Alpha (edited elsewhere)', { selector: 'dd' })).toBeVisible();
    expect(titled('Alpha (edited elsewhere)').status).toBe('completed'); // not overwritten
  });

  it('a bulk status change is undone task by task, each with If-Match of the version the change left', async () => {
    const user = await renderTasks();
    await user.click(screen.getByRole('checkbox', { name: 'Select “Alpha”' }));
    await user.click(screen.getByRole('checkbox', { name: 'Select “Bravo”' }));
    await user.selectOptions(screen.getByLabelText('Set status of the selected tasks'), 'cancelled');
    await screen.findByText('2 tasks updated');
    (document.activeElement as HTMLElement).blur(); // keys typed into the select are not shortcuts
    await user.keyboard('z');
    await waitFor(() => expect(titled('Bravo').status).toBe('in_progress'));
    await waitFor(() => expect(titled('Alpha').status).toBe('pending'));
    const reverts = writes().filter((c) => c.method === 'PATCH');
    expect(reverts.map((c) => c.headers.get('if-match')).sort()).toEqual(['"v2"', '"v2"']);
  });

  it('a bulk delete is undone by restoring each task', async () => {
    const user = await renderTasks();
    await user.click(screen.getByRole('checkbox', { name: 'Select “Alpha”' }));
    await user.click(screen.getByRole('checkbox', { name: 'Select “Charlie”' }));
    await user.click(screen.getByRole('button', { name: 'Delete selected' }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete 2 tasks?' });
    expect(confirm).not.toHaveTextContent('cannot be undone');
    await user.click(within(confirm).getByRole('button', { name: 'Delete' }));
    await screen.findByText('2 tasks deleted');
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(titled('Charlie').deleted).toBe(false));
    expect(titled('Alpha').deleted).toBe(false);
    expect(writes().filter((c) => c.url.endsWith('/restore'))).toHaveLength(2);
  });

  it('after UNDO_MS, z has nothing to undo', async () => {
    const user = await renderTasks();
    await user.keyboard('j#');
    await screen.findByText('Deleted “Alpha”');
    const later = Date.now() + UNDO_MS + 1;
    vi.spyOn(Date, 'now').mockReturnValue(later);
    await user.keyboard('z');
    await new Promise((r) => setTimeout(r, 50));
    expect(writes().filter((c) => c.url.endsWith('/restore'))).toHaveLength(0);
    expect(titled('Alpha').deleted).toBe(true);
  });
});
