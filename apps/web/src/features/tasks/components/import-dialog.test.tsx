// @vitest-environment happy-dom
/**
 * The import dialog: the format is detected from the file (Trello board, Todoist CSV, Vikunja zip, this app's
 * CSV), "Preview" sends a dry run and shows its counts, first rows and row errors, and only "Import N tasks" sends
 * the real import; a refused file shows the server's problem.
 */
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type FetchCall, fakeFetch, ok, problem, signIn } from '../../../test/network';
import { renderWithApp } from '../../../test/render';
import { detectImportFormat } from '../api/import-tasks';
import { ImportDialog } from './import-dialog';

const board = JSON.stringify({ name: 'Home', lists: [{ id: 'l1', name: 'To Do' }], cards: [{ name: 'Paint' }] });

const PREVIEW = {
  imported: 0,
  format: 'trello',
  dryRun: true,
  total: 4,
  valid: 2,
  skipped: 1,
  failed: [
    { row: 3, errors: [{ path: 'title', message: 'Too small: expected string to have >=1 characters' }] },
    { row: 4, errors: [{ path: 'due', message: 'Not a date-time' }] },
  ],
  preview: [
    {
      title: 'Paint the hallway',
      description: '',
      status: 'pending',
      priority: 'medium',
      dueDate: null,
      tags: ['home', 'to-do'],
    },
    { title: 'Buy brushes', description: '', status: 'completed', priority: 'high', dueDate: null, tags: ['home'] },
  ],
};

function importServer(answer: (call: FetchCall) => Response) {
  return fakeFetch((call) => (call.url.startsWith('/api/v1/tasks/import') ? answer(call) : ok([])));
}

async function openDialog() {
  renderWithApp(<ImportDialog open onOpenChange={vi.fn()} />);
  const dialog = await screen.findByRole('dialog', { name: 'Import tasks' });
  return { dialog, user: userEvent.setup() };
}

describe('import dialog', () => {
  beforeEach(signIn);

  it('detects Trello, previews with a dry run (counts, first rows, errors), imports only on confirm', async () => {
    const net = importServer((call) =>
      call.url.includes('dryRun=true')
        ? ok(PREVIEW)
        : ok({ ...PREVIEW, preview: undefined, dryRun: false, imported: 2 }),
    );
    const { dialog, user } = await openDialog();

    await user.upload(within(dialog).getByLabelText('File'), new File([board], 'board.json', { type: '' }));
    await waitFor(() => expect(within(dialog).getByLabelText('Format')).toHaveValue('trello'));
    expect(within(dialog).getByText(/Detected from the file: Trello/)).toBeInTheDocument();

    await user.click(within(dialog).getByRole('button', { name: 'Preview' }));
    const preview = await within(dialog).findByRole('region', { name: 'Import preview' });
    expect(net.calls).toHaveLength(1);
    expect(net.calls[0]?.url).toBe('/api/v1/tasks/import?format=trello&dryRun=true');
    expect(net.calls[0]?.headers.get('content-type')).toBe('application/json');

    expect(preview).toHaveTextContent(
      '4 tasks found: 2 ready to import, 2 with errors (left out), 1 archived (skipped).',
    );
    const rows = within(within(preview).getByRole('table')).getAllByRole('row');
    expect(rows.map((r) => r.textContent)).toEqual([
      'TitleStatusPriorityDueTags',
      'Paint the hallwayPendingMedium—home, to-do',
      'Buy brushesCompletedHigh—home',
    ]);
    const errors = within(preview).getByRole('list', { name: 'Rows with errors' });
    expect(
      within(errors)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['Row 3: title: Too small: expected string to have >=1 characters', 'Row 4: due: Not a date-time']);

    await user.click(within(dialog).getByRole('button', { name: 'Import 2 tasks' }));
    expect(await within(dialog).findByRole('status')).toHaveTextContent('Imported 2 tasks; 2 rows refused:');
    const writes = net.calls.filter((c) => c.url.startsWith('/api/v1/tasks/import'));
    expect(writes.map((c) => c.url)).toEqual([
      '/api/v1/tasks/import?format=trello&dryRun=true',
      '/api/v1/tasks/import?format=trello',
    ]);
  });

  it('shows the problem of a refused file and imports nothing', async () => {
    const net = importServer(() =>
      problem(400, 'VALIDATION_FAILED', 'Not a Todoist CSV: the header row must name TYPE and CONTENT columns'),
    );
    const { dialog, user } = await openDialog();
    await user.upload(
      within(dialog).getByLabelText('File'),
      new File(['title\nx\n'], 'tasks.csv', { type: 'text/csv' }),
    );
    await user.selectOptions(within(dialog).getByLabelText('Format'), 'todoist');
    await user.click(within(dialog).getByRole('button', { name: 'Preview' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(/TYPE and CONTENT/);
    expect(within(dialog).queryByRole('region', { name: 'Import preview' })).toBeNull();
    expect(within(dialog).queryByRole('button', { name: /^Import/ })).toBeNull();
    expect(net.calls.map((c) => c.url)).toEqual(['/api/v1/tasks/import?format=todoist&dryRun=true']);
  });

  it('detects each format from the file content', async () => {
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0]);
    expect(await detectImportFormat(new File([zip], 'export.bin'))).toBe('vikunja');
    expect(await detectImportFormat(new File(['[{"id":1,"title":"Inbox","tasks":[]}]'], 'data.json'))).toBe('vikunja');
    expect(await detectImportFormat(new File([board], 'x.json'))).toBe('trello');
    expect(await detectImportFormat(new File(['TYPE,CONTENT,PRIORITY\r\ntask,a,1\r\n'], 'p.csv'))).toBe('todoist');
    expect(await detectImportFormat(new File(['title,tags\nA,x\n'], 't.csv'))).toBe('native');
    expect(await detectImportFormat(new File(['[{"title":"a"}]'], 't.json'))).toBe('native');
    expect(await detectImportFormat(new File(['{not json'], 't.json'))).toBe('native');
  });
});
