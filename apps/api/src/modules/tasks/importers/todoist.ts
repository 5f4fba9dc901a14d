/**
 * Todoist's CSV ("Export as a template" / the import template): a header row naming at least TYPE and CONTENT,
 * then one row per entry. Columns read: TYPE, CONTENT, DESCRIPTION, PRIORITY, DATE, TIMEZONE, DEADLINE; the
 * others (INDENT, AUTHOR, RESPONSIBLE, DATE_LANG, DURATION, DURATION_UNIT, DEADLINE_LANG) are accepted and ignored.
 *
 * - `task` rows become tasks; `section` rows name the section of the tasks below them (a tag); `note` rows are
 *   comments on the task above (appended to its description); `meta` rows and rows with every cell empty are
 *   ignored; any other TYPE is that row's error.
 * - `@label` words in CONTENT become tags and leave the title.
 * - PRIORITY follows Todoist's CSV documentation, where 1 is p1, the highest: 1 → urgent, 2 → high,
 *   3 → medium, 4 → low (as quick add maps p1…p4). Todoist's help says an empty cell makes p1; an empty cell here
 *   takes the task's default (medium) instead: an empty cell is a priority not given, and the preview shows it.
 * - DATE: an ISO date (`2026-10-05`, midnight in TIMEZONE), date and time (`2026-10-05 15:30`, `…T15:30`, in
 *   TIMEZONE), a full ISO instant, or an English date with a year (`Oct 5 2026`, `5 October 2026`, optionally
 *   `at 9am` / `15:30`). Anything else (recurring `every monday`, relative `tomorrow`) has no fixed date: the task
 *   gets no due date and its description keeps the text (`Todoist due: every monday`), so nothing is lost.
 *   An empty DATE falls back to DEADLINE. An empty or unknown TIMEZONE is UTC.
 * - INDENT (sub-tasks) is flattened: every task is a top-level task.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { IMPORT_MAX_ROWS, type TaskPriority } from '@primetrade/shared';
import { checkRowCount, type DraftRow, fileError, joinText, type ParsedImport, tagsOf, zonedToIso } from './drafts';

const PRIORITIES: Record<string, TaskPriority> = { '1': 'urgent', '2': 'high', '3': 'medium', '4': 'low' };

/** The header, the largest import's tasks and as many section and note rows again: a bound on the work. */
const MAX_RECORDS = IMPORT_MAX_ROWS * 3 + 1;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** `9am`, `9:30 pm`, `15:30` → [hour, minute]; undefined when not a time. */
function timeOf(text: string | undefined): [number, number] | undefined {
  if (text === undefined || text === '') return [0, 0];
  const m = /^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$/i.exec(text.trim());
  if (!m) return undefined;
  let h = Number(m[1]);
  const mi = m[2] ? Number(m[2]) : 0;
  const ampm = m[3]?.toLowerCase();
  if (ampm) {
    if (h < 1 || h > 12) return undefined;
    h = (h % 12) + (ampm === 'pm' ? 12 : 0);
  } else if (!m[2]) {
    return undefined; // a bare number is not a time
  }
  return h <= 23 && mi <= 59 ? [h, mi] : undefined;
}

const monthOf = (word: string) => {
  const i = MONTHS.indexOf(word.slice(0, 3).toLowerCase());
  return i < 0 ? undefined : i + 1;
};

/** A Todoist DATE cell as an ISO instant, or undefined when it names no fixed date. */
export function todoistDate(raw: string, zone: string | undefined): string | undefined {
  const text = raw.trim();
  if (text.length > 64) return undefined;
  // A full instant with its offset.
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(text)) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  }
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::\d{2})?)?$/.exec(text);
  if (m) return zonedToIso(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), zone);
  // "Oct 5 2026", "Oct 5, 2026 at 9am", "5 October 2026 15:30"
  m = /^([a-z]{3,9})\.? (\d{1,2}),? (\d{4})(?:,? (?:at )?(.+))?$/i.exec(text);
  const n = m ? undefined : /^(\d{1,2}) ([a-z]{3,9})\.?,? (\d{4})(?:,? (?:at )?(.+))?$/i.exec(text);
  const [monthWord, day, year, time] = m ? [m[1], m[2], m[3], m[4]] : n ? [n[2], n[1], n[3], n[4]] : [];
  if (!monthWord || !day || !year) return undefined;
  const month = monthOf(monthWord);
  const hm = timeOf(time);
  if (!month || !hm) return undefined;
  return zonedToIso(+year, month, +day, hm[0], hm[1], zone);
}

