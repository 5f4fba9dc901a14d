// @vitest-environment happy-dom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLanguage } from '../../../lib/i18n';
import { taskEtag } from '../../../lib/offline/etag';
import { type FetchCall, fakeFetch, ok, problem, signIn } from '../../../test/network';
import { aTask, renderWithApp } from '../../../test/render';
import { CalendarPage } from './calendar-page';

const BERLIN = 'Europe/Berlin';

/** A server holding `tasks`: GET /tasks answers those due in [dueAfter, dueBefore]; PATCH answers `patch(call)`. */
function server(tasks: ReturnType<typeof aTask>[], patch?: (call: FetchCall) => Response) {
  return fakeFetch((call) => {
    const url = new URL(call.url, 'http://x');
    if (call.method === 'GET' && url.pathname === '/api/v1/tasks') {
      const after = url.searchParams.get('dueAfter');
      const before = url.searchParams.get('dueBefore');
      const data = tasks.filter((t) => t.dueDate && (!after || t.dueDate >= after) && (!before || t.dueDate <= before));
      return new Response(
        JSON.stringify({ success: true, data, meta: { limit: 100, hasMore: false, nextCursor: null } }),
        {
          headers: { 'content-type': 'application/json' },
        },
      );
    }
    if (call.method === 'PATCH' && patch) return patch(call);
    return problem(404, 'NOT_FOUND', 'no');
  });
}

const render = (props: Partial<Parameters<typeof CalendarPage>[0]> = {}) => {
  const onOpenTask = vi.fn();
  const onNewTask = vi.fn();
  const r = renderWithApp(
    <CalendarPage timeZone={BERLIN} onOpenTask={onOpenTask} onNewTask={onNewTask} initialDay="2026-03-25" {...props} />,
  );
  return { ...r, onOpenTask, onNewTask };
};

const cell = (ymd: string) => document.querySelector<HTMLElement>(`[data-date="${ymd}"]`) as HTMLElement;

