/**
 * Quick add: one line of text read into a task draft. Whole words are recognised — `#tag`, `+Project`, `p1`-`p4`,
 * `!urgent|!high|!medium|!low`, an `every …` phrase (quick-add.recurrence.ts) — then chrono-node reads a date or
 * time in what is left. Dates are read on the wall clock of the time zone given and placed in it with luxon, so a
 * date across a DST change keeps its local time. Every recognised part gets a span (UTF-16 offsets into the text);
 * the words left over are the title.
 */
import { type ParsedTask, type QuickAddSpan, TAG_MAX, TAGS_MAX, type TaskPriority } from '@primetrade/shared';
import { DateTime } from 'luxon';
import { type EveryRule, firstOccurrence, readEvery, ruleString } from './quick-add.recurrence';
import { lazyModule } from '../../lib/lazy-module';

/** chrono-node's date parser, loaded with the first quick add. */
const chrono = lazyModule<typeof import('chrono-node')>('chrono-node');

export interface ParseContext {
  now: Date;
  /** IANA time zone the dates and times are read in. */
  timezone: string;
  /** The caller's project of this name (case-insensitive), or null: the `+Name` word then stays in the title. */
  findProject: (name: string) => Promise<string | null>;
}

/** A date without a time of day is due at the end of that day (23:59 local), so it is not overdue during it. */
export const DATE_ONLY_TIME = { hour: 23, minute: 59 } as const;
const PROJECT_NAME_MAX = 100;

const PRIORITY_WORDS: Record<string, TaskPriority> = {
  p1: 'urgent',
  p2: 'high',
  p3: 'medium',
  p4: 'low',
  '!urgent': 'urgent',
  '!high': 'high',
  '!medium': 'medium',
  '!low': 'low',
};
const TAG = /^#([\p{L}\p{N}_-]+)$/u;
const PROJECT = /^\+([\p{L}\p{N}_.-]+)$/u;
const EVERY = /(?<![\p{L}\p{N}_])every\s+/giu;
/** Words for a part of the day: chrono's hour for them is kept even though it is not "certain". */
const DAY_PART = /\b(morning|noon|afternoon|evening|tonight|night|midnight)\b/i;
/** A relative time ("in 2 hours", "30 minutes later"): the exact instant, not a wall-clock time. */
const RELATIVE_TIME = /\b(\d+|an?|one|few)\s*(hours?|hrs?|h|minutes?|mins?|m)\b/i;
/** A word before a date that belongs to it ("on friday", "by monday", "due tomorrow"). */
const LEAD_WORD = /(?:^|\s)(on|by|due|at)\s+$/i;

/** The local date and time as a "floating" Date: its UTC fields are the wall-clock fields. */
function floating(t: DateTime): Date {
  return new Date(Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second));
}
/**
 * A floating wall-clock time placed in the zone. A time in a DST gap moves forward by the gap (luxon's rule); a time
 * that happens twice (the hour the clocks go back) is the first of the two, as RFC 5545 reads it.
 */
function place(f: Date, zone: string): string {
  const t = DateTime.fromObject(
    {
      year: f.getUTCFullYear(),
      month: f.getUTCMonth() + 1,
      day: f.getUTCDate(),
      hour: f.getUTCHours(),
      minute: f.getUTCMinutes(),
    },
    { zone },
  );
  const shift = t.minus({ hours: 3 }).offset - t.offset;
  const earlier = t.minus({ minutes: shift });
  const same = shift > 0 && earlier.toFormat('yyyy-MM-dd HH:mm') === t.toFormat('yyyy-MM-dd HH:mm');
  return (same ? earlier : t).toUTC().toISO({ suppressMilliseconds: true }) as string;
}

