const dateFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dateTimeFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export const formatDate = (iso: string | null | undefined) => (iso ? dateFmt.format(new Date(iso)) : '');
export const formatDateTime = (iso: string | null | undefined) => (iso ? dateTimeFmt.format(new Date(iso)) : '');

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

export const labelOf = (value: string) => value.charAt(0).toUpperCase() + value.slice(1).replace('_', ' ');

/** A field's name in words ("dueDate" → "Due date", "completedAt" → "Completed at"). */
export const fieldLabel = (name: string) => labelOf(name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase());

/** Safe in-app redirect target: a path on this origin only. */
export function safeRedirect(target: unknown, fallback = '/dashboard'): string {
  if (typeof target !== 'string' || !target.startsWith('/') || target.startsWith('//') || target.includes('\\')) {
    return fallback;
  }
  return target;
}
