/**
 * The next date of a recurring task (tasks.recurrence.ts): local wall time kept across both DST changes in
 * Europe/Berlin and America/New_York, RFC 5545's skipping of months without a 31st, Feb 29, COUNT and UNTIL, and
 * mode `completion`. The HTTP side (one next occurrence however the completion arrives) is tasks.recurrence.http.test.ts.
 */
import type { Recurrence } from '@primetrade/shared';
import { describe, expect, it } from 'vitest';
import { nextDueDate, nextRecurrence } from './tasks.recurrence';

const due = (rule: string, extra: Partial<Recurrence> = {}): Recurrence => ({ rule, mode: 'due', ...extra });

describe('nextDueDate: the wall time stays across DST', () => {
  const table: Array<[string, string, string, string, string]> = [
    // zone, rule, due (UTC), next (UTC), what
    [
      'Europe/Berlin',
      'FREQ=WEEKLY',
      '2027-03-22T08:00:00.000Z',
      '2027-03-29T07:00:00.000Z',
      'spring: 09:00 CET → 09:00 CEST',
    ],
    ['Europe/Berlin', 'FREQ=DAILY', '2027-03-27T08:00:00.000Z', '2027-03-28T07:00:00.000Z', 'spring, the day itself'],
    [
      'Europe/Berlin',
      'FREQ=WEEKLY',
      '2027-10-25T07:00:00.000Z',
      '2027-11-01T08:00:00.000Z',
      'autumn: 09:00 CEST → 09:00 CET',
    ],
    ['Europe/Berlin', 'FREQ=DAILY', '2027-10-30T07:00:00.000Z', '2027-10-31T08:00:00.000Z', 'autumn, the day itself'],
    [
      'Europe/Berlin',
      'FREQ=DAILY',
      '2027-03-27T01:30:00.000Z',
      '2027-03-28T01:30:00.000Z',
      '02:30 does not exist: 03:30 CEST',
    ],
    [
      'America/New_York',
      'FREQ=WEEKLY',
      '2027-03-08T14:00:00.000Z',
      '2027-03-15T13:00:00.000Z',
      'spring: 09:00 EST → 09:00 EDT',
    ],
    [
      'America/New_York',
      'FREQ=DAILY',
      '2027-03-13T14:00:00.000Z',
      '2027-03-14T13:00:00.000Z',
      'spring, the day itself',
    ],
    [
      'America/New_York',
      'FREQ=WEEKLY',
      '2027-11-01T13:00:00.000Z',
      '2027-11-08T14:00:00.000Z',
      'autumn: 09:00 EDT → 09:00 EST',
    ],
    [
      'America/New_York',
      'FREQ=DAILY',
      '2027-11-06T13:00:00.000Z',
      '2027-11-07T14:00:00.000Z',
      'autumn, the day itself',
    ],
    ['America/New_York', 'FREQ=MONTHLY', '2027-02-15T23:30:00.000Z', '2027-03-15T22:30:00.000Z', 'monthly 18:30 local'],
  ];
  it.each(table)('%s %s from %s → %s (%s)', (zone, rule, from, to) => {
    expect(nextDueDate(due(rule), new Date(from), zone)?.toISOString()).toBe(to);
  });

  it('the table can fail: read in UTC instead of the zone, the Berlin spring case keeps the UTC hour', () => {
    expect(nextDueDate(due('FREQ=WEEKLY'), new Date('2027-03-22T08:00:00.000Z'), 'UTC')?.toISOString()).toBe(
      '2027-03-29T08:00:00.000Z',
    );
  });
});

describe('nextDueDate: the calendar edges', () => {
  it('monthly on the 31st skips the months without one (RFC 5545)', () => {
    const r = due('FREQ=MONTHLY;BYMONTHDAY=31');
    const a = nextDueDate(r, new Date('2027-01-31T08:00:00.000Z'), 'Europe/Berlin');
    expect(a?.toISOString()).toBe('2027-03-31T07:00:00.000Z'); // not February; CEST by then
    const b = nextDueDate(r, a as Date, 'Europe/Berlin');
    expect(b?.toISOString()).toBe('2027-05-31T07:00:00.000Z'); // not April
  });

  it('yearly on Feb 29 comes back in the next leap year', () => {
    const r = due('FREQ=YEARLY');
    expect(nextDueDate(r, new Date('2028-02-29T08:00:00.000Z'), 'Europe/Berlin')?.toISOString()).toBe(
      '2032-02-29T08:00:00.000Z',
    );
  });

  it('weekly on given days, and every other week', () => {
    // Tuesday 2027-05-04 09:00 Berlin → Wednesday.
    expect(
      nextDueDate(due('FREQ=WEEKLY;BYDAY=MO,WE'), new Date('2027-05-04T07:00:00.000Z'), 'Europe/Berlin')?.toISOString(),
    ).toBe('2027-05-05T07:00:00.000Z');
    expect(
      nextDueDate(due('FREQ=WEEKLY;INTERVAL=2'), new Date('2027-05-04T07:00:00.000Z'), 'Europe/Berlin')?.toISOString(),
    ).toBe('2027-05-18T07:00:00.000Z');
  });

  it('the last Friday of the month', () => {
    expect(
      nextDueDate(due('FREQ=MONTHLY;BYDAY=-1FR'), new Date('2027-05-28T07:00:00.000Z'), 'Europe/Berlin')?.toISOString(),
    ).toBe('2027-06-25T07:00:00.000Z');
  });
});

describe('nextDueDate: the end of a series and mode completion', () => {
  it('COUNT: count is what is left, this one included; at 1 there is no next', () => {
    const r = due('FREQ=DAILY', { count: 2 });
    expect(nextDueDate(r, new Date('2027-05-04T07:00:00.000Z'), 'UTC')).not.toBeNull();
    expect(nextRecurrence(r)).toEqual({ rule: 'FREQ=DAILY', mode: 'due', count: 1 });
    expect(nextDueDate(nextRecurrence(r), new Date('2027-05-05T07:00:00.000Z'), 'UTC')).toBeNull();
  });

  it('UNTIL: no next date after it (one on it is still in)', () => {
    const r = due('FREQ=DAILY', { until: '2027-05-05T07:00:00.000Z' });
    expect(nextDueDate(r, new Date('2027-05-04T07:00:00.000Z'), 'UTC')?.toISOString()).toBe('2027-05-05T07:00:00.000Z');
    expect(nextDueDate(r, new Date('2027-05-05T07:00:00.000Z'), 'UTC')).toBeNull();
  });

  it('mode completion: the rule counts from the day of completion, at the due time of day', () => {
    const r: Recurrence = { rule: 'FREQ=DAILY;INTERVAL=3', mode: 'completion' };
    const d = new Date('2027-05-03T07:00:00.000Z'); // Monday 09:00 Berlin
    const completedAt = new Date('2027-05-10T15:00:00.000Z'); // a week late
    expect(nextDueDate(r, d, 'Europe/Berlin', { completedAt })?.toISOString()).toBe('2027-05-13T07:00:00.000Z');
    // Mode due from the same occurrence: three days after the due date, however late it was completed.
    expect(nextDueDate({ ...r, mode: 'due' }, d, 'Europe/Berlin', { completedAt })?.toISOString()).toBe(
      '2027-05-06T07:00:00.000Z',
    );
    // A skip moves on from the due date in either mode.
    expect(nextDueDate(r, d, 'Europe/Berlin', { completedAt, skip: true })?.toISOString()).toBe(
      '2027-05-06T07:00:00.000Z',
    );
  });
});