export async function parseQuickAdd(text: string, ctx: ParseContext): Promise<ParsedTask> {
  const spans: QuickAddSpan[] = [];
  const taken = (start: number, end: number) => spans.some((s) => start < s.end && end > s.start);
  let priority: TaskPriority | null = null;
  const tags: string[] = [];
  let projectId: string | null = null;

  // 1. Whole words: tags, a project, a priority. The first of each single-valued kind wins; the rest stay words.
  for (const m of text.matchAll(/\S+/gu)) {
    const word = m[0];
    const start = m.index;
    const end = start + word.length;
    const p = PRIORITY_WORDS[word.toLowerCase()];
    if (p) {
      if (priority === null) {
        priority = p;
        spans.push({ start, end, field: 'priority' });
      }
      continue;
    }
    const tag = TAG.exec(word)?.[1]?.toLowerCase();
    if (tag !== undefined) {
      // Validated as task tags are: at most TAG_MAX characters, lower-cased, at most TAGS_MAX distinct.
      if (tag.length <= TAG_MAX && (tags.includes(tag) || tags.length < TAGS_MAX)) {
        if (!tags.includes(tag)) tags.push(tag);
        spans.push({ start, end, field: 'tags' });
      }
      continue;
    }
    const name = PROJECT.exec(word)?.[1];
    if (name !== undefined && projectId === null && name.length <= PROJECT_NAME_MAX) {
      const id = await ctx.findProject(name);
      if (id) {
        projectId = id;
        spans.push({ start, end, field: 'projectId' });
      }
    }
  }

  // 2. The first `every …` phrase the grammar knows.
  let every: EveryRule | null = null;
  for (const m of text.matchAll(EVERY)) {
    const rule = readEvery(text, m.index, m.index + m[0].length);
    if (rule && !taken(m.index, m.index + rule.length)) {
      every = rule;
      spans.push({ start: m.index, end: m.index + rule.length, field: 'recurrence' });
      break;
    }
  }

  // 3. A date or time in what is left (the recognised parts blanked out, so the offsets stay those of the text).
  let masked = text;
  for (const s of spans) masked = masked.slice(0, s.start) + ' '.repeat(s.end - s.start) + masked.slice(s.end);
  const zoneNow = DateTime.fromJSDate(ctx.now).setZone(ctx.timezone);
  const reference = { instant: ctx.now, timezone: zoneNow.offset };
  const found = chrono().casual.parse(masked, reference, { forwardDate: true })[0];

  const day = (y: number, mo: number, d: number, t: { hour: number; minute: number }) =>
    new Date(Date.UTC(y, mo - 1, d, t.hour, t.minute));
  const c = found?.start;
  const hasTime = !!found && !!c && (c.isCertain('hour') || DAY_PART.test(found.text));
  const time = c && hasTime ? { hour: c.get('hour') ?? 0, minute: c.get('minute') ?? 0 } : DATE_ONLY_TIME;

  let dueDate: string | null = null;
  if (every) {
    // With a rule, the date words give its time of day and, when they name a day, the first day it may fall on.
    const named = c && (c.isCertain('day') || c.isCertain('weekday'));
    const from = named
      ? day(c.get('year') ?? 0, c.get('month') ?? 1, c.get('day') ?? 1, time)
      : day(zoneNow.year, zoneNow.month, zoneNow.day, time);
    const first = firstOccurrence(every, from, floating(zoneNow));
    if (first) dueDate = place(first, ctx.timezone);
    else {
      // No occurrence in sight ("every 13 years on feb 29"): a rule needs a due date, so the words stay words.
      every = null;
      spans.splice(
        spans.findIndex((s) => s.field === 'recurrence'),
        1,
      );
    }
  }
  if (found && c) {
    if (dueDate === null) {
      dueDate =
        hasTime && RELATIVE_TIME.test(found.text) && !c.isCertain('day')
          ? DateTime.fromJSDate(c.date()).toUTC().toISO({ suppressMilliseconds: true })
          : place(day(c.get('year') ?? 0, c.get('month') ?? 1, c.get('day') ?? 1, time), ctx.timezone);
    }
    let start = found.index;
    const lead = LEAD_WORD.exec(masked.slice(0, start));
    if (lead?.[1]) start -= lead[0].length - lead[0].indexOf(lead[1]);
    spans.push({ start, end: found.index + found.text.length, field: 'dueDate' });
  }

  // 4. The title: every unrecognised word, in order, single-spaced.
  spans.sort((a, b) => a.start - b.start);
  let title = '';
  let cursor = 0;
  for (const s of spans) {
    title += ` ${text.slice(cursor, s.start)} `;
    cursor = s.end;
  }
  title += text.slice(cursor);
  title = title.replace(/\s+/gu, ' ').trim();

  return {
    draft: {
      title,
      dueDate,
      priority,
      tags,
      projectId,
      recurrence: every ? { rule: ruleString(every), mode: 'due' } : null,
    },
    spans,
  };
}
