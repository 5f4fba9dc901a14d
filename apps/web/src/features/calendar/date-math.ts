/**
 * Calendar arithmetic in a named time zone (the user's, from their profile), with Intl only: days are `YYYY-MM-DD`
 * strings (a calendar day, no instant), counted with UTC dates so a DST change never makes a day 23 or 25 hours
 * long in the grid; an instant is placed on a day, and a day's wall time turned back into an instant, through
 * Intl.DateTimeFormat with `timeZone`.
 */

export type Ymd = string;

export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const partFormatters = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = partFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partFormatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock time of an instant in a time zone. */
export function wallTime(instant: Date, timeZone: string): WallTime {
  const out: Record<string, number> = {};
  for (const p of partsFormatter(timeZone).formatToParts(instant)) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return {
    year: out.year ?? 1970,
    month: out.month ?? 1,
    day: out.day ?? 1,
    hour: (out.hour ?? 0) % 24,
    minute: out.minute ?? 0,
    second: out.second ?? 0,
  };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
export const toYmd = (y: number, m: number, d: number): Ymd => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;

export function parseYmd(ymd: Ymd): { year: number; month: number; day: number } {
  const [y, m, d] = ymd.split('-').map(Number);
  return { year: y ?? 1970, month: m ?? 1, day: d ?? 1 };
}

/** The day an instant falls on in a time zone. */
export function ymdOf(instant: Date, timeZone: string): Ymd {
  const w = wallTime(instant, timeZone);
  return toYmd(w.year, w.month, w.day);
}

const utcOfYmd = (ymd: Ymd) => {
  const { year, month, day } = parseYmd(ymd);
  return new Date(Date.UTC(year, month - 1, day));
};
const ymdOfUtc = (d: Date): Ymd => toYmd(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());

export function addDays(ymd: Ymd, n: number): Ymd {
  const d = utcOfYmd(ymd);
  d.setUTCDate(d.getUTCDate() + n);
  return ymdOfUtc(d);
}

/** The same day of another month, clamped to that month's last day (31 Jan + 1 month → 28/29 Feb). */
export function addMonths(ymd: Ymd, n: number): Ymd {
  const { year, month, day } = parseYmd(ymd);
  const first = new Date(Date.UTC(year, month - 1 + n, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return toYmd(first.getUTCFullYear(), first.getUTCMonth() + 1, Math.min(day, last));
}

/** 1 = Monday … 7 = Sunday (ISO numbering, as Intl.Locale's week info uses). */
export function isoWeekday(ymd: Ymd): number {
  const d = utcOfYmd(ymd).getUTCDay();
  return d === 0 ? 7 : d;
}

/** Regions whose week starts on Sunday (CLDR), for browsers without Intl.Locale week info. */
const SUNDAY_REGIONS = new Set(['US', 'CA', 'MX', 'BR', 'JP', 'KR', 'IL', 'PH', 'IN', 'AU', 'ZA', 'TW', 'HK']);

/**
 * The first day of the week (1 Monday … 7 Sunday) for a locale: Intl.Locale's week info where the browser has it,
 * else a table by region (a bare language takes its most common region: `en` → US, Sunday; `de` → Monday).
 */
export function firstDayOfWeek(locale: string): number {
  try {
    const loc = new Intl.Locale(locale) as Intl.Locale & {
      getWeekInfo?: () => { firstDay: number };
      weekInfo?: { firstDay: number };
    };
    const info = loc.getWeekInfo?.() ?? loc.weekInfo;
    if (info && info.firstDay >= 1 && info.firstDay <= 7) return info.firstDay;
    const region = loc.maximize().region ?? '';
    return SUNDAY_REGIONS.has(region) ? 7 : 1;
  } catch {
    return 1;
  }
}

/**
 * The locale whose week start the calendar follows: the browser's own tag when it is in the UI language (en-GB
 * starts on Monday although `en` alone means the US), else the UI language.
 */
export function weekLocale(uiLanguage: string, browserLanguages: readonly string[] = []): string {
  const match = browserLanguages.find((tag) => tag.toLowerCase().split('-')[0] === uiLanguage);
  return match ?? uiLanguage;
}

export function startOfWeek(ymd: Ymd, firstDay: number): Ymd {
  return addDays(ymd, -((isoWeekday(ymd) - firstDay + 7) % 7));
}

/** The seven days of the week holding `ymd`. */
export function weekDays(ymd: Ymd, firstDay: number): Ymd[] {
  const start = startOfWeek(ymd, firstDay);
  return Array.from({ length: 7 }, (_, i) => addDays(start, i));
}

/** The weeks (rows of seven days) that cover the month holding `ymd`: 4 to 6 of them. */
export function monthWeeks(ymd: Ymd, firstDay: number): Ymd[][] {
  const { year, month } = parseYmd(ymd);
  const first = toYmd(year, month, 1);
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const last = toYmd(year, month, lastDay);
  const weeks: Ymd[][] = [];
  for (let start = startOfWeek(first, firstDay); start <= last; start = addDays(start, 7)) {
    weeks.push(Array.from({ length: 7 }, (_, i) => addDays(start, i)));
  }
  return weeks;
}

/**
 * The instant of a wall-clock time in a time zone. In a DST gap (02:30 on the spring-forward night) it is the
 * instant the clock shows an hour later; in the repeated hour it is the first of the two.
 */
export function zonedToUtc(ymd: Ymd, hour: number, minute: number, second: number, timeZone: string): Date {
  const { year, month, day } = parseYmd(ymd);
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const offsetAt = (t: number) => {
    const w = wallTime(new Date(t), timeZone);
    return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - t;
  };
  // Start from the offset half a day earlier (the first of a repeated hour); take the offset at the guess instead
  // when that one shows the asked wall time (a day next to a change); otherwise the time is in a gap and the guess,
  // an hour later on the clock, stands.
  const before = offsetAt(asUtc - 43_200_000);
  const guess = asUtc - before;
  const at = offsetAt(guess);
  if (at === before) return new Date(guess);
  const other = asUtc - at;
  return new Date(offsetAt(other) === at ? other : guess);
}

/** The instants a run of days covers: from the first day's midnight to the midnight after the last day. */
export function rangeOf(firstDay: Ymd, lastDay: Ymd, timeZone: string): { start: Date; end: Date } {
  return { start: zonedToUtc(firstDay, 0, 0, 0, timeZone), end: zonedToUtc(addDays(lastDay, 1), 0, 0, 0, timeZone) };
}

/** A due date moved to another day at the same wall-clock time in the time zone (09:00 stays 09:00 across DST). */
export function moveToDay(iso: string, target: Ymd, timeZone: string): string {
  const w = wallTime(new Date(iso), timeZone);
  return zonedToUtc(target, w.hour, w.minute, w.second, timeZone).toISOString();
}
