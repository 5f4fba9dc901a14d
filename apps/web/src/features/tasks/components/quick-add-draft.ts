import { createTaskBody, type QuickAddSpan, type TaskDraft } from '@primetrade/shared';
import { currentLocale, translate } from '../../../lib/i18n';

/** RRULE's BYDAY codes as days of a week that starts on Monday 2026-01-05 (their names come from Intl). */
const DAY_INDEX: Record<string, number> = { MO: 0, TU: 1, WE: 2, TH: 3, FR: 4, SA: 5, SU: 6 };
const UNIT: Record<string, string> = { DAILY: 'day', WEEKLY: 'week', MONTHLY: 'month', YEARLY: 'year' };

function dayName(code: string): string {
  const i = DAY_INDEX[code];
  if (i === undefined) return code;
  return new Intl.DateTimeFormat(currentLocale(), { weekday: 'long' }).format(new Date(2026, 0, 5 + i));
}

/**
 * An RRULE of the quick-add grammar in words, in the UI language (`tasks:recurrence.*`, day names from Intl):
 * "Every Monday", "Every 2 weeks", "Every month on day 1" / "Jeden Montag", "Alle 2 Wochen", "Jeden Monat am 1.".
 */
export function describeRule(rule: string): string {
  const t = (key: string, options?: Record<string, unknown>) => translate('tasks', `recurrence.${key}`, options);
  const parts = Object.fromEntries(rule.split(';').map((p) => p.split('=') as [string, string]));
  const interval = Number(parts.INTERVAL ?? '1');
  const unit = UNIT[parts.FREQ ?? ''] ?? 'time';
  const every = interval > 1 ? t(`everyN.${unit}`, { count: interval }) : t(`every.${unit}`);
  const days = parts.BYDAY?.split(',') ?? [];
  if (days.join() === 'MO,TU,WE,TH,FR' && interval === 1) return t('weekdays');
  if (days.join() === 'SA,SU' && interval === 1) return t('weekends');
  if (days.length > 0) {
    const names = days.map(dayName).join(', ');
    return interval > 1 ? t('onDays', { every, days: names }) : t('everyDays', { days: names });
  }
  if (parts.BYMONTHDAY)
    return parts.BYMONTHDAY === '-1' ? t('onLastDay', { every }) : t('onMonthDay', { every, day: parts.BYMONTHDAY });
  return every;
}

/** The draft's fields the create contract does not take (yet): shown in the preview, not sent. */
export function unsentFields(draft: TaskDraft): Array<'projectId' | 'recurrence'> {
  const shape = createTaskBody.shape as Record<string, unknown>;
  return (['projectId', 'recurrence'] as const).filter((k) => draft[k] !== null && !(k in shape));
}

/** The body of POST /tasks for a draft: what was recognised, and only fields the create contract knows. */
export function draftBody(draft: TaskDraft): Record<string, unknown> {
  const unsent = unsentFields(draft);
  const body: Record<string, unknown> = { title: draft.title, dueDate: draft.dueDate, tags: draft.tags };
  if (draft.priority) body.priority = draft.priority;
  if (draft.projectId && !unsent.includes('projectId')) body.projectId = draft.projectId;
  if (draft.recurrence && !unsent.includes('recurrence')) body.recurrence = draft.recurrence;
  return body;
}

export interface Segment {
  text: string;
  field: QuickAddSpan['field'] | null;
}

/** The text cut at the spans' edges (UTF-16 offsets, as String#slice counts), each piece with its field or null. */
export function segments(text: string, spans: readonly QuickAddSpan[]): Segment[] {
  const out: Segment[] = [];
  let at = 0;
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    if (s.start < at || s.end > text.length) continue;
    if (s.start > at) out.push({ text: text.slice(at, s.start), field: null });
    out.push({ text: text.slice(s.start, s.end), field: s.field });
    at = s.end;
  }
  if (at < text.length) out.push({ text: text.slice(at), field: null });
  return out;
}
