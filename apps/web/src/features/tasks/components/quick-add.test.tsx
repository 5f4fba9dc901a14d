// @vitest-environment happy-dom
import { createTaskBody, type ParsedTask, type Task } from '@primetrade/shared';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, ok } from '../../../test/network';
import { aTask, renderWithApp } from '../../../test/render';
import type { ParsedText } from '../api/parse-task';
import { QuickAdd, QuickAddPreview } from './quick-add';
import { describeRule, segments } from './quick-add-draft';

const PROJECT = '7d1f6f8e-2c4b-4f7a-9a51-3f0b8e2d4c11';

/** What the server answers for the lines these tests type. */
const ANSWERS: Record<string, ParsedTask> = {
  'review PR next friday !urgent #work': {
    draft: {
      title: 'review PR',
      dueDate: '2030-01-11T23:59:00Z',
      priority: 'urgent',
      tags: ['work'],
      projectId: null,
      recurrence: null,
    },
    spans: [
      { start: 10, end: 21, field: 'dueDate' },
      { start: 22, end: 29, field: 'priority' },
      { start: 30, end: 35, field: 'tags' },
    ],
  },
  'Pay rent every 1st 9am #home p1': {
    draft: {
      title: 'Pay rent',
      dueDate: '2030-02-01T09:00:00Z',
      priority: 'urgent',
      tags: ['home'],
      projectId: null,
      recurrence: { rule: 'FREQ=MONTHLY;BYMONTHDAY=1', mode: 'due' },
    },
    spans: [
      { start: 9, end: 18, field: 'recurrence' },
      { start: 19, end: 22, field: 'dueDate' },
      { start: 23, end: 28, field: 'tags' },
      { start: 29, end: 31, field: 'priority' },
    ],
  },
  '#a p1': {
    draft: { title: '', dueDate: null, priority: 'urgent', tags: ['a'], projectId: null, recurrence: null },
    spans: [
      { start: 0, end: 2, field: 'tags' },
      { start: 3, end: 5, field: 'priority' },
    ],
  },
};

function server() {
  return fakeFetch(({ url, method, body }) => {
    if (url === '/api/v1/tasks/parse' && method === 'POST') {
      const text = (body as { text: string }).text;
      const answer = ANSWERS[text] ?? {
        draft: { title: text, dueDate: null, priority: null, tags: [], projectId: null, recurrence: null },
        spans: [],
      };
      return ok(answer);
    }
    if (url === '/api/v1/tasks' && method === 'POST') return ok(aTask(body as Partial<Task>), { status: 201 });
    return ok([]);
  });
}

const marks = (el: HTMLElement) =>
  [...el.querySelectorAll('mark')].map((m) => `${m.getAttribute('data-field')}:${m.textContent}`);

describe('quick-add preview', () => {
  it('marks exactly the spans (UTF-16 offsets, a surrogate pair counting 2) and names each field', () => {
    const parsed: ParsedText = {
      text: '🎉 party friday 8pm #fun every monday',
      draft: {
        title: '🎉 party',
        dueDate: '2030-01-04T20:00:00Z',
        priority: null,
        tags: ['fun'],
        projectId: PROJECT,
        recurrence: { rule: 'FREQ=WEEKLY;BYDAY=MO', mode: 'due' },
      },
      spans: [
        { start: 9, end: 19, field: 'dueDate' },
        { start: 20, end: 24, field: 'tags' },
        { start: 25, end: 37, field: 'recurrence' },
      ],
    };
    renderWithApp(<QuickAddPreview parsed={parsed} />);
    const line = screen.getByTestId('quick-add-highlight');
    expect(line).toHaveTextContent(parsed.text);
    expect(marks(line)).toEqual(['dueDate:friday 8pm', 'tags:#fun', 'recurrence:every monday']);
    const chips = within(screen.getByRole('list', { name: 'Recognised' }));
    expect(chips.getByText('Title: 🎉 party')).toBeVisible();
    expect(chips.getByText('#fun')).toBeVisible();
    expect(chips.getByText('Every Monday')).toBeVisible();
    expect(chips.getByText(/^Due /)).toBeVisible();
  });

  it('cuts the text at the spans and leaves the rest unmarked', () => {
    expect(
      segments('a #b c', [
        { start: 2, end: 4, field: 'tags' },
        { start: 0, end: 1, field: 'priority' },
      ]),
    ).toEqual([
      { text: 'a', field: 'priority' },
      { text: ' ', field: null },
      { text: '#b', field: 'tags' },
      { text: ' c', field: null },
    ]);
  });

  it('says rules in words', () => {
    expect(describeRule('FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR')).toBe('Every weekday');
    expect(describeRule('FREQ=WEEKLY;INTERVAL=2')).toBe('Every 2 weeks');
    expect(describeRule('FREQ=MONTHLY;BYMONTHDAY=1')).toBe('Every month on day 1');
    expect(describeRule('FREQ=MONTHLY;BYMONTHDAY=-1')).toBe('Every month on the last day');
    expect(describeRule('FREQ=WEEKLY;BYDAY=TU,TH')).toBe('Every Tuesday, Thursday');
    expect(describeRule('FREQ=YEARLY')).toBe('Every year');
  });
});

