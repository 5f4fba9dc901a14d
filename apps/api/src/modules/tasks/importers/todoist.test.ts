/**
 * Todoist CSV importer on a fixture written from Todoist's documented template format (fixtures/todoist.csv):
 * every task row mapped, section and labels as tags, notes into the description, priorities 1 (p1, highest) →
 * urgent … 4 → low, dates in the row's TIMEZONE (across the 2026 DST change), an undated recurring text kept.
 */
import { describe, expect, it } from 'vitest';
import { checkDrafts } from '.';
import { fixtureText } from './fixtures';
import { importTodoist, todoistDate } from './todoist';

const fixture = fixtureText('todoist.csv');

describe('Todoist CSV importer', () => {
  it('maps the fixture: tasks, sections and labels as tags, notes, priorities, dates; bad rows reported', () => {
    const checked = checkDrafts(importTodoist(fixture));
    const byTitle = Object.fromEntries(checked.valid.map((v) => [v.task.title, { row: v.row, ...v.task }]));
    expect(Object.keys(byTitle)).toEqual([
      'Renew passport',
      'Pick up photos',
      'Water the ferns',
      'Order seeds, bulbs and "good" soil',
      'Plan the beds',
      'Call the plumber',
    ]);
    expect(byTitle['Renew passport']).toEqual({
      recurrence: null,
      reminders: [],
      row: 2,
      title: 'Renew passport',
      description: 'Photos first',
      status: 'pending',
      priority: 'urgent',
      dueDate: '2026-11-02T23:00:00.000Z', // midnight in Berlin (CET, +01:00)
      tags: ['errands', 'admin'],
    });
    expect(byTitle['Pick up photos']).toMatchObject({
      priority: 'low',
      dueDate: '2026-11-02T16:00:00.000Z',
      description: 'Comment: The shop closes at 6\n\nComment: Bring the old passport',
      tags: [],
    });
    expect(byTitle['Water the ferns']).toMatchObject({
      priority: 'high',
      dueDate: null,
      description: 'Todoist due: every monday at 9am',
      tags: ['garden-plans'],
    });
    // 29 March 2026: Berlin moves to CEST (+02:00) at 02:00, so 10:30 local is 08:30 UTC.
    expect(byTitle['Order seeds, bulbs and "good" soil']).toMatchObject({
      priority: 'medium',
      dueDate: '2026-03-29T08:30:00.000Z',
    });
    // Empty PRIORITY takes the default; an empty DATE falls back to DEADLINE (no TIMEZONE: UTC).
    expect(byTitle['Plan the beds']).toMatchObject({ priority: 'medium', dueDate: '2026-04-15T00:00:00.000Z' });
    expect(byTitle['Call the plumber']).toMatchObject({ dueDate: '2026-03-29T08:00:00.000Z', tags: ['garden-plans'] });

    expect(checked.failed).toEqual([
      { row: 11, errors: [expect.objectContaining({ path: 'title' })] },
      { row: 12, errors: [expect.objectContaining({ path: 'priority' })] },
      { row: 13, errors: [{ path: 'TYPE', message: 'Expected task, section, note or meta' }] },
    ]);
    expect(checked.skipped).toBe(0);
  });

  it('reads the documented date shapes and leaves the rest undated', () => {
    expect(todoistDate('2026-07-01', 'America/New_York')).toBe('2026-07-01T04:00:00.000Z');
    expect(todoistDate('2026-07-01T09:15', undefined)).toBe('2026-07-01T09:15:00.000Z');
    expect(todoistDate('5 October 2026 9:30 pm', 'UTC')).toBe('2026-10-05T21:30:00.000Z');
    expect(todoistDate('Oct 5, 2026', 'Not/AZone')).toBe('2026-10-05T00:00:00.000Z');
    for (const text of ['every day', 'tomorrow', 'next friday', '2026-02-31', 'Oct 5', 'Oct 5 2026 at 25pm']) {
      expect(todoistDate(text, 'UTC')).toBeUndefined();
    }
  });

  it('refuses a file that is not a Todoist CSV as a whole (400)', () => {
    expect(() => importTodoist('title,description\r\nx,y\r\n')).toThrow(/TYPE and CONTENT/);
    expect(() => importTodoist('TYPE,CONTENT\r\ntask,"unterminated\r\n')).toThrow(/Not a readable CSV/);
    expect(() => importTodoist({ not: 'text' })).toThrow(/text\/csv/);
  });
});