/** Todoist CSV text → task drafts. */
export function importTodoist(input: unknown): ParsedImport {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    throw fileError('Not a Todoist CSV: send the file as text/csv');
  }
  const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      to: MAX_RECORDS + 1,
    });
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    throw fileError(`Not a readable CSV: ${err.message}`);
  }
  if (records.length > MAX_RECORDS) throw fileError(`At most ${MAX_RECORDS - 1} CSV rows`);
  const header = records.shift()?.map((h) => h.trim().toUpperCase());
  if (!header?.includes('TYPE') || !header.includes('CONTENT')) {
    throw fileError('Not a Todoist CSV: the header row must name TYPE and CONTENT columns');
  }
  const col = (name: string) => header.indexOf(name);
  const [TYPE, CONTENT, DESCRIPTION, PRIORITY, DATE, TIMEZONE, DEADLINE] = [
    'TYPE',
    'CONTENT',
    'DESCRIPTION',
    'PRIORITY',
    'DATE',
    'TIMEZONE',
    'DEADLINE',
  ].map(col) as number[];
  const cell = (cells: string[], i: number | undefined) => (i === undefined || i < 0 ? '' : (cells[i] ?? ''));

  const drafts: DraftRow[] = [];
  const rowErrors: ParsedImport['rowErrors'] = [];
  let section: string | undefined;
  /** The last task's parts, so a note row can add to its description. */
  let last: { draft: DraftRow; notes: string[]; body: Array<string | undefined> } | undefined;
  const finish = () => {
    if (last) last.draft.draft.description = joinText([...last.body, ...last.notes]);
  };

  records.forEach((cells, i) => {
    const row = i + 1;
    if (cells.every((c) => c.trim() === '')) return;
    const type = cell(cells, TYPE).trim();
    const content = cell(cells, CONTENT);
    if (type === 'meta') return;
    if (type === 'section') {
      section = content.trim() || undefined;
      return;
    }
    if (type === 'note') {
      if (last && content.trim()) last.notes.push(`Comment: ${content.trim()}`);
      return;
    }
    if (type !== 'task') {
      rowErrors.push({ row, errors: [{ path: 'TYPE', message: 'Expected task, section, note or meta' }] });
      return;
    }
    finish();
    const labels: string[] = [];
    const title = content
      .replace(/(^|\s)@([^\s@]+)/g, (_m, space: string, label: string) => {
        labels.push(label);
        return space;
      })
      .replace(/\s+/g, ' ')
      .trim();
    const priorityCell = cell(cells, PRIORITY).trim();
    const dateCell = cell(cells, DATE).trim() || cell(cells, DEADLINE).trim();
    const zone = cell(cells, TIMEZONE).trim() || undefined;
    const due = dateCell ? todoistDate(dateCell, zone) : undefined;
    const draft: DraftRow = {
      row,
      draft: {
        title,
        tags: tagsOf([section, ...labels]),
        dueDate: due ?? null,
      },
    };
    if (priorityCell) {
      const priority = PRIORITIES[priorityCell];
      // An out-of-range PRIORITY fails the row through the shared schema's enum check.
      draft.draft.priority = priority ?? (priorityCell as TaskPriority);
    }
    last = {
      draft,
      notes: [],
      body: [cell(cells, DESCRIPTION), dateCell && !due ? `Todoist due: ${dateCell}` : undefined],
    };
    drafts.push(draft);
  });
  finish();
  checkRowCount(drafts.length + rowErrors.length);
  return { drafts, rowErrors, skipped: 0 };
}
