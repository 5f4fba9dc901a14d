/**
 * The one list of a task's fields (TASK_FIELDS): how each is held in a row, shown in the API's `Task`, written by
 * a client and written to CSV. Everything that handles every field is derived from it: the repositories' column
 * lists and SQL, the DTO, the history's diff, the patch, the CSV header, cells and import. Adding a field touches
 * the migration, the Drizzle table, the shared zod schema and this map (tasks.fields.test.ts checks they agree).
 */
import type { CreateTaskBody, Task } from '@primetrade/shared';

/**
 * How a field's value is held: `text` (as is), `enum` (a word: trimmed when read from CSV), `time` (a Date in a
 * row, ISO 8601 text in the API, an empty CSV cell when null), `list` (text[]; `;`-joined in CSV), `int`,
 * `json` (jsonb: an object in the row and the API, its JSON text in CSV, an empty cell when null).
 */
type FieldKind = 'text' | 'uuid' | 'enum' | 'time' | 'list' | 'int' | 'json';

interface FieldSpec {
  kind: FieldKind;
  /** Set by the client (create, PATCH/PUT, bulk, import); the others are the server's. */
  writable: boolean;
  /** Recorded in the history (and its `changes`) when it changes. */
  tracked: boolean;
}

/** In the API's order (the JSON, the CSV columns, the list's SELECT). */
export const TASK_FIELDS = {
  id: { kind: 'text', writable: false, tracked: false },
  title: { kind: 'text', writable: true, tracked: true },
  description: { kind: 'text', writable: true, tracked: true },
  status: { kind: 'enum', writable: true, tracked: true },
  priority: { kind: 'enum', writable: true, tracked: true },
  dueDate: { kind: 'time', writable: true, tracked: true },
  tags: { kind: 'list', writable: true, tracked: true },
  completedAt: { kind: 'time', writable: false, tracked: true },
  createdAt: { kind: 'time', writable: false, tracked: false },
  updatedAt: { kind: 'time', writable: false, tracked: false },
  version: { kind: 'int', writable: false, tracked: false },
  // Issue 15: the project (writable: a create's target, a PATCH's move), then the board's fields (the server's).
  projectId: { kind: 'uuid', writable: true, tracked: true },
  // Assignee and parent (issue 15 item 5): set by create / PATCH after the service's checks, in the history.
  assigneeId: { kind: 'uuid', writable: true, tracked: true },
  parentId: { kind: 'uuid', writable: true, tracked: true },
  position: { kind: 'text', writable: false, tracked: false },
  // Kept by the database (the tasks_subtask_counts triggers).
  subtaskCount: { kind: 'int', writable: false, tracked: false },
  subtaskDoneCount: { kind: 'int', writable: false, tracked: false },
  // Issue 17 item 1: the task repeats (tasks.recurrence.ts creates the next occurrence on completion).
  recurrence: { kind: 'json', writable: true, tracked: true },
  // Issue 17 item 2: its reminders (a list, never null); the database schedules them (modules/reminders).
  reminders: { kind: 'json', writable: true, tracked: true },
} as const satisfies Record<keyof Task, FieldSpec>;

type Specs = typeof TASK_FIELDS;
export type TaskField = keyof Specs;
export type WritableField = { [K in TaskField]: Specs[K]['writable'] extends true ? K : never }[TaskField];

/** A field's value in a row: a time is a Date (nullable when the API's value is). */
type RowValue<K extends TaskField> = Specs[K]['kind'] extends 'time'
  ? null extends Task[K]
    ? Date | null
    : Date
  : Task[K];

/** A task as its repository reads it. */
export type TaskRecord = { [K in TaskField]: RowValue<K> };

/** What a write sets: the writable fields, and completedAt (`'now'`: the database's clock). */
export type TaskWrite = { [K in WritableField]: RowValue<K> } & { completedAt: Date | null | 'now' };

// The writable fields are exactly the fields a client sends: a field added to one and not the other fails to compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const writableMatchesCreateBody: Same<WritableField, keyof CreateTaskBody> = true;
void writableMatchesCreateBody;

export const FIELD_NAMES = Object.keys(TASK_FIELDS) as TaskField[];
export const WRITABLE_FIELDS = FIELD_NAMES.filter((f) => TASK_FIELDS[f].writable) as WritableField[];
export const TRACKED_FIELDS = FIELD_NAMES.filter((f) => TASK_FIELDS[f].tracked);
const TIME_FIELDS = new Set(FIELD_NAMES.filter((f) => TASK_FIELDS[f].kind === 'time'));

export const isTimeField = (f: TaskField): boolean => TIME_FIELDS.has(f);

/**
 * A mapper compiled once from FIELD_NAMES into one object literal, in field order: as fast as a hand-written one
 * (assigning computed keys in a loop was ~15x slower on the list's hot path). The names are the constant keys
 * of TASK_FIELDS, checked to be identifiers.
 */
function compile<In, Out>(entry: (f: TaskField, i: number) => string): (r: In) => Out {
  for (const f of FIELD_NAMES) if (!/^[A-Za-z_]\w*$/.test(f)) throw new Error(`not an identifier: ${f}`);
  return new Function('r', `return { ${FIELD_NAMES.map(entry).join(', ')} };`) as (r: In) => Out;
}

/** A row's task in the API's shape (times as ISO 8601 text). */
export const toDto = compile<TaskRecord, Task>((f) =>
  isTimeField(f) ? `${f}: r.${f} ? r.${f}.toISOString() : null` : `${f}: r.${f}`,
);

/** A row read as an array in FIELD_NAMES order, with times already as ISO text (the list's hot path). */
export const fromListRow = compile<unknown[], Task>((f, i) => `${f}: r[${i}]`);

/** A writable field's API value as a row holds it (an ISO time becomes a Date). */
export function toRowValue<K extends WritableField>(f: K, value: CreateTaskBody[K]): TaskWrite[K] {
  if (isTimeField(f)) return (value === null ? null : new Date(value as string)) as TaskWrite[K];
  return value as TaskWrite[K];
}

/** An object's JSON with its keys sorted and undefined values left out (jsonb does not keep key order). */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : x,
  );
}

/** Equal as stored: times by instant, lists element by element. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : false;
  }
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => x === b[i] || canonical(x) === canonical(b[i]));
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) return canonical(a) === canonical(b);
  return a === b;
}

// ---- CSV ----

/** The CSV text of a task's fields, in FIELD_NAMES order (unquoted: the CSV writer quotes and guards). */
export function csvCells(t: Task): string[] {
  return FIELD_NAMES.map((f) => {
    const v = t[f];
    if (Array.isArray(v)) return TASK_FIELDS[f].kind === 'json' ? (v.length ? JSON.stringify(v) : '') : v.join(';');
    if (v !== null && typeof v === 'object') return JSON.stringify(v);
    return v === null ? '' : String(v);
  });
}

/** A CSV cell of an import as the field's value for the row's validation; undefined: an empty cell. */
export function fromCsvCell(f: WritableField, raw: string): unknown {
  switch (TASK_FIELDS[f].kind) {
    case 'list':
      return raw.trim() === '' ? undefined : raw.split(';').filter((t) => t.trim() !== '');
    case 'time':
      return raw.trim() === '' ? null : raw.trim();
    case 'enum':
      return raw === '' ? undefined : raw.trim();
    case 'json':
      // An empty cell: none (a recurrence's default is null, the reminders' an empty list).
      if (raw.trim() === '') return undefined;
      try {
        return JSON.parse(raw);
      } catch {
        return raw; // not JSON: the row's validation refuses it
      }
    default:
      return raw === '' ? undefined : raw;
  }
}
