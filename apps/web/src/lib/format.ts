import { currentLocale, translate } from './i18n';

/** Intl formatters in the UI language (lib/i18n.ts), built once per language and style. */
const formatters = new Map<string, Intl.DateTimeFormat>();
const DATE: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric' };
function fmt(style: 'date' | 'dateTime'): Intl.DateTimeFormat {
  const locale = currentLocale();
  const key = `${locale}|${style}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(
      locale,
      // Spelled out rather than dateStyle 'medium': the same "Dec 6, 2026" in English, "6. Dez. 2026" in German
      // (whose medium style is "06.12.2026").
      style === 'date' ? DATE : { ...DATE, hour: 'numeric', minute: '2-digit' },
    );
    formatters.set(key, f);
  }
  return f;
}
const dateFmt = { format: (d: Date) => fmt('date').format(d) };
const dateTimeFmt = { format: (d: Date) => fmt('dateTime').format(d) };

export const formatDate = (iso: string | null | undefined) => (iso ? dateFmt.format(new Date(iso)) : '');
export const formatDateTime = (iso: string | null | undefined) => (iso ? dateTimeFmt.format(new Date(iso)) : '');
/** A count in the UI language (1,234 / 1.234). */
export const formatNumber = (n: number) => new Intl.NumberFormat(currentLocale()).format(n);
/** A share (0–1) as a whole percentage in the UI language (42% / 42 %). */
export const formatPercent = (share: number) =>
  new Intl.NumberFormat(currentLocale(), { style: 'percent', maximumFractionDigits: 0 }).format(share);

/** A calendar day `YYYY-MM-DD` (the stats' days, in the user's time zone) in the same format as every other date. */
export function formatDay(ymd: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  return m ? dateFmt.format(new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : ymd;
}

/** A due date as people set it: the date alone when it falls at local midnight (an all-day task), else with the time. */
export function formatDue(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return d.getHours() === 0 && d.getMinutes() === 0 ? dateFmt.format(d) : dateTimeFmt.format(d);
}

/** `datetime-local` input value (local time) from an ISO string, and back. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
export const fromLocalInput = (value: string): string | null => (value ? new Date(value).toISOString() : null);

/** An identifier in words as it stands ("in_progress" → "In progress"): the fallback for values with no translation. */
const capitalised = (value: string) => value.charAt(0).toUpperCase() + value.slice(1).replace('_', ' ');

/**
 * A status, priority or role in the UI language (`common:values.<value>`: "In progress" / "In Arbeit"); a value the
 * locale files do not know (a new enum member) falls back to its words.
 */
export const labelOf = (value: string) => translate('common', `values.${value}`, { defaultValue: capitalised(value) });

/** A field's name in words ("dueDate" → "Due date", "completedAt" → "Completed at"). */
export const fieldLabel = (name: string) => capitalised(name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase());

/** Safe in-app redirect target: a path on this origin only. */
export function safeRedirect(target: unknown, fallback = '/dashboard'): string {
  if (typeof target !== 'string' || !target.startsWith('/') || target.startsWith('//') || target.includes('\\')) {
    return fallback;
  }
  return target;
}
