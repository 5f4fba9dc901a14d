/**
 * Recurrence (issue 17 item 1; docs/architecture.md "Recurrence"): the next date of a recurring task, from its
 * RRULE (the `rrule` library) read in the owner's time zone with luxon. The rule runs on "floating" wall-clock
 * times (the local date and time written as if UTC), so an occurrence keeps its local time across DST changes;
 * the result is then placed in the zone (a wall time inside a spring-forward gap moves to the first valid time).
 */
import type { Recurrence } from '@primetrade/shared';
import { DateTime } from 'luxon';
import * as rrule from 'rrule';
import { validation } from '../../lib/errors';

// rrule ships CommonJS for Node and ESM for bundlers: the named export is on one or the other.
const RRule: typeof rrule.RRule = rrule.RRule ?? (rrule as unknown as { default: typeof rrule }).default.RRule;

const floating = (d: DateTime) =>
  new Date(Date.UTC(d.year, d.month - 1, d.day, d.hour, d.minute, d.second, d.millisecond));

/**
 * The next occurrence's due date, or null when the series ends (`count` used up, or past `until`).
 * `due`: the occurrence's due date; `completedAt`: when it was completed (mode `completion`), else ignored; `from`
 * overrides the anchor (a skip moves on from the due date in either mode).
 */
export function nextDueDate(
  recurrence: Recurrence,
  due: Date,
  zone: string,
  opts: { completedAt?: Date | null; skip?: boolean } = {},
): Date | null {
  if (recurrence.count !== undefined && recurrence.count <= 1) return null;
  const dueLocal = DateTime.fromJSDate(due, { zone });
  // Mode completion: the day it was completed, at the due date's time of day; the next date is the rule's first
  // one after that (so "every 3 days" counts from the completion day).
  const anchor =
    recurrence.mode === 'completion' && !opts.skip && opts.completedAt
      ? DateTime.fromJSDate(opts.completedAt, { zone }).set({
          hour: dueLocal.hour,
          minute: dueLocal.minute,
          second: dueLocal.second,
          millisecond: dueLocal.millisecond,
        })
      : dueLocal;
  const start = floating(anchor);
  const rule = new RRule({ ...RRule.parseString(recurrence.rule), dtstart: start });
  const next = rule.after(start, false);
  if (!next) return null;
  const local = DateTime.fromObject(
    {
      year: next.getUTCFullYear(),
      month: next.getUTCMonth() + 1,
      day: next.getUTCDate(),
      hour: next.getUTCHours(),
      minute: next.getUTCMinutes(),
      second: next.getUTCSeconds(),
      millisecond: next.getUTCMilliseconds(),
    },
    { zone },
  );
  const at = local.toJSDate();
  if (recurrence.until !== undefined && at.getTime() > new Date(recurrence.until).getTime()) return null;
  return at;
}

/** The recurrence the next occurrence carries: `count` is what is left, this occurrence included. */
export function nextRecurrence(recurrence: Recurrence): Recurrence {
  return recurrence.count === undefined ? recurrence : { ...recurrence, count: recurrence.count - 1 };
}

/** A recurring task needs a due date: the rule's dates follow from it (400 otherwise). */
export function checkRecurrence(recurrence: Recurrence | null | undefined, dueDate: Date | string | null): void {
  if (recurrence && dueDate === null) {
    throw validation([{ path: 'recurrence', message: 'A recurring task needs a dueDate' }]);
  }
}
