/**
 * The `every …` part of a quick-add line: a small grammar read at one position of the text, giving the rule the
 * contract allows (FREQ=DAILY|WEEKLY|MONTHLY|YEARLY with INTERVAL, BYDAY, BYMONTHDAY) and, for the first
 * occurrence only, the month a yearly rule falls in (BYMONTH is not part of the contract's rules: the due date
 * carries the month, and the next occurrences follow it).
 */
export type Freq = 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';
export type Day = 'MO' | 'TU' | 'WE' | 'TH' | 'FR' | 'SA' | 'SU';

export interface EveryRule {
  freq: Freq;
  interval: number;
  byDay: Day[];
  byMonthDay: number[];
  /** Only for the first occurrence of a yearly rule ("every year on march 3"): 1-12. */
  month?: number;
  /** Length of the matched `every …` phrase, from the position of "every". */
  length: number;
}

const DAY_WORDS: Array<[RegExp, Day]> = [
  [/^mo(n(day)?)?s?$/i, 'MO'],
  [/^tu(e(s(day)?)?)?s?$/i, 'TU'],
  [/^we(d(nesday)?)?s?$/i, 'WE'],
  [/^th(u(r(s(day)?)?)?)?s?$/i, 'TH'],
  [/^fr(i(day)?)?s?$/i, 'FR'],
  [/^sa(t(urday)?)?s?$/i, 'SA'],
  [/^su(n(day)?)?s?$/i, 'SU'],
];
const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const DAY = `(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun)s?`;
const DAY_LIST = String.raw`${DAY}(?:\s*,\s*(?:and\s+)?${DAY}|\s+and\s+${DAY}|\s*&\s*${DAY})*`;
const MONTH = `(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)`;
const ORD = String.raw`\d{1,2}(?:st|nd|rd|th)`;
const UNIT = `(?:day|week|month|year)s?`;
/** The phrase ends at a word boundary (not inside "mondays2" or "1stly"). */
const END = String.raw`(?![\p{L}\p{N}_])`;

const re = (source: string) => new RegExp(source, 'iuy');
const FORMS = {
  unit: re(String.raw`(?:(\d{1,3})\s+|(other)\s+)?(${UNIT})${END}`),
  onWeekDays: re(String.raw`\s+on\s+(${DAY_LIST})${END}`),
  onMonthDay: re(String.raw`\s+on\s+(?:the\s+)?(${ORD}|last\s+day)${END}`),
  onYearDay: re(
    String.raw`\s+on\s+(?:the\s+)?(?:(${MONTH})\s+(\d{1,2})(?:st|nd|rd|th)?|(${ORD})\s+(?:of\s+)?(${MONTH}))${END}`,
  ),
  weekday: re(`(weekday|weekend)s?${END}`),
  days: re(`(${DAY_LIST})${END}`),
  monthDay: re(String.raw`(${ORD}|last\s+day)(?:\s+of\s+(?:the|each|every)\s+month)?${END}`),
  yearDay: re(String.raw`(?:(${MONTH})\s+(\d{1,2})(?:st|nd|rd|th)?|(${ORD})\s+(?:of\s+)?(${MONTH}))${END}`),
};

function dayOf(word: string): Day {
  for (const [pattern, day] of DAY_WORDS) if (pattern.test(word)) return day;
  throw new Error(`not a weekday: ${word}`);
}
const daysOf = (list: string): Day[] => [
  ...new Set(
    list
      .split(/\s*(?:,|&|\band\b)\s*/i)
      .filter(Boolean)
      .map(dayOf),
  ),
];
const monthOf = (word: string) => MONTH_NAMES.indexOf(word.slice(0, 3).toLowerCase()) + 1;
/** 1-31 from "15th", -1 from "last day"; null when out of range. */
function monthDayOf(word: string): number | null {
  if (/^last/i.test(word)) return -1;
  const n = Number.parseInt(word, 10);
  return n >= 1 && n <= 31 ? n : null;
}
function yearDay(m: RegExpExecArray, base: number): { month: number; day: number } | null {
  const month = monthOf(m[base] ?? m[base + 3] ?? '');
  const day = Number.parseInt(m[base + 1] ?? m[base + 2] ?? '', 10);
  return month >= 1 && day >= 1 && day <= (DAYS_IN_MONTH[month - 1] ?? 0) ? { month, day } : null;
}

function at(pattern: RegExp, text: string, index: number): RegExpExecArray | null {
  pattern.lastIndex = index;
  return pattern.exec(text);
}

const FREQ_OF_UNIT: Record<string, Freq> = { day: 'DAILY', week: 'WEEKLY', month: 'MONTHLY', year: 'YEARLY' };

/**
 * Reads the words after "every" (`from` is the index just past "every" and its spaces; `phraseStart` the index of
 * "every"). Null when they are not a rule this grammar knows: the words then stay in the title.
 */
