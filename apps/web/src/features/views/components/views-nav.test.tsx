// @vitest-environment happy-dom
import type { SavedView } from '@primetrade/shared';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { type FetchCall, fakeFetch, ok, problem, signIn } from '../../../test/network';
import { renderWithApp } from '../../../test/render';
import { moved } from '../api/views';
import { SaveViewButton } from './save-view-button';
import { checkViewName, type ViewLink, ViewsNav } from './views-nav';

/** The app passes a router link; here a plain anchor that shows the query it was given. */
const Link: ViewLink = ({ query, className, children }) => (
  <a href={`/tasks?${query}`} className={className}>
    {children}
  </a>
);

const view = (name: string, position: number, query = `tag=${name.toLowerCase()}`): SavedView => ({
  id: `00000000-0000-4000-8000-${String(position + 1).padStart(12, '0')}`,
  name,
  query,
  position,
  createdAt: '2030-01-01T10:00:00.000Z',
  updatedAt: '2030-01-01T10:00:00.000Z',
});

/** A tiny in-memory /views: GET lists, PATCH renames/moves (dense positions), DELETE removes, POST appends. */
function fakeViews(initial: SavedView[]) {
  let views = [...initial];
  const net = fakeFetch((call: FetchCall) => {
    const id = call.url.match(/\/views\/([^/?]+)/)?.[1];
    if (call.method === 'GET') return ok(views);
    if (call.method === 'POST') {
      const body = call.body as { name: string; query: string };
      if (body.query.includes('status=done')) return problem(400, 'VALIDATION_FAILED', 'The request is not valid');
      const created = view(body.name, views.length, body.query);
      views = [...views, created];
      return ok(created, { status: 201 });
    }
    const current = views.find((v) => v.id === id);
    if (!current) return problem(404, 'NOT_FOUND', 'View not found');
    if (call.method === 'DELETE') {
      views = moved(views, current.id, 0).filter((v) => v.id !== id);
      views = views.map((v, i) => ({ ...v, position: i }));
      return new Response(null, { status: 204 });
    }
    const patch = call.body as { name?: string; position?: number };
    if (patch.name) views = views.map((v) => (v.id === id ? { ...v, name: patch.name! } : v));
    if (patch.position !== undefined) views = moved(views, current.id, patch.position);
    return ok(views.find((v) => v.id === id));
  });
  return { net, names: () => views.map((v) => v.name) };
}

const savedNames = () => screen.getAllByTestId('saved-view').map((li) => within(li).getByRole('link').textContent);

