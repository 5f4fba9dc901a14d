// @vitest-environment happy-dom
/**
 * The keyboard layer (issue 16 item 7): the task-list keys j/k/x/c/e/# on the real TasksPage, the app-wide keys
 * (n, /, ?, g t, g d) through KeyboardLayer under a real TanStack router, and that none of them fires while the
 * user types or a dialog is open. Only fetch is faked.
 */
import type { Task } from '@primetrade/shared';
import {
  createMemoryHistory,
  createRootRoute,
  createRoute,
  createRouter,
  Outlet,
  RouterProvider,
} from '@tanstack/react-router';
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { TasksPage } from '../features/tasks/components/tasks-page';
import {
  dispatchCommand,
  resetCommandsForTests,
  SHORTCUTS,
  type ShortcutId,
  shortcutDescription,
} from '../lib/shortcuts';
import { type FetchCall, fakeFetch, ok, signIn } from '../test/network';
import { aTask, renderWithApp } from '../test/render';
import { KeyboardLayer } from './keyboard';

// happy-dom lays nothing out: give the list's scroll box a height so the virtualiser renders rows.
const clientHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 });
});
afterAll(() => {
  if (clientHeight) Object.defineProperty(HTMLElement.prototype, 'clientHeight', clientHeight);
});

let tasks: Task[];
let net: { calls: FetchCall[] };

beforeEach(() => {
  signIn();
  resetCommandsForTests();
  tasks = [aTask({ title: 'Alpha' }), aTask({ title: 'Bravo' }), aTask({ title: 'Charlie' })];
  net = fakeFetch(({ method, url, body }) => {
    const id = /\/tasks\/([^/?]+)/.exec(url)?.[1];
    const task = tasks.find((t) => t.id === id);
    if (method === 'GET' && url.startsWith('/api/v1/tasks?')) return ok(tasks);
    if (method === 'GET' && task) return ok(task, { headers: { etag: `"${task.version}"` } });
    if (method === 'PATCH' && task) return ok({ ...task, ...(body as object), version: task.version + 1 });
    if (method === 'DELETE' && task) return new Response(null, { status: 204 });
    return ok(null);
  });
});

const writes = () => net.calls.filter((c) => c.method !== 'GET');
const rowOf = (title: string) => screen.getByText(title).closest('li') as HTMLElement;

async function renderTasks() {
  const user = userEvent.setup();
  renderWithApp(<TasksPage search={{}} onSearchChange={vi.fn()} />);
  await screen.findByText('Charlie');
  return user;
}

describe('task list keys', () => {
  it('j / k move a roving focus over the rows (one Tab stop, real DOM focus)', async () => {
    const user = await renderTasks();
    expect(rowOf('Alpha')).toHaveAttribute('tabindex', '0');
    expect(rowOf('Bravo')).toHaveAttribute('tabindex', '-1');
    await user.keyboard('j');
    expect(rowOf('Alpha')).toHaveFocus();
    await user.keyboard('jj');
    expect(rowOf('Charlie')).toHaveFocus();
    await user.keyboard('j'); // stays on the last row
    expect(rowOf('Charlie')).toHaveFocus();
    await user.keyboard('k');
    expect(rowOf('Bravo')).toHaveFocus();
    expect(rowOf('Bravo')).toHaveAttribute('tabindex', '0');
    expect(rowOf('Bravo')).toHaveAttribute('aria-current', 'true');
    expect(rowOf('Alpha')).toHaveAttribute('tabindex', '-1');
  });

  it('x selects the focused row, c completes it, then c again reopens it', async () => {
    const user = await renderTasks();
    await user.keyboard('jjx');
    expect(screen.getByRole('checkbox', { name: 'Select “Bravo”' })).toBeChecked();
    expect(screen.getByText('1 selected')).toBeVisible();
    await user.keyboard('x');
    expect(screen.getByRole('checkbox', { name: 'Select “Bravo”' })).not.toBeChecked();

    await user.keyboard('c');
    await waitFor(() => expect(writes()).toHaveLength(1));
    expect(writes()[0]).toMatchObject({ method: 'PATCH', body: { status: 'completed' } });
    expect(writes()[0]!.url).toContain(tasks[1]!.id);
  });

  it('e opens the edit dialog of the focused row; Escape closes it and focus is back on the row', async () => {
    const user = await renderTasks();
    await user.keyboard('jje');
    const dialog = await screen.findByRole('dialog', { name: 'Edit task' });
    await waitFor(() => expect(dialog.querySelector('input[name="title"]')).toHaveValue('Bravo'));
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await waitFor(() => expect(rowOf('Bravo')).toHaveFocus());
  });

  it('# deletes the focused task at once (Undo replaces the confirmation) and focus moves to the next row', async () => {
    const user = await renderTasks();
    await user.keyboard('jj#'); // on Bravo
    await waitFor(() => expect(writes()).toHaveLength(1));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(writes()[0]).toMatchObject({ method: 'DELETE' });
    expect(writes()[0]!.url).toContain(tasks[1]!.id);
    expect(await screen.findByRole('button', { name: 'Undo' })).toBeVisible();
    await waitFor(() => expect(rowOf('Charlie')).toHaveFocus());
  });

  it('does nothing while typing in a field', async () => {
    const user = await renderTasks();
    const box = screen.getByRole('searchbox');
    await user.click(box);
    await user.keyboard('jjx#ce');
    expect(box).toHaveValue('jjx#ce');
    expect(box).toHaveFocus();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByRole('checkbox', { name: 'Select “Alpha”' })).not.toBeChecked();
    expect(writes()).toHaveLength(0);
  });

  it('does nothing to the list while a dialog is open', async () => {
    const user = await renderTasks();
    await user.keyboard('je');
    const dialog = await screen.findByRole('dialog', { name: 'Edit task' });
    await waitFor(() => expect(dialog.querySelector('input[name="title"]')).toHaveValue('Alpha'));
    (dialog.querySelector('button') as HTMLElement).focus(); // not a text field: only the dialog stops the keys
    await user.keyboard('c#x');
    expect(screen.getAllByRole('dialog')).toHaveLength(1);
    expect(writes()).toHaveLength(0);
  });

  it('a command sent before the page mounted (n from another screen) is run when it mounts', async () => {
    dispatchCommand({ type: 'new-task' });
    await renderTasks();
    expect(await screen.findByRole('dialog', { name: 'New task' })).toBeVisible();
  });
});

