/**
 * Future occurrences of a recurring task inside the calendar's visible days, computed in the browser with `rrule`.
 * The contract's `recurrence` is `{ rule, mode, until?, count? } | null` (api.md "Recurrence"); it is read through a
 * type guard so this compiles and works whether or not the shared Task type carries the field yet.
 *
 * rrule counts in UTC, so the rule runs on "floating" times — the due date's wall-clock time in the user's zone
 * written as if it were UTC — and each result is turned back into an instant in that zone: a weekly 09:00 task stays
 * at 09:00 across a DST change. The task itself is the first occurrence (it shows as itself), so only later ones are
 * projected; in mode `completion` the real next date depends on when it is completed, and the projection assumes
 * it is completed on time.
 */
import { RRule } from 'rrule';
import { addDays, parseYmd, wallTime, type Ymd, ymdOf, zonedToUtc } from './date-math';

export interface Recurrence {
  rule: string;
  mode: 'due' | 'completion';
  until?: string | null | undefined;
  count?: number | null | undefined;
}

export interface Occurrence {
  taskId: string;
  /** The projected due instant (ISO) and its day in the user's zone. */
  dueDate: string;
  day: Ymd;
}

/** The task's recurrence when it has a valid one (the field may not exist on the contract yet). */
export function recurrenceOf(task: unknown): Recurrence | null {
  if (!task || typeof task !== 'object' || !('recurrence' in task)) return null;
  const r = (task as { recurrence: unknown }).recurrence;
  if (!r || typeof r !== 'object') return null;
  const { rule, mode, until, count } = r as Record<string, unknown>;
  if (typeof rule !== 'string' || !rule || (mode !== 'due' && mode !== 'completion')) return null;
  return {
    rule,
    mode,
    until: typeof until === 'string' ? until : null,
    count: typeof count === 'number' ? count : null,
  };
}

const floating = (w: { year: number; month: number; day: number; hour: number; minute: number; second: number }) =>
  new Date(Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second));

/** At most this many projected occurrences per task per view (a daily rule fills a month with 31 anyway). */
const MAX_PER_TASK = 62;

/**
 * The occurrences after the task's due date that fall on the days `first`…`last` (inclusive) in `timeZone`.
 * An unparsable rule projects nothing (the server validates rules; the calendar never fails on one).
 */
export function projectOccurrences(
  task: { id: string; dueDate: string | null; recurrence?: unknown },
  first: Ymd,
  last: Ymd,
  timeZone: string,
): Occurrence[] {
  const rec = recurrenceOf(task);
  if (!rec || !task.dueDate) return [];
  try {
    const dtstart = floating(wallTime(new Date(task.dueDate), timeZone));
    const options = RRule.parseString(rec.rule.replace(/^RRULE:/i, ''));
    const rule = new RRule({
      ...options,
      dtstart,
      ...(rec.until ? { until: floating(wallTime(new Date(rec.until), timeZone)) } : {}),
      ...(rec.count ? { count: rec.count } : {}),
    });
    const f = parseYmd(first);
    const after = addDays(last, 1);
    const a = parseYmd(after);
    const from = new Date(Date.UTC(f.year, f.month - 1, f.day));
    const to = new Date(Date.UTC(a.year, a.month - 1, a.day) - 1);
    const out: Occurrence[] = [];
    for (const d of rule.between(from, to, true)) {
      if (d.getTime() <= dtstart.getTime()) continue;
      const day = toDay(d);
      const due = zonedToUtc(day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), timeZone);
      out.push({ taskId: task.id, dueDate: due.toISOString(), day: ymdOf(due, timeZone) });
      if (out.length >= MAX_PER_TASK) break;
    }
    return out;
  } catch {
    return [];
  }
}

const toDay = (d: Date): Ymd =>
  `${String(d.getUTCFullYear()).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