describe('quick-add box', () => {
  beforeEach(() => {
    // The CSRF cookie a signed-in browser holds.
    // biome-ignore lint/suspicious/noDocumentCookie: the test sets the cookie the server would have set
    document.cookie = 'csrf_token=test-csrf; path=/';
  });

  it('asks the server once typing pauses, shows the preview, and Enter creates the task from the draft', async () => {
    const net = server();
    const onDone = vi.fn();
    renderWithApp(<QuickAdd onDone={onDone} />);
    const box = screen.getByLabelText('Quick add');
    await waitFor(() => expect(box).toHaveFocus());
    const user = userEvent.setup();
    const line = 'review PR next friday !urgent #work';
    await user.type(box, line);

    const preview = await screen.findByTestId('quick-add-preview', {}, { timeout: 5000 });
    expect(marks(within(preview).getByTestId('quick-add-highlight'))).toEqual([
      'dueDate:next friday',
      'priority:!urgent',
      'tags:#work',
    ]);
    expect(within(preview).getByText('Priority: Urgent')).toBeVisible();
    const parses = net.calls.filter((c) => c.url === '/api/v1/tasks/parse');
    // Debounced: far fewer requests than keystrokes (one per pause).
    expect(parses.length).toBeGreaterThan(0);
    expect(parses.length).toBeLessThan(line.length / 4);
    expect(parses.at(-1)!.body).toEqual({ text: line });

    await user.keyboard('{Enter}');
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    const creates = net.calls.filter((c) => c.url === '/api/v1/tasks' && c.method === 'POST');
    expect(creates).toHaveLength(1);
    expect(creates[0]!.body).toMatchObject({
      title: 'review PR',
      priority: 'urgent',
      dueDate: '2030-01-11T23:59:00Z',
      tags: ['work'],
    });
    expect(creates[0]!.headers.get('idempotency-key')).toBeTruthy();
  });

  it('Enter before the preview arrives reads the line at once, and the recurrence it recognised is sent with the task', async () => {
    const net = server();
    const onDone = vi.fn();
    renderWithApp(<QuickAdd onDone={onDone} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Quick add'), 'Pay rent every 1st 9am #home p1{Enter}');
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    const creates = net.calls.filter((c) => c.url === '/api/v1/tasks' && c.method === 'POST');
    expect(creates).toHaveLength(1);
    expect(creates[0]!.body).toMatchObject({ title: 'Pay rent', priority: 'urgent', tags: ['home'] });
    // The create contract takes a recurrence (issue 17 item 1): the draft's is sent, and the body is one it accepts.
    expect(creates[0]!.body).toMatchObject({ recurrence: { rule: 'FREQ=MONTHLY;BYMONTHDAY=1', mode: 'due' } });
    expect(createTaskBody.parse(creates[0]!.body).recurrence).toEqual({
      rule: 'FREQ=MONTHLY;BYMONTHDAY=1',
      mode: 'due',
    });
  });

  it('shows the rule without a "not saved" notice, and refuses a line with no title words', async () => {
    const net = server();
    const onDone = vi.fn();
    renderWithApp(<QuickAdd onDone={onDone} />);
    const user = userEvent.setup();
    const box = screen.getByLabelText('Quick add');
    await user.type(box, 'Pay rent every 1st 9am #home p1');
    expect(await screen.findByText('Every month on day 1', {}, { timeout: 5000 })).toBeVisible();
    // Saved with the task now: no "not saved yet" notice.
    expect(screen.queryByTestId('quick-add-unsent')).not.toBeInTheDocument();
    await user.clear(box);
    await user.type(box, '#a p1{Enter}');
    expect(await screen.findByText('Title: Required')).toBeVisible();
    expect(net.calls.filter((c) => c.url === '/api/v1/tasks' && c.method === 'POST')).toHaveLength(0);
    expect(onDone).not.toHaveBeenCalled();
  });
});
