import { describe, expect, it } from 'vitest';
import {
  addMonths,
  firstDayOfWeek,
  monthWeeks,
  moveToDay,
  rangeOf,
  weekDays,
  weekLocale,
  ymdOf,
  zonedToUtc,
} from './date-math';

const BERLIN = 'Europe/Berlin';
const DAY_MS = 86_400_000;

describe('the week start per locale', () => {
  it('German weeks start on Monday, US English on Sunday, British English on Monday', () => {
    expect(firstDayOfWeek('de')).toBe(1);
    expect(firstDayOfWeek('en')).toBe(7);
    expect(firstDayOfWeek('en-US')).toBe(7);
    expect(firstDayOfWeek('en-GB')).toBe(1);
  });

  it("follows the browser's own tag when it is in the UI language", () => {
    expect(weekLocale('en', ['en-GB', 'de-DE'])).toBe('en-GB');
    expect(weekLocale('de', ['en-US', 'de-AT'])).toBe('de-AT');
    expect(weekLocale('de', ['en-US'])).toBe('de');
  });

  it('a month grid starts on the Monday or the Sunday on or before the 1st and covers the month in whole weeks', () => {
    // December 2026: the 1st is a Tuesday, the 31st a Thursday.
    const monday = monthWeeks('2026-12-15', 1);
    expect(monday[0]?.[0]).toBe('2026-11-30');
    expect(monday.at(-1)?.[6]).toBe('2027-01-03');
    expect(monday).toHaveLength(5);
    const sunday = monthWeeks('2026-12-15', 7);
    expect(sunday[0]?.[0]).toBe('2026-11-29');
    expect(sunday.at(-1)?.[6]).toBe('2027-01-02');
    // February 2026 starts on a Sunday: four Monday rows would miss the 1st, so it takes five; with Sunday first, four.
    expect(monthWeeks('2026-02-10', 1)[0]?.[0]).toBe('2026-01-26');
    expect(monthWeeks('2026-02-10', 7)).toHaveLength(4);
    for (const week of monday) expect(week).toHaveLength(7);
  });

  it('adds months clamped to the last day (31 Jan + 1 month → 28 Feb)', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-03-15', -3)).toBe('2025-12-15');
  });
});

describe('DST weeks in Europe/Berlin', () => {
  it('the spring-forward week covers 167 hours, from midnight CET to midnight CEST', () => {
    const days = weekDays('2026-03-29', 1);
    expect(days).toEqual([
      '2026-03-23',
      '2026-03-24',
      '2026-03-25',
      '2026-03-26',
      '2026-03-27',
      '2026-03-28',
      '2026-03-29',
    ]);
    const { start, end } = rangeOf(days[0] ?? '', days[6] ?? '', BERLIN);
    expect(start.toISOString()).toBe('2026-03-22T23:00:00.000Z');
    expect(end.toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect((end.getTime() - start.getTime()) / 3_600_000).toBe(167);
  });

  it('the fall-back week covers 169 hours', () => {
    const { start, end } = rangeOf('2026-10-19', '2026-10-25', BERLIN);
    expect(start.toISOString()).toBe('2026-10-18T22:00:00.000Z');
    expect(end.toISOString()).toBe('2026-10-25T23:00:00.000Z');
  });

  it('places an instant on its day in the zone, not in UTC', () => {
    expect(ymdOf(new Date('2026-03-29T22:30:00Z'), BERLIN)).toBe('2026-03-30');
    expect(ymdOf(new Date('2026-03-29T21:30:00Z'), BERLIN)).toBe('2026-03-29');
  });

  it('a 09:00 task moved across the change stays at 09:00 on the wall clock', () => {
    const friday9 = '2026-03-27T08:00:00.000Z'; // 09:00 CET
    const moved = moveToDay(friday9, '2026-03-30', BERLIN);
    expect(moved).toBe('2026-03-30T07:00:00.000Z'); // 09:00 CEST
    // The planted fault: moving by whole days of 24 hours lands at 10:00, which this check tells apart.
    expect(new Date(Date.parse(friday9) + 3 * DAY_MS).toISOString()).not.toBe(moved);
    expect(moveToDay('2026-10-23T07:00:00.000Z', '2026-10-26', BERLIN)).toBe('2026-10-26T08:00:00.000Z');
    expect(moveToDay('2026-03-27T08:00:00.000Z', '2026-03-20', BERLIN)).toBe('2026-03-20T08:00:00.000Z');
  });

  it('a wall time in the spring gap is read an hour later; one in the repeated hour is the first of the two', () => {
    expect(zonedToUtc('2026-03-29', 2, 30, 0, BERLIN).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(zonedToUtc('2026-10-25', 2, 30, 0, BERLIN).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(zonedToUtc('2026-03-29', 10, 0, 0, BERLIN).toISOString()).toBe('2026-03-29T08:00:00.000Z');
    expect(zonedToUtc('2026-07-01', 0, 0, 0, 'America/New_York').toISOString()).toBe('2026-07-01T04:00:00.000Z');
  });
});