describe('ViewsNav', () => {
  beforeEach(() => signIn());

  it('lists All tasks, Today and Upcoming, then the saved views in their order, each a link to its query', async () => {
    fakeViews([view('Work', 0), view('Home', 1)]);
    renderWithApp(<ViewsNav Link={Link} />);
    await screen.findByRole('link', { name: 'Work' });
    const nav = screen.getByRole('navigation', { name: 'Lists' });
    expect(
      within(nav)
        .getAllByRole('link')
        .map((a) => a.getAttribute('href')),
    ).toEqual(['/tasks?', '/tasks?view=today', '/tasks?view=upcoming', '/tasks?tag=work', '/tasks?tag=home']);
  });

  it('says how to make one when there is none', async () => {
    fakeViews([]);
    renderWithApp(<ViewsNav Link={Link} />);
    await screen.findByText(/Filter the task list, then choose “Save view”/);
  });

  it('moves a view down and up from its menu with the keyboard only (PATCH position), first and last ends disabled', async () => {
    const server = fakeViews([view('Work', 0), view('Home', 1), view('Errands', 2)]);
    renderWithApp(<ViewsNav Link={Link} />);
    await screen.findByRole('link', { name: 'Work' });
    const user = userEvent.setup();
    screen.getByRole('button', { name: 'Options for the view “Work”' }).focus();
    await user.keyboard('{Enter}');
    const menu = await screen.findByRole('menu');
    expect(within(menu).getByRole('menuitem', { name: 'Move up' })).toHaveAttribute('data-disabled');
    // Rename… has focus; ArrowDown skips the disabled Move up.
    await user.keyboard('{ArrowDown}');
    expect(within(menu).getByRole('menuitem', { name: 'Move down' })).toHaveFocus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(savedNames()).toEqual(['Home', 'Work', 'Errands']));
    await waitFor(() => expect(server.names()).toEqual(['Home', 'Work', 'Errands']));
    const patch = server.net.calls.find((c) => c.method === 'PATCH');
    expect(patch?.body).toEqual({ position: 1 });

    screen.getByRole('button', { name: 'Options for the view “Errands”' }).focus();
    await user.keyboard('{Enter}');
    const last = await screen.findByRole('menu');
    expect(within(last).getByRole('menuitem', { name: 'Move down' })).toHaveAttribute('data-disabled');
    await user.click(within(last).getByRole('menuitem', { name: 'Move up' }));
    await waitFor(() => expect(server.names()).toEqual(['Home', 'Errands', 'Work']));
    await waitFor(() => expect(savedNames()).toEqual(['Home', 'Errands', 'Work']));
  });

  it('renames a view; an empty name is refused before any request', async () => {
    const server = fakeViews([view('Work', 0)]);
    renderWithApp(<ViewsNav Link={Link} />);
    await screen.findByRole('link', { name: 'Work' });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Options for the view “Work”' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Rename…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Rename view' });
    const name = within(dialog).getByLabelText('Name');
    expect(name).toHaveValue('Work');
    await user.clear(name);
    await user.click(within(dialog).getByRole('button', { name: 'Rename' }));
    expect(within(dialog).getByRole('alert')).toHaveTextContent('Give the view a name');
    expect(server.net.calls.some((c) => c.method === 'PATCH')).toBe(false);
    await user.type(name, '  Deep work ');
    expect(within(dialog).queryByRole('alert')).toBeNull();
    await user.click(within(dialog).getByRole('button', { name: 'Rename' }));
    await screen.findByRole('link', { name: 'Deep work' });
    expect(server.net.calls.find((c) => c.method === 'PATCH')?.body).toEqual({ name: 'Deep work' });
  });

  it('deletes a view after a confirmation', async () => {
    const server = fakeViews([view('Work', 0), view('Home', 1)]);
    renderWithApp(<ViewsNav Link={Link} />);
    await screen.findByRole('link', { name: 'Work' });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Options for the view “Work”' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Delete…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete the view “Work”?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete view' }));
    await waitFor(() => expect(savedNames()).toEqual(['Home']));
    expect(server.names()).toEqual(['Home']);
  });
});

describe('SaveViewButton', () => {
  beforeEach(() => signIn());

  it('saves the current query under a name, and the sidebar shows it', async () => {
    const server = fakeViews([]);
    renderWithApp(
      <>
        <SaveViewButton query="status=pending&tag=work" />
        <ViewsNav Link={Link} />
      </>,
    );
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Save view' }));
    const dialog = await screen.findByRole('dialog', { name: 'Save this view' });
    await user.type(within(dialog).getByLabelText('Name'), 'Open work');
    await user.click(within(dialog).getByRole('button', { name: 'Save view' }));
    await screen.findByRole('link', { name: 'Open work' });
    expect(server.net.calls.find((c) => c.method === 'POST')?.body).toEqual({
      name: 'Open work',
      query: 'status=pending&tag=work',
    });
  });

  it('is disabled while the list has no filter or sort to save', () => {
    fakeViews([]);
    renderWithApp(<SaveViewButton query="" />);
    expect(screen.getByRole('button', { name: 'Save view' })).toBeDisabled();
  });

  it('shows the server refusing the query and keeps the dialog open', async () => {
    fakeViews([]);
    renderWithApp(<SaveViewButton query="status=done" />);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Save view' }));
    const dialog = await screen.findByRole('dialog', { name: 'Save this view' });
    await user.type(within(dialog).getByLabelText('Name'), 'Broken');
    await user.click(within(dialog).getByRole('button', { name: 'Save view' }));
    await screen.findByText(/Not saved/);
    expect(screen.getByRole('dialog', { name: 'Save this view' })).toBeInTheDocument();
  });
});

describe('view names and order', () => {
  it('checkViewName trims and bounds the name like the API (1–60)', () => {
    expect(checkViewName('  Work ')).toEqual({ name: 'Work' });
    expect(checkViewName('   ').error).toBeDefined();
    expect(checkViewName('x'.repeat(60)).error).toBeUndefined();
    expect(checkViewName('x'.repeat(61)).error).toBeDefined();
  });

  it('moved() puts one view at an index and renumbers the positions densely', () => {
    const list = [view('A', 0), view('B', 1), view('C', 2)];
    expect(moved(list, list[2]!.id, 0).map((v) => [v.name, v.position])).toEqual([
      ['C', 0],
      ['A', 1],
      ['B', 2],
    ]);
    expect(moved(list, list[0]!.id, 99).map((v) => v.name)).toEqual(['B', 'C', 'A']);
  });
});
