/**
 * The task form's state, derived from the shared contract instead of a list of its own: the fields are those of
 * `createTaskBody`, a new task starts from that schema's defaults, and an edit sends only the fields that differ from
 * the version it started from. Each field is held as the text of its input; how a value becomes that text and back
 * (and when two values are the same) follows the field's kind in the schema: a list (tags), a date-time (dueDate) or
 * plain text (title, description, the enums).
 */
import { type CreateTaskBody, createTaskBody, type Task } from '@primetrade/shared';
import { fromLocalInput, toLocalInput } from '../../../lib/format';

export type TaskField = keyof CreateTaskBody;
export type FormValues = Record<TaskField, string>;

/** The part of a zod schema's definition read here: wrappers (default, optional, nullable, pipe) and the leaf type. */
interface SchemaNode {
  def: { type: string; innerType?: SchemaNode; in?: SchemaNode; element?: SchemaNode };
  format?: string | null;
}

interface Codec {
  toInput: (value: unknown) => string;
  fromInput: (text: string) => unknown;
  same: (a: unknown, b: unknown) => boolean;
}

const time = (v: unknown) => (typeof v === 'string' && v ? new Date(v).getTime() : null);
const joined = (v: unknown) => (Array.isArray(v) ? v.join('\u0000') : '');

const codecs = {
  list: {
    toInput: (v) => (Array.isArray(v) ? v.join(', ') : ''),
    fromInput: (text) =>
      text
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    same: (a, b) => joined(a) === joined(b),
  },
  dateTime: {
    toInput: (v) => toLocalInput(typeof v === 'string' ? v : null),
    fromInput: fromLocalInput,
    same: (a, b) => time(a) === time(b),
  },
  // An object (recurrence): its JSON, empty for null (the form's own control edits it).
  json: {
    toInput: (v) => (v === undefined || v === null ? '' : JSON.stringify(v)),
    fromInput: (text) => (text.trim() === '' ? null : (JSON.parse(text) as unknown)),
    same: (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null),
  },
  // A list of objects (reminders): its JSON, empty for none (the form's own control edits it).
  jsonList: {
    toInput: (v) => (Array.isArray(v) && v.length > 0 ? JSON.stringify(v) : ''),
    fromInput: (text) => (text.trim() === '' ? [] : (JSON.parse(text) as unknown)),
    same: (a, b) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []),
  },
  text: {
    toInput: (v) => (v === undefined || v === null ? '' : String(v)),
    fromInput: (text) => text,
    same: (a, b) => a === b,
  },
} satisfies Record<string, Codec>;

/**
 * An id chosen in a select (projectId, assigneeId, parentId): the empty choice is null where the schema allows
 * null ("nobody"), otherwise absent (the server's default: the inbox); null and absent are the same value.
 */
const idCodec = (nullable: boolean): Codec => ({
  toInput: (v) => (typeof v === 'string' ? v : ''),
  fromInput: (text) => (text ? text : nullable ? null : undefined),
  same: (a, b) => (a ?? null) === (b ?? null),
});

const inner = (node: SchemaNode) => node.def.innerType ?? node.def.in;

function codecOf(schema: SchemaNode): Codec {
  let node = schema;
  let nullable = false;
  for (let next = inner(node); next; next = inner(node)) {
    if (node.def.type === 'nullable') nullable = true;
    node = next;
  }
  if (node.def.type === 'array') {
    let element = node.def.element;
    for (let next = element && inner(element); element && next; next = inner(element)) element = next;
    return element?.def.type === 'object' ? codecs.jsonList : codecs.list;
  }
  if (node.def.type === 'object') return codecs.json;
  if (node.def.type === 'string' && node.format === 'uuid') return idCodec(nullable);
  if (node.def.type === 'string' && node.format === 'datetime') return codecs.dateTime;
  return codecs.text;
}

const shape = createTaskBody.shape;
export const TASK_FIELDS = Object.keys(shape) as TaskField[];
const fieldCodecs = Object.fromEntries(
  TASK_FIELDS.map((f) => [f, codecOf(shape[f] as unknown as SchemaNode)]),
) as Record<TaskField, Codec>;

const byField = <T>(fn: (f: TaskField, codec: Codec) => T) =>
  Object.fromEntries(TASK_FIELDS.map((f) => [f, fn(f, fieldCodecs[f])])) as Record<TaskField, T>;

/** A field's default in the schema (undefined for a required field such as the title). */
function defaultOf(f: TaskField): unknown {
  const r = shape[f].safeParse(undefined);
  return r.success ? r.data : undefined;
}

/** A new task's form: the schema's defaults. */
export const emptyValues: FormValues = byField((f, c) => c.toInput(defaultOf(f)));

/** The form of an existing task. */
export const valuesOf = (t: Task): FormValues => byField((f, c) => c.toInput(t[f]));

/** The request body the form's text stands for (validated by the caller with the shared schema). */
export const toBody = (v: FormValues): Record<TaskField, unknown> => byField((f, c) => c.fromInput(v[f]));

/** Only the fields that differ from the version the edit started from. */
export function diff(base: Task, values: FormValues): Partial<Record<TaskField, unknown>> {
  const body = toBody(values);
  const patch: Partial<Record<TaskField, unknown>> = {};
  for (const f of TASK_FIELDS) if (!fieldCodecs[f].same(body[f], base[f])) patch[f] = body[f];
  return patch;
}