describe('the calendar', () => {
  beforeEach(signIn);
  afterEach(() => setLanguage('en', { remember: false }));

  it('an accessible month grid: Sunday first in English, Monday first in German, day labels from Intl', async () => {
    server([]);
    render();
    const grid = screen.getByRole('grid');
    expect(within(grid).getAllByRole('columnheader')[0]).toHaveTextContent('Sun');
    expect(screen.getByTestId('calendar-title')).toHaveTextContent('March 2026');
    // March 2026 with Sunday first: Sun 1 Mar … Sat 4 Apr, five rows of seven.
    const cells = within(grid).getAllByRole('gridcell');
    expect(cells).toHaveLength(35);
    expect(cells[0]).toHaveAttribute('data-date', '2026-03-01');
    expect(cell('2026-03-25')).toHaveAccessibleName('Wednesday, March 25, 2026, 0 tasks');
    expect(cell('2026-03-25')).toHaveAttribute('tabindex', '0');
    expect(cell('2026-03-24')).toHaveAttribute('tabindex', '-1');

    await act(() => setLanguage('de', { remember: false }));
    expect(within(screen.getByRole('grid')).getAllByRole('columnheader')[0]).toHaveTextContent('Mo');
    expect(screen.getByTestId('calendar-title')).toHaveTextContent('März 2026');
    expect(screen.getAllByRole('gridcell')[0]).toHaveAttribute('data-date', '2026-02-23');
    expect(cell('2026-03-25')).toHaveAccessibleName('Mittwoch, 25. März 2026, 0 Aufgaben');
  });

  it('shows tasks on their day in the zone (late evening UTC is the next day in Berlin) and ghosts of a weekly rule', async () => {
    const late = aTask({ title: 'Late call', dueDate: '2026-03-24T23:30:00.000Z' }); // 00:30 on the 25th in Berlin
    const weekly = aTask({ title: 'Standup', dueDate: '2026-03-23T08:00:00.000Z' });
    Object.assign(weekly, { recurrence: { rule: 'FREQ=WEEKLY', mode: 'due' } });
    server([late, weekly]);
    const { onOpenTask } = render();
    await waitFor(() => expect(within(cell('2026-03-25')).getByText('Late call')).toBeInTheDocument());
    expect(within(cell('2026-03-23')).getByTestId('calendar-task')).toHaveTextContent('Standup');
    expect(cell('2026-03-25')).toHaveAccessibleName('Wednesday, March 25, 2026, 1 task 12:30 AM Late call');
    const ghosts = screen.getAllByTestId('calendar-occurrence');
    // The visible days end on Sat 4 April: one later Monday.
    expect(ghosts.map((g) => g.closest('td')?.dataset.date)).toEqual(['2026-03-30']);
    expect(ghosts[0]).toHaveAccessibleName('Repeats: 9:00 AM Standup');
    fireEvent.click(ghosts[0] as HTMLElement);
    expect(onOpenTask).toHaveBeenCalledWith(weekly.id);
  });

  it('keyboard: arrows move the focus between days, Page Down turns the month, Enter opens a new task at 09:00 that day', async () => {
    server([]);
    const { onNewTask } = render();
    cell('2026-03-25').focus();
    fireEvent.keyDown(cell('2026-03-25'), { key: 'ArrowRight' });
    await waitFor(() => expect(document.activeElement).toBe(cell('2026-03-26')));
    fireEvent.keyDown(cell('2026-03-26'), { key: 'ArrowDown' });
    await waitFor(() => expect(document.activeElement).toBe(cell('2026-04-02')));
    // 2 April is outside March: the page follows the focus to April.
    expect(screen.getByTestId('calendar-title')).toHaveTextContent('April 2026');
    fireEvent.keyDown(cell('2026-04-02'), { key: 'PageDown' });
    await waitFor(() => expect(document.activeElement).toBe(cell('2026-05-02')));
    expect(screen.getByTestId('calendar-title')).toHaveTextContent('May 2026');
    fireEvent.keyDown(cell('2026-05-02'), { key: 'PageUp' });
    fireEvent.keyDown(document.activeElement as HTMLElement, { key: 'ArrowLeft' });
    await waitFor(() => expect(document.activeElement).toBe(cell('2026-04-01')));
    fireEvent.keyDown(cell('2026-04-01'), { key: 'Enter' });
    expect(onNewTask).toHaveBeenCalledWith('2026-04-01T07:00:00.000Z'); // 09:00 CEST
    fireEvent.click(cell('2026-03-30'));
    expect(onNewTask).toHaveBeenLastCalledWith('2026-03-30T07:00:00.000Z');
  });

  it('the week view shows seven days and steps by a week', async () => {
    server([]);
    render({ initialView: 'week' });
    expect(screen.getAllByRole('gridcell').map((c) => c.dataset.date)).toEqual([
      '2026-03-22',
      '2026-03-23',
      '2026-03-24',
      '2026-03-25',
      '2026-03-26',
      '2026-03-27',
      '2026-03-28',
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Next week' }));
    expect(screen.getAllByRole('gridcell')[0]).toHaveAttribute('data-date', '2026-03-29');
  });
});

/**
 * A drag with the pointer: happy-dom lays nothing out, so every day cell gets a 100×100 box in a row by its place in
 * the grid (and a task its cell's box), which is all dnd-kit's pointer sensor and `pointerWithin` read.
 */
function layOut() {
  const boxOf = (el: Element): DOMRect => {
    const td = el.closest('td[data-date]');
    const cells = [...document.querySelectorAll('td[data-date]')];
    const i = td ? cells.indexOf(td) : -1;
    if (i < 0) return new DOMRect(0, 0, 0, 0);
    return new DOMRect(i * 100, 0, 100, 100);
  };
  vi.spyOn(Element.prototype, 'getBoundingClientRect').mockImplementation(function (this: Element) {
    return boxOf(this);
  });
}

async function drag(from: HTMLElement, toCell: HTMLElement) {
  const a = from.getBoundingClientRect();
  const b = toCell.getBoundingClientRect();
  const start = { clientX: a.left + 10, clientY: a.top + 10 };
  fireEvent.pointerDown(from, { ...start, button: 0, isPrimary: true, pointerId: 1 });
  await act(async () => {
    fireEvent.pointerMove(document, { clientX: start.clientX + 20, clientY: start.clientY, pointerId: 1 });
    await new Promise((r) => setTimeout(r, 20));
    fireEvent.pointerMove(document, { clientX: b.left + 50, clientY: b.top + 50, pointerId: 1 });
    await new Promise((r) => setTimeout(r, 20));
  });
  await act(async () => {
    fireEvent.pointerUp(document, { clientX: b.left + 50, clientY: b.top + 50, pointerId: 1 });
  });
}

describe('dragging a task to another day', () => {
  beforeEach(() => {
    signIn();
    layOut();
  });
  afterEach(() => vi.restoreAllMocks());

  it('sends PATCH { dueDate } on the new day at the same wall-clock time (across DST), with If-Match', async () => {
    const task = aTask({ title: 'Dentist', dueDate: '2026-03-27T13:45:00.000Z', version: 4 }); // Fri 14:45 CET
    const net = server([task], (call) =>
      ok({ ...task, dueDate: (call.body as { dueDate: string }).dueDate, version: 5 }, { headers: { etag: '"x"' } }),
    );
    render();
    const chip = await screen.findByText('Dentist');
    await drag(chip.closest('button') as HTMLElement, cell('2026-03-31'));
    await waitFor(() => expect(net.calls.filter((c) => c.method === 'PATCH')).toHaveLength(1));
    const patch = net.calls.find((c) => c.method === 'PATCH') as FetchCall;
    expect(patch.url).toBe(`/api/v1/tasks/${task.id}`);
    expect(patch.body).toEqual({ dueDate: '2026-03-31T12:45:00.000Z' }); // Tue 14:45 CEST
    expect(patch.headers.get('if-match')).toBe(await taskEtag(task.id, 4));
    await waitFor(() => expect(within(cell('2026-03-31')).getByText('Dentist')).toBeInTheDocument());
  });

  it('on 412 the calendar refetches, puts the task back where the server has it and says why', async () => {
    const task = aTask({ title: 'Dentist', dueDate: '2026-03-27T13:45:00.000Z', version: 4 });
    const net = server([task], () => problem(412, 'PRECONDITION_FAILED', 'changed'));
    render();
    const chip = await screen.findByText('Dentist');
    const gets = () => net.calls.filter((c) => c.method === 'GET').length;
    const before = gets();
    await drag(chip.closest('button') as HTMLElement, cell('2026-03-31'));
    await screen.findByText(/changed somewhere else/);
    await waitFor(() => expect(gets()).toBeGreaterThan(before));
    await waitFor(() => expect(within(cell('2026-03-27')).getByText('Dentist')).toBeInTheDocument());
  });

  it('a ghost occurrence is not draggable', async () => {
    const weekly = aTask({ title: 'Standup', dueDate: '2026-03-23T08:00:00.000Z' });
    Object.assign(weekly, { recurrence: { rule: 'FREQ=WEEKLY', mode: 'due' } });
    const net = server([weekly], () => ok(weekly));
    render();
    const ghost = (await screen.findAllByTestId('calendar-occurrence'))[0] as HTMLElement;
    expect(ghost).not.toHaveAttribute('aria-roledescription');
    await drag(ghost, cell('2026-03-31'));
    expect(net.calls.filter((c) => c.method === 'PATCH')).toHaveLength(0);
  });
});
