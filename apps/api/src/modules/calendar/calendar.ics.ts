/**
 * Writing the feed (RFC 5545) with ical.js: it escapes TEXT values (`\`, `;`, `,`, newlines), folds content lines
 * at 75 octets without splitting a UTF-8 character, and writes CRLF line ends. This file only maps tasks onto
 * properties; nothing here reads the database.
 */
import type { CalendarFeedType, Task, TaskPriority, TaskStatus } from '@primetrade/shared';
import type ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { lazyModule } from '../../lib/lazy-module';

/** ical.js, loaded by the first calendar feed served, not at start. */
const ical = lazyModule<typeof ICAL>('ical.js');

export const PRODID = '-//Primetrade//Primetrade Tasks//EN';

/**
 * ical.js cuts each folded piece at `foldLength` octets and then puts the continuation's leading space in front,
 * so with its default (75) a continuation line can be 76 octets (calendar.test.ts caught one). 74 keeps every
 * line, the space included, within RFC 5545's 75. Set before each write: nothing else in the process uses it.
 */
const FOLD_OCTETS = 74;

/** RFC 5545 PRIORITY: 1 highest … 9 lowest (0 = undefined, never sent). */
const PRIORITY: Record<TaskPriority, number> = { urgent: 1, high: 3, medium: 5, low: 9 };
const TODO_STATUS: Record<TaskStatus, string> = {
  pending: 'NEEDS-ACTION',
  in_progress: 'IN-PROCESS',
  completed: 'COMPLETED',
  cancelled: 'CANCELLED',
};

/** The recurrence the contract gives a task (api.md `recurrence`). */
export type TaskRecurrence = NonNullable<Task['recurrence']>;

/**
 * The task's recurrence (issue 17 item 1), for an open occurrence only: a completed or cancelled one is history
 * (its next occurrence is a task of its own, carrying the rule on). `count` is what is left from this occurrence.
 */
export function recurrenceOf(task: Task): TaskRecurrence | null {
  if (task.status === 'completed' || task.status === 'cancelled') return null;
  const r = task.recurrence;
  return r && typeof r.rule === 'string' && r.rule.length > 0 ? r : null;
}

/** Where a due date falls for the feed: a local-midnight due is an all-day task (a DATE in the user's zone). */
export function dueOf(dueDate: string, zone: string): ICAL.Time {
  const local = DateTime.fromISO(dueDate, { zone });
  if (local.isValid && local.hour === 0 && local.minute === 0 && local.second === 0 && local.millisecond === 0) {
    return ical().Time.fromData({ year: local.year, month: local.month, day: local.day, isDate: true });
  }
  return utc(dueDate);
}

const utc = (iso: string) => ical().Time.fromJSDate(new Date(iso), true);

/** The RRULE of a recurrence: its rule, with `until` (a DATE when the due is one) and `count` from the fields. */
export function rruleOf(recurrence: TaskRecurrence, due: ICAL.Time, zone: string): ICAL.Recur | null {
  let recur: ICAL.Recur;
  try {
    recur = ical().Recur.fromString(recurrence.rule.replace(/^RRULE:/i, ''));
  } catch {
    return null;
  }
  if (recurrence.until) {
    // UNTIL takes the value type of the due date (RFC 5545 3.3.10): the local day for an all-day task.
    const local = DateTime.fromISO(recurrence.until, { zone });
    recur.until = due.isDate
      ? ical().Time.fromData({ year: local.year, month: local.month, day: local.day, isDate: true })
      : utc(recurrence.until);
  }
  if (recurrence.count) recur.count = recurrence.count;
  return recur;
}

export interface FeedCalendar {
  /** The host in every UID (`<task id>@<host>`). */
  host: string;
  /** X-WR-CALNAME. */
  name: string;
  /** The user's IANA time zone: where midnight means an all-day task. */
  timezone: string;
  type: CalendarFeedType;
}

function text(comp: ICAL.Component, name: string, value: string): void {
  if (value) comp.addPropertyWithValue(name, value);
}

/** One task as a VTODO (or a VEVENT for `type=event`). The task must have a due date. */
function component(task: Task & { dueDate: string }, cal: FeedCalendar): ICAL.Component {
  const event = cal.type === 'event';
  const comp = new (ical().Component)(event ? 'vevent' : 'vtodo');
  comp.addPropertyWithValue('uid', `${task.id}@${cal.host}`);
  // Without METHOD, DTSTAMP is when the item last changed in the store (RFC 5545 3.8.7.2): the feed stays
  // byte-identical while nothing changes, so its ETag does too.
  comp.addPropertyWithValue('dtstamp', utc(task.updatedAt));
  comp.addPropertyWithValue('created', utc(task.createdAt));
  comp.addPropertyWithValue('last-modified', utc(task.updatedAt));
  comp.addPropertyWithValue('sequence', task.version);
  const due = dueOf(task.dueDate, cal.timezone);
  // A VEVENT starts at the due date: all day (one day long) or at that instant.
  comp.addPropertyWithValue(event ? 'dtstart' : 'due', due);
  comp.addPropertyWithValue('summary', task.title);
  text(comp, 'description', task.description);
  comp.addPropertyWithValue('priority', PRIORITY[task.priority]);
  if (event) {
    // A task is not time taken: it never makes the calendar busy.
    comp.addPropertyWithValue('transp', 'TRANSPARENT');
    comp.addPropertyWithValue('status', task.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED');
  } else {
    comp.addPropertyWithValue('status', TODO_STATUS[task.status]);
    if (task.status === 'completed' && task.completedAt) {
      comp.addPropertyWithValue('completed', utc(task.completedAt));
      comp.addPropertyWithValue('percent-complete', 100);
    }
  }
  if (task.tags.length) {
    const categories = new (ical().Property)('categories');
    categories.setValues(task.tags);
    comp.addProperty(categories);
  }
  const recurrence = recurrenceOf(task);
  const rrule = recurrence && rruleOf(recurrence, due, cal.timezone);
  if (rrule) comp.addPropertyWithValue('rrule', rrule);
  return comp;
}

/** The whole feed: a VCALENDAR of the given dated tasks, CRLF after every line (the last one included). */
export function writeFeed(tasks: Array<Task & { dueDate: string }>, cal: FeedCalendar): string {
  ical().foldLength = FOLD_OCTETS;
  const vcalendar = new (ical().Component)(['vcalendar', [], []]);
  vcalendar.addPropertyWithValue('prodid', PRODID);
  vcalendar.addPropertyWithValue('version', '2.0');
  vcalendar.addPropertyWithValue('calscale', 'GREGORIAN');
  vcalendar.addPropertyWithValue('x-wr-calname', cal.name);
  vcalendar.addPropertyWithValue('x-wr-timezone', cal.timezone);
  // How often a subscriber should look again (RFC 7986, and the older Apple/Outlook property).
  const refresh = new (ical().Property)('refresh-interval');
  refresh.setValue(ical().Duration.fromString('PT15M'));
  vcalendar.addProperty(refresh);
  vcalendar.addPropertyWithValue('x-published-ttl', 'PT15M');
  for (const task of tasks) vcalendar.addSubcomponent(component(task, cal));
  return `${vcalendar.toString()}\r\n`;
}
