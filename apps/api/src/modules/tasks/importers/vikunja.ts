/**
 * A Vikunja data export (Settings → Export your data): a zip holding `VERSION`, `data.json`, `filters.json` and
 * `files/<id>` attachments. Only `data.json` is read, from the zip or sent on its own (application/json).
 *
 * data.json is an array of projects `{ id, title, is_archived, parent_project_id, child_projects?, tasks: [{ title,
 * description (HTML), done, due_date, priority, percent_done, labels: [{ title }] }] }`; exports before 0.21 hold
 * namespaces with `lists` of the same shape instead, read the same way.
 *
 * - Each task is numbered by its position when projects are read in file order, children after their parent
 *   (1-based). Tasks of archived projects, and the Favorites pseudo project (id -1, which repeats other projects'
 *   tasks), are skipped.
 * - Tags: the project's title and the task's label titles.
 * - `done` → completed; else `percent_done` between 0 and 1 (exclusive) → in_progress; else pending.
 * - Priority (Vikunja's 0-5): 0 unset → medium, 1 low, 2 medium, 3 high, 4 urgent, 5 "DO NOW" → urgent.
 * - `due_date`: Vikunja writes `0001-01-01T00:00:00Z` for none → null.
 * - The description's HTML becomes plain text.
 *
 * The zip is read with fflate's streaming inflate in 4 KiB steps (at most ~4 MiB of output each) and stops as soon
 * as data.json passes the import's size limit, so a zip bomb costs at most that much work, not its full size.
 */
import type { TaskPriority, TaskStatus } from '@primetrade/shared';
import { Unzip, UnzipInflate } from 'fflate';
import {
  asJson,
  checkRowCount,
  type DraftRow,
  fileError,
  htmlToText,
  isRecord,
  isoOf,
  type ParsedImport,
  str,
  tagsOf,
} from './drafts';

/** The largest data.json read from a zip: the import body's limit. */
export const VIKUNJA_DATA_MAX = 10 * 1024 * 1024;
/** Compressed bytes per inflate step: deflate expands at most ~1032:1, so one step yields at most ~4 MiB. */
const STEP = 4 * 1024;
/** How deep child projects may nest before the file is refused (Vikunja's own UI goes a few levels). */
const MAX_DEPTH = 32;

const PRIORITIES: Record<number, TaskPriority> = {
  0: 'medium',
  1: 'low',
  2: 'medium',
  3: 'high',
  4: 'urgent',
  5: 'urgent',
};

const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

class TooLarge extends Error {}

/** data.json's bytes from a Vikunja export zip; 400 when it is not a zip, has no data.json or it is too large. */
export function dataJsonFromZip(zip: Uint8Array, max = VIKUNJA_DATA_MAX): Uint8Array {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let found = false;
  let done = false;
  const unzip = new Unzip((file) => {
    if (file.name !== 'data.json' || found) return;
    found = true;
    file.ondata = (err, data, final) => {
      if (err) throw err;
      size += data.length;
      if (size > max) throw new TooLarge();
      chunks.push(data);
      if (final) done = true;
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  try {
    for (let i = 0; i < zip.length && !done; i += STEP) unzip.push(zip.subarray(i, i + STEP), i + STEP >= zip.length);
  } catch (err) {
    if (err instanceof TooLarge) throw fileError(`data.json is larger than ${max} bytes`);
    throw fileError('Not a readable zip file');
  }
  if (!found) throw fileError('Not a Vikunja export: the zip has no data.json');
  if (!done) throw fileError('Not a readable zip file: data.json is cut short');
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function statusOf(task: Record<string, unknown>): TaskStatus {
  if (task.done === true) return 'completed';
  const p = task.percent_done;
  return typeof p === 'number' && p > 0 && p < 1 ? 'in_progress' : 'pending';
}

function dueOf(value: unknown): string | null | undefined {
  const s = str(value);
  if (!s || s.startsWith('0001-01-01')) return null;
  return isoOf(s);
}

/** A Vikunja export zip or its data.json (parsed, text or bytes) → task drafts. */
export function importVikunja(input: unknown): ParsedImport {
  const json = input instanceof Uint8Array && isZip(input) ? dataJsonFromZip(input) : input;
  const data = asJson(json, 'a Vikunja export');
  if (!Array.isArray(data) || !data.every(isRecord)) {
    throw fileError('Not a Vikunja export: data.json must be an array of projects');
  }
  const drafts: DraftRow[] = [];
  const rowErrors: ParsedImport['rowErrors'] = [];
  let skipped = 0;
  let row = 0;

  const project = (p: Record<string, unknown>, depth: number) => {
    if (depth > MAX_DEPTH) throw fileError(`Not a Vikunja export: projects nest deeper than ${MAX_DEPTH}`);
    const tasks = Array.isArray(p.tasks) ? p.tasks : [];
    const skip = p.is_archived === true || p.id === -1;
    for (const t of tasks) {
      row++;
      if (skip) {
        skipped++;
        continue;
      }
      if (!isRecord(t)) {
        rowErrors.push({ row, errors: [{ path: 'task', message: 'A task is a JSON object' }] });
        continue;
      }
      const dueDate = dueOf(t.due_date);
      if (dueDate === undefined) {
        rowErrors.push({ row, errors: [{ path: 'due_date', message: 'Not a date-time' }] });
        continue;
      }
      const priority = typeof t.priority === 'number' ? PRIORITIES[t.priority] : 'medium';
      drafts.push({
        row,
        draft: {
          title: str(t.title) ?? '',
          description: htmlToText(str(t.description) ?? ''),
          status: statusOf(t),
          // An out-of-range number fails the row through the shared schema's enum check.
          priority: priority ?? (String(t.priority) as TaskPriority),
          dueDate,
          tags: tagsOf([p.title, ...(Array.isArray(t.labels) ? t.labels : []).map((l) => (isRecord(l) ? l.title : l))]),
        },
      });
    }
    // Before 0.21: a namespace's lists; since: child projects (when nested rather than listed flat).
    for (const key of ['lists', 'child_projects']) {
      const children = p[key];
      if (Array.isArray(children)) for (const c of children) if (isRecord(c)) project(c, depth + 1);
    }
  };
  for (const p of data) project(p, 0);
  checkRowCount(drafts.length + rowErrors.length);
  return { drafts, rowErrors, skipped };
}