export function readEvery(text: string, phraseStart: number, from: number): EveryRule | null {
  const done = (rule: Omit<EveryRule, 'length'>, end: number): EveryRule => ({ ...rule, length: end - phraseStart });
  const base = { interval: 1, byDay: [] as Day[], byMonthDay: [] as number[] };

  const unit = at(FORMS.unit, text, from);
  if (unit) {
    const interval = unit[2] ? 2 : unit[1] ? Number.parseInt(unit[1], 10) : 1;
    if (interval < 1) return null;
    const freq = FREQ_OF_UNIT[(unit[3] ?? '').toLowerCase().replace(/s$/, '')] as Freq;
    const end = from + unit[0].length;
    const rule: Omit<EveryRule, 'length'> = { ...base, freq, interval };
    // An optional "on …" naming the days of the week, the day of the month or the date in the year.
    if (freq === 'WEEKLY') {
      const on = at(FORMS.onWeekDays, text, end);
      if (on) return done({ ...rule, byDay: daysOf(on[1] ?? '') }, end + on[0].length);
    } else if (freq === 'MONTHLY') {
      const on = at(FORMS.onMonthDay, text, end);
      const day = on ? monthDayOf(on[1] ?? '') : null;
      if (on && day !== null) return done({ ...rule, byMonthDay: [day] }, end + on[0].length);
    } else if (freq === 'YEARLY') {
      const on = at(FORMS.onYearDay, text, end);
      const date = on ? yearDay(on, 1) : null;
      if (on && date) return done({ ...rule, month: date.month, byMonthDay: [date.day] }, end + on[0].length);
    }
    return done(rule, end);
  }
  const weekday = at(FORMS.weekday, text, from);
  if (weekday) {
    const byDay: Day[] = /^weekday/i.test(weekday[1] ?? '') ? ['MO', 'TU', 'WE', 'TH', 'FR'] : ['SA', 'SU'];
    return done({ ...base, freq: 'WEEKLY', byDay }, from + weekday[0].length);
  }
  const days = at(FORMS.days, text, from);
  if (days) return done({ ...base, freq: 'WEEKLY', byDay: daysOf(days[1] ?? '') }, from + days[0].length);
  const monthDay = at(FORMS.monthDay, text, from);
  if (monthDay) {
    const day = monthDayOf(monthDay[1] ?? '');
    return day === null ? null : done({ ...base, freq: 'MONTHLY', byMonthDay: [day] }, from + monthDay[0].length);
  }
  const yearly = at(FORMS.yearDay, text, from);
  const date = yearly ? yearDay(yearly, 1) : null;
  if (yearly && date) {
    return done({ ...base, freq: 'YEARLY', month: date.month, byMonthDay: [date.day] }, from + yearly[0].length);
  }
  return null;
}

/** The RRULE value the draft carries: FREQ, then INTERVAL (when not 1), BYDAY, BYMONTHDAY. */
export function ruleString(rule: EveryRule): string {
  const parts = [`FREQ=${rule.freq}`];
  if (rule.interval !== 1) parts.push(`INTERVAL=${rule.interval}`);
  if (rule.byDay.length > 0) parts.push(`BYDAY=${rule.byDay.join(',')}`);
  // A yearly rule's day comes from the due date (the rule has no BYMONTH to go with it).
  if (rule.byMonthDay.length > 0 && rule.freq !== 'YEARLY') parts.push(`BYMONTHDAY=${rule.byMonthDay.join(',')}`);
  return parts.join(';');
}

const DAY_INDEX: Record<Day, number> = { SU: 0, MO: 1, TU: 2, WE: 3, TH: 4, FR: 5, SA: 6 };
const DAY_MS = 86_400_000;
/**
 * How far ahead the first occurrence is looked for: 12 years (a yearly Feb 29 every 3 years falls within them).
 * A rule with no occurrence in it ("every 13 years on feb 29" from a bad year) gives no due date.
 */
const HORIZON_DAYS = 366 * 12;

/** Days since 1970-01-01 of a floating date's calendar day. */
const dayNumber = (d: Date) => Math.floor(d.getTime() / DAY_MS);
/** The Monday (RFC 5545's default WKST) of the week a day number falls in. */
const mondayOf = (n: number) => n - ((new Date(n * DAY_MS).getUTCDay() + 6) % 7);
const lastDayOfMonth = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();

/** Does the calendar day `d` belong to the rule that starts on `start` (both floating dates)? */
function matches(rule: EveryRule, start: Date, d: Date): boolean {
  const months = (d.getUTCFullYear() - start.getUTCFullYear()) * 12 + d.getUTCMonth() - start.getUTCMonth();
  const monthDay = rule.byMonthDay[0];
  const dayOk =
    monthDay === undefined
      ? d.getUTCDate() === start.getUTCDate()
      : monthDay === -1
        ? d.getUTCDate() === lastDayOfMonth(d)
        : d.getUTCDate() === monthDay;
  switch (rule.freq) {
    case 'DAILY':
      return (dayNumber(d) - dayNumber(start)) % rule.interval === 0;
    case 'WEEKLY': {
      const weeks = (mondayOf(dayNumber(d)) - mondayOf(dayNumber(start))) / 7;
      const days = rule.byDay.length > 0 ? rule.byDay.map((x) => DAY_INDEX[x]) : [start.getUTCDay()];
      return weeks % rule.interval === 0 && days.includes(d.getUTCDay());
    }
    case 'MONTHLY':
      return months % rule.interval === 0 && dayOk;
    case 'YEARLY':
      return (
        (d.getUTCFullYear() - start.getUTCFullYear()) % rule.interval === 0 &&
        d.getUTCMonth() + 1 === (rule.month ?? start.getUTCMonth() + 1) &&
        dayOk
      );
  }
}

/**
 * The first occurrence at or after `notBefore`, both "floating" wall-clock times (a Date whose UTC fields are the
 * local date and time): the rule runs on the calendar alone, and the caller places the result in the time zone.
 * `start` is the first day the rule may fall on (it also anchors INTERVAL), at the occurrences' time of day.
 * Months without the day asked for are skipped (RFC 5545: "every 31st" has no April occurrence).
 */
export function firstOccurrence(rule: EveryRule, start: Date, notBefore: Date): Date | null {
  const time = start.getTime() - dayNumber(start) * DAY_MS;
  for (let n = dayNumber(start); n < dayNumber(start) + HORIZON_DAYS; n++) {
    const candidate = new Date(n * DAY_MS + time);
    if (candidate >= notBefore && matches(rule, start, candidate)) return candidate;
  }
  return null;
}
