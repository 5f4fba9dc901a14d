/**
 * What every importer shares: a file becomes task drafts (the create body's input, `CreateTaskInput` from the
 * shared schema: no field is defined here), each with its row number, and a count of entries left out on purpose.
 * A file that is not of its format at all is a 400 for the whole request (ImportFileError); a draft that fails
 * the shared create schema is a per-row error. The helpers map the tools' names, dates and markup onto the
 * task's fields.
 */
import { type CreateTaskInput, IMPORT_MAX_ROWS, TAG_MAX } from '@primetrade/shared';
import { validation } from '../../../lib/errors';

export interface DraftRow {
  /** 1-based, as the format numbers its entries (docs/api/tasks.md, "Import from other tools"). */
  row: number;
  draft: CreateTaskInput;
}

export interface ParsedImport {
  drafts: DraftRow[];
  /** Rows that name their own error before the schema runs (a Todoist row of an unknown TYPE). */
  rowErrors: Array<{ row: number; errors: Array<{ path: string; message: string }> }>;
  skipped: number;
}

/** The whole file is not of the format: 400 VALIDATION_FAILED with this message, nothing imported. */
export function fileError(message: string, path = 'body') {
  return validation([{ path, message }], message);
}

/** The row cap of every import (the native CSV's too). */
export function checkRowCount(n: number): void {
  if (n > IMPORT_MAX_ROWS) throw fileError(`At most ${IMPORT_MAX_ROWS} tasks per import; this file has ${n}`);
}

/** A JSON value from a parsed body, text or bytes (a file sent as text/plain-like bytes); 400 when not JSON. */
export function asJson(input: unknown, what: string): unknown {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) return input;
  const text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: false }).decode(input);
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw fileError(`Not ${what}: the file is not JSON`);
  }
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A string member, or undefined. */
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * A list, section, project or label name as a tag: trimmed, lower-cased, inner white space as one `-`, cut to
 * the tag's length limit (TAG_MAX). Empty → undefined (no tag).
 */
export function tagOf(name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined;
  const tag = name.trim().toLowerCase().replace(/\s+/g, '-').slice(0, TAG_MAX).replace(/-+$/, '');
  return tag === '' ? undefined : tag;
}

/** Distinct tags in order (the schema would de-duplicate too; this keeps the preview tidy). */
export function tagsOf(names: unknown[]): string[] {
  const out: string[] = [];
  for (const n of names) {
    const t = tagOf(n);
    if (t && !out.includes(t)) out.push(t);
  }
  return out;
}

/** Paragraphs joined by a blank line, empty parts left out. */
export function joinText(parts: Array<string | undefined>): string {
  return parts
    .map((p) => p?.trim())
    .filter(Boolean)
    .join('\n\n');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * HTML (Vikunja's descriptions) as plain text: block ends and <br> as line breaks, list items as "- ", other tags
 * dropped, entities decoded. Every pattern is linear in the input (no `[^>]*` runs that could rescan a long text
 * of `<`). Not a sanitiser: the result is stored and shown as text, never as HTML.
 */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li\b[^<>]*>/gi, '- ')
    .replace(/<\/(p|div|li|h[1-6]|blockquote|pre|ul|ol)>/gi, '\n')
    .replace(/<[^<>]*>/g, '')
    .replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});/gi, (m, e: string) => {
      if (e[0] !== '#') return ENTITIES[e.toLowerCase()] ?? m;
      const code = e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : m;
    })
    .replace(/\n{3,}/g, '\n\n')
    .replace(/\n\n(?=- )/g, '\n')
    .trim();
}

/** An instant as the API's ISO text, or undefined when `value` is not a date-time JavaScript can read. */
export function isoOf(value: string): string | undefined {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** Formatters by zone (null: not a zone). Building one costs ~1000x a use, so a file's rows share them. */
const formatters = new Map<string, Intl.DateTimeFormat | null>();
const FORMATTERS_MAX = 1000;

function formatterOf(zone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(zone);
  if (f !== undefined) return f;
  try {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  } catch {
    f = null;
  }
  if (formatters.size < FORMATTERS_MAX) formatters.set(zone, f);
  return f;
}

/**
 * Offsets by zone and quarter hour: today's time-zone rules change offsets at quarter-hour-aligned instants (only
 * some pre-1970 local mean times do not), so one answer holds for its quarter hour; a file's dates cluster, and
 * formatToParts costs ~50 µs a call. 10,000 dated Todoist rows: 2.3 s → 1.2 s (median of 5, busy 2-core box).
 */
const offsets = new Map<string, number>();
const OFFSETS_MAX = 20_000;
const QUARTER_HOUR = 15 * 60_000;

/** The UTC offset of `zone` at `utcMs`, in minutes (Intl's zone data; 0 for a zone Intl does not know). */
function offsetMinutes(zone: string, utcMs: number): number {
  const key = `${zone}|${Math.floor(utcMs / QUARTER_HOUR)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    offset = computeOffset(zone, utcMs);
    if (offsets.size >= OFFSETS_MAX) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

function computeOffset(zone: string, utcMs: number): number {
  const format = formatterOf(zone);
  if (!format) return 0;
  const parts = format.formatToParts(new Date(utcMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - utcMs) / 60_000);
}

/**
 * A wall-clock time in an IANA zone as a UTC ISO instant (UTC when the zone is empty or unknown); undefined when
 * the calendar date does not exist (31 February).
 */
export function zonedToIso(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  zone: string | undefined,
): string | undefined {
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return undefined;
  if (h > 23 || mi > 59) return undefined;
  let utc = wall;
  if (zone) {
    // Two passes find the offset in force at the instant itself (right across a DST change).
    utc = wall - offsetMinutes(zone, wall) * 60_000;
    utc = wall - offsetMinutes(zone, utc) * 60_000;
  }
  return new Date(utc).toISOString();
}

const PLAIN_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A first-round import row (CSV or JSON) whose dueDate is a plain date (`2026-12-31`): an all-day due date, i.e.
 * midnight in the user's time zone — what the web app shows as a date without a time. Anything else (an
 * instant, a date that does not exist, no dueDate) is left for the row's validation to judge.
 */
export function withAllDayDue(row: unknown, zone: string): unknown {
  if (!row || typeof row !== 'object' || Array.isArray(row)) return row;
  const due = (row as Record<string, unknown>).dueDate;
  const m = typeof due === 'string' ? PLAIN_DATE.exec(due.trim()) : null;
  if (!m) return row;
  const iso = zonedToIso(Number(m[1]), Number(m[2]), Number(m[3]), 0, 0, zone);
  return iso ? { ...row, dueDate: iso } : row;
}
