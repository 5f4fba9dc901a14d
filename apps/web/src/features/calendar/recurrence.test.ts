import { describe, expect, it } from 'vitest';
import { projectOccurrences, recurrenceOf } from './recurrence';

const BERLIN = 'Europe/Berlin';
const task = (recurrence: unknown, dueDate: string | null = '2026-03-23T08:00:00.000Z') => ({
  id: 't1',
  dueDate,
  recurrence,
});

describe('recurring occurrences in the visible days', () => {
  it('projects a weekly Monday/Thursday 09:00 rule after the task itself, at 09:00 across the DST change', () => {
    const occ = projectOccurrences(
      task({ rule: 'FREQ=WEEKLY;BYDAY=MO,TH', mode: 'due' }),
      '2026-03-23',
      '2026-04-05',
      BERLIN,
    );
    expect(occ.map((o) => [o.day, o.dueDate])).toEqual([
      ['2026-03-26', '2026-03-26T08:00:00.000Z'], // Thu 09:00 CET
      ['2026-03-30', '2026-03-30T07:00:00.000Z'], // Mon 09:00 CEST
      ['2026-04-02', '2026-04-02T07:00:00.000Z'],
    ]);
    expect(occ.every((o) => o.taskId === 't1')).toBe(true);
  });

  it('accepts the RRULE: prefix, INTERVAL, and stops at until and count', () => {
    const every2 = projectOccurrences(
      task({ rule: 'RRULE:FREQ=WEEKLY;INTERVAL=2', mode: 'due' }),
      '2026-03-01',
      '2026-04-30',
      BERLIN,
    );
    expect(every2.map((o) => o.day)).toEqual(['2026-04-06', '2026-04-20']);
    const until = projectOccurrences(
      task({ rule: 'FREQ=DAILY', mode: 'due', until: '2026-03-25T22:00:00.000Z' }),
      '2026-03-01',
      '2026-04-30',
      BERLIN,
    );
    expect(until.map((o) => o.day)).toEqual(['2026-03-24', '2026-03-25']);
    // count includes the task's own occurrence.
    const count = projectOccurrences(
      task({ rule: 'FREQ=DAILY', mode: 'due', count: 3 }),
      '2026-03-01',
      '2026-04-30',
      BERLIN,
    );
    expect(count.map((o) => o.day)).toEqual(['2026-03-24', '2026-03-25']);
  });

  it('projects only what falls in the range, also for a task due before it', () => {
    const occ = projectOccurrences(
      task({ rule: 'FREQ=MONTHLY;BYMONTHDAY=1', mode: 'completion' }, '2026-01-01T08:00:00.000Z'),
      '2026-03-30',
      '2026-05-03',
      BERLIN,
    );
    expect(occ.map((o) => o.dueDate)).toEqual(['2026-04-01T07:00:00.000Z', '2026-05-01T07:00:00.000Z']);
  });

  it('nothing without a (valid) recurrence or a due date; the type guard reads the contract shape', () => {
    expect(projectOccurrences(task(null), '2026-03-01', '2026-04-30', BERLIN)).toEqual([]);
    expect(
      projectOccurrences({ id: 'x', dueDate: '2026-03-23T08:00:00Z' }, '2026-03-01', '2026-04-30', BERLIN),
    ).toEqual([]);
    expect(
      projectOccurrences(task({ rule: 'FREQ=DAILY', mode: 'due' }, null), '2026-03-01', '2026-04-30', BERLIN),
    ).toEqual([]);
    expect(projectOccurrences(task({ rule: 'NOT A RULE;;', mode: 'due' }), '2026-03-01', '2026-04-30', BERLIN)).toEqual(
      [],
    );
    expect(recurrenceOf({ recurrence: { rule: 'FREQ=DAILY', mode: 'due' } })).toEqual({
      rule: 'FREQ=DAILY',
      mode: 'due',
      until: null,
      count: null,
    });
    expect(recurrenceOf({ recurrence: { rule: 'FREQ=DAILY', mode: 'sometimes' } })).toBeNull();
    expect(recurrenceOf({ recurrence: 'FREQ=DAILY' })).toBeNull();
    expect(recurrenceOf({})).toBeNull();
  });
});