/** KeyboardLayer under a real router: /dashboard and /tasks (the real TasksPage). */
async function renderApp(path = '/dashboard') {
  const user = userEvent.setup();
  const root = createRootRoute({
    component: () => (
      <>
        <main>
          <Outlet />
        </main>
        <KeyboardLayer />
      </>
    ),
  });
  const dashboard = createRoute({
    getParentRoute: () => root,
    path: '/dashboard',
    component: () => <h1>Dashboard page</h1>,
  });
  const tasksRoute = createRoute({
    getParentRoute: () => root,
    path: '/tasks',
    component: () => <TasksPage search={{}} onSearchChange={vi.fn()} />,
  });
  const profile = createRoute({ getParentRoute: () => root, path: '/profile', component: () => <h1>Profile</h1> });
  const router = createRouter({
    routeTree: root.addChildren([dashboard, tasksRoute, profile]),
    history: createMemoryHistory({ initialEntries: [path] }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: a test router, not the app's registered one
  renderWithApp(<RouterProvider router={router as any} />);
  await screen.findByText(path === '/dashboard' ? 'Dashboard page' : 'Charlie');
  return { user, router };
}

describe('app-wide keys', () => {
  it('? opens the help overlay, which lists every shortcut of the catalogue; Escape closes it', async () => {
    const { user } = await renderApp();
    await user.keyboard('?');
    const help = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' });
    for (const id of Object.keys(SHORTCUTS) as ShortcutId[]) expect(help).toHaveTextContent(shortcutDescription(id));
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('g t goes to the tasks, g d back to the dashboard; a lone t or d does nothing', async () => {
    const { user, router } = await renderApp();
    await user.keyboard('t');
    expect(router.state.location.pathname).toBe('/dashboard');
    await user.keyboard('gt');
    await screen.findByText('Charlie');
    expect(router.state.location.pathname).toBe('/tasks');
    await user.keyboard('gd');
    await screen.findByText('Dashboard page');
  });

  it('n on the dashboard goes to the tasks and opens the new-task dialog', async () => {
    const { user, router } = await renderApp();
    await user.keyboard('n');
    expect(await screen.findByRole('dialog', { name: 'New task' })).toBeVisible();
    expect(router.state.location.pathname).toBe('/tasks');
  });

  it('/ focuses the search box without typing the slash into it', async () => {
    const { user } = await renderApp('/tasks');
    await user.keyboard('/');
    const box = screen.getByRole('searchbox');
    await waitFor(() => expect(box).toHaveFocus());
    expect(box).toHaveValue('');
  });

  it('letters typed in a field on another screen fire nothing (not even a g … t sequence)', async () => {
    const { user, router } = await renderApp();
    const input = document.createElement('input');
    document.body.append(input);
    act(() => input.focus());
    await user.keyboard('gtn?');
    expect(input).toHaveValue('gtn?');
    expect(router.state.location.pathname).toBe('/dashboard');
    expect(screen.queryByRole('dialog')).toBeNull();
    input.remove();
  });
});
