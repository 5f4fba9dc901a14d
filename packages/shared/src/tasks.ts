import { z } from 'zod';
import { envelope, isoDateTime, queryInt, text } from './common';

export const TASK_STATUSES = ['pending', 'in_progress', 'completed', 'cancelled'] as const;
export const TASK_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export const taskStatusSchema = z.enum(TASK_STATUSES);
export const taskPrioritySchema = z.enum(TASK_PRIORITIES);
export type TaskStatus = z.infer<typeof taskStatusSchema>;
export type TaskPriority = z.infer<typeof taskPrioritySchema>;

export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 5000;
export const TAGS_MAX = 10;
export const TAG_MAX = 30;
export const BULK_MAX = 500;
/** The longest board position key a client may send (the server rebalances a column past 64). */
export const POSITION_MAX = 128;
export const IMPORT_MAX_ROWS = 10_000;

// ---- Recurrence (api.md "Recurrence, reminders, views, quick add, undo"; issue 17 item 1) ----

export const RECURRENCE_MODES = ['due', 'completion'] as const;
export type RecurrenceMode = (typeof RECURRENCE_MODES)[number];
export const RECURRENCE_FREQS = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'] as const;
export type RecurrenceFreq = (typeof RECURRENCE_FREQS)[number];
export const RRULE_MAX = 200;
export const RECURRENCE_INTERVAL_MAX = 999;
export const RECURRENCE_COUNT_MAX = 1000;
const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

/** A rule read into its parts (FREQ, INTERVAL, BYDAY, BYMONTHDAY); the API checks every rule with parseRecurrenceRule. */
export interface RecurrenceRuleParts {
  freq: RecurrenceFreq;
  interval: number;
  /** `MO`, or with an ordinal in a MONTHLY/YEARLY rule: `1MO`, `-1FR`. */
  byDay: Array<{ n: number | null; day: (typeof WEEKDAYS)[number] }>;
  byMonthDay: number[];
}

/**
 * An RFC 5545 RRULE value limited to FREQ=DAILY|WEEKLY|MONTHLY|YEARLY with INTERVAL, BYDAY, BYMONTHDAY
 * (`FREQ=MONTHLY;BYMONTHDAY=31`; an `RRULE:` prefix is allowed). Anything else (COUNT and UNTIL are the
 * recurrence's own `count` / `until`) → an error message; otherwise the parts.
 */
export function parseRecurrenceRule(rule: string): RecurrenceRuleParts | string {
  const body = rule.trim().replace(/^RRULE:/i, '');
  if (body === '') return 'A rule needs FREQ';
  const seen = new Map<string, string>();
  for (const part of body.split(';')) {
    const m = /^([A-Za-z]+)=([^=;]+)$/.exec(part.trim());
    if (!m) return `Not a rule part: "${part.slice(0, 40)}"`;
    const key = (m[1] as string).toUpperCase();
    if (seen.has(key)) return `${key} is given twice`;
    seen.set(key, (m[2] as string).trim().toUpperCase());
  }
  for (const key of seen.keys()) {
    if (!['FREQ', 'INTERVAL', 'BYDAY', 'BYMONTHDAY'].includes(key)) {
      return key === 'COUNT' || key === 'UNTIL'
        ? `${key} is not part of the rule: use the recurrence's ${key.toLowerCase()}`
        : `${key} is not supported (FREQ, INTERVAL, BYDAY and BYMONTHDAY are)`;
    }
  }
  const freq = seen.get('FREQ');
  if (!freq) return 'A rule needs FREQ';
  if (!(RECURRENCE_FREQS as readonly string[]).includes(freq)) return 'FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY';
  const intervalText = seen.get('INTERVAL') ?? '1';
  if (!/^\d{1,3}$/.test(intervalText) || Number(intervalText) < 1)
    return `INTERVAL must be 1 to ${RECURRENCE_INTERVAL_MAX}`;
  const byDay: RecurrenceRuleParts['byDay'] = [];
  const dayText = seen.get('BYDAY');
  if (dayText !== undefined) {
    for (const d of dayText.split(',')) {
      const dm = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(d.trim());
      if (!dm) return `Not a BYDAY value: "${d.slice(0, 10)}"`;
      const n = dm[1] === undefined ? null : Number(dm[1]);
      if (n !== null && (n === 0 || Math.abs(n) > 53)) return `Not a BYDAY value: "${d.slice(0, 10)}"`;
      if (n !== null && freq !== 'MONTHLY' && freq !== 'YEARLY')
        return 'A BYDAY ordinal (1MO) needs FREQ=MONTHLY or YEARLY';
      if (n !== null && freq === 'MONTHLY' && Math.abs(n) > 5) return 'A monthly BYDAY ordinal is -5 to 5';
      byDay.push({ n, day: dm[2] as RecurrenceRuleParts['byDay'][number]['day'] });
    }
  }
  const byMonthDay: number[] = [];
  const monthDayText = seen.get('BYMONTHDAY');
  if (monthDayText !== undefined) {
    if (freq === 'WEEKLY') return 'BYMONTHDAY cannot be used with FREQ=WEEKLY';
    for (const d of monthDayText.split(',')) {
      if (!/^[+-]?\d{1,2}$/.test(d.trim())) return `Not a BYMONTHDAY value: "${d.slice(0, 10)}"`;
      const n = Number(d.trim());
      if (n === 0 || Math.abs(n) > 31) return 'BYMONTHDAY is -31 to -1 or 1 to 31';
      byMonthDay.push(n);
    }
  }
  return { freq: freq as RecurrenceFreq, interval: Number(intervalText), byDay, byMonthDay };
}

/** The rule as stored and shown: upper case, no `RRULE:` prefix, its parts in a fixed order. */
export function normalizeRecurrenceRule(parts: RecurrenceRuleParts): string {
  const out = [`FREQ=${parts.freq}`];
  if (parts.interval !== 1) out.push(`INTERVAL=${parts.interval}`);
  if (parts.byDay.length) out.push(`BYDAY=${parts.byDay.map((d) => `${d.n ?? ''}${d.day}`).join(',')}`);
  if (parts.byMonthDay.length) out.push(`BYMONTHDAY=${parts.byMonthDay.join(',')}`);
  return out.join(';');
}

export const recurrenceRuleSchema = z
  .string()
  .max(RRULE_MAX)
  .transform((rule, ctx) => {
    const parts = parseRecurrenceRule(rule);
    if (typeof parts === 'string') {
      ctx.addIssue({ code: 'custom', message: parts });
      return z.NEVER;
    }
    return normalizeRecurrenceRule(parts);
  })
  .describe('RFC 5545 RRULE value: FREQ=DAILY|WEEKLY|MONTHLY|YEARLY with INTERVAL, BYDAY, BYMONTHDAY only');

/**
 * A task's recurrence: the rule, how the next date is found — `due`: the rule's next date after the completed
 * occurrence's due date; `completion`: the rule's next date after the day it was completed, at the due date's time
 * of day — in the task owner's timezone (the wall time stays across DST), and an optional end: `count`, the
 * occurrences left with this one included (each next occurrence carries one less; at 1 there is no next), or
 * `until` (no occurrence after it). The task needs a dueDate. docs/api/recurrence.md.
 */
export const recurrenceInputSchema = z
  .strictObject({
    rule: recurrenceRuleSchema,
    mode: z.enum(RECURRENCE_MODES),
    until: isoDateTime.optional(),
    count: z.number().int().min(1).max(RECURRENCE_COUNT_MAX).optional(),
  })
  .refine((r) => r.until === undefined || r.count === undefined, {
    message: 'A recurrence ends by count or by until, not both',
    path: ['count'],
  });
export type RecurrenceInput = z.input<typeof recurrenceInputSchema>;

export const recurrenceSchema = z
  .object({
    rule: z.string().max(RRULE_MAX),
    mode: z.enum(RECURRENCE_MODES),
    until: z.string().max(64).optional(),
    count: z.number().int().min(1).max(RECURRENCE_COUNT_MAX).optional(),
  })
  .meta({ id: 'Recurrence' });
export type Recurrence = z.infer<typeof recurrenceSchema>;

// ---- Reminders (api.md "Recurrence, reminders, views, quick add, undo"; issue 17 item 2) ----

export const REMINDERS_MAX = 5;
/** The shortest and longest `before` lead: PT15M … P7D. */
export const REMINDER_BEFORE_MIN_MINUTES = 15;
export const REMINDER_BEFORE_MAX_MINUTES = 7 * 24 * 60;

/**
 * An ISO 8601 duration of weeks, days, hours and minutes (`PT15M`, `PT1H30M`, `P1D`, `P1W`; no years, months or
 * seconds: their length varies or is below the scheduler's resolution) → minutes, or an error message.
 */
export function parseReminderDuration(text: string): number | string {
  const m = /^P(?:(\d{1,3})W)?(?:(\d{1,4})D)?(?:T(?:(\d{1,5})H)?(?:(\d{1,6})M)?)?$/.exec(text.trim().toUpperCase());
  if (!m || text.trim().toUpperCase() === 'P' || /T$/.test(text.trim()))
    return 'An ISO 8601 duration of weeks, days, hours and minutes (PT15M … P7D)';
  const [w, d, h, min] = [m[1], m[2], m[3], m[4]].map((x) => Number(x ?? 0)) as [number, number, number, number];
  const minutes = ((w * 7 + d) * 24 + h) * 60 + min;
  if (minutes < REMINDER_BEFORE_MIN_MINUTES || minutes > REMINDER_BEFORE_MAX_MINUTES)
    return 'A reminder is 15 minutes (PT15M) to 7 days (P7D) before the due date';
  return minutes;
}

/** Minutes as the shortest duration text: 90 → `PT1H30M`, 1440 → `P1D`, 2880 + 60 → `P2DT1H`. */
export function formatReminderDuration(minutes: number): string {
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const time = `${h ? `${h}H` : ''}${m ? `${m}M` : ''}`;
  return `P${d ? `${d}D` : ''}${time ? `T${time}` : ''}`;
}

const reminderBeforeSchema = z
  .string()
  .max(32)
  .transform((v, ctx) => {
    const minutes = parseReminderDuration(v);
    if (typeof minutes === 'string') {
      ctx.addIssue({ code: 'custom', message: minutes });
      return z.NEVER;
    }
    return formatReminderDuration(minutes);
  })
  .describe('ISO 8601 duration before the due date, PT15M to P7D (stored in its shortest form)');

/** One reminder as a client sends it: at an instant, or a lead before the task's due date. */
export const reminderInputSchema = z
  .strictObject({
    at: isoDateTime.transform((v) => new Date(v).toISOString()).optional(),
    before: reminderBeforeSchema.optional(),
  })
  .refine((r) => (r.at === undefined) !== (r.before === undefined), {
    message: 'A reminder is either { at } or { before }',
  })
  .transform((r): { at: string } | { before: string } =>
    r.at !== undefined ? { at: r.at } : { before: r.before as string },
  );

/** Up to 5, duplicates dropped (the same instant or the same lead fires once anyway). */
export const remindersInputSchema = z
  .array(reminderInputSchema)
  .max(REMINDERS_MAX, { message: `At most ${REMINDERS_MAX} reminders` })
  .transform((list) => {
    const seen = new Set<string>();
    return list.filter((r) => {
      const k = 'at' in r ? `at:${r.at}` : `before:${r.before}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  });

export const reminderSchema = z
  .union([z.object({ at: z.string().max(64) }), z.object({ before: z.string().max(32) })])
  .meta({ id: 'Reminder' });
export type Reminder = z.infer<typeof reminderSchema>;

/** The message when a `before` reminder has no due date to be before (400, path `reminders`). */
export const REMINDER_NEEDS_DUE_DATE = 'A reminder before the due date needs a dueDate';
export const hasBeforeReminder = (list: readonly Reminder[] | null | undefined): boolean =>
  (list ?? []).some((r) => 'before' in r);

/**
 * The reminders of the next occurrence of a recurring task, whose due date is `shiftMs` later: an `at` moves with
 * the due date (it keeps its distance to it), a `before` stays as it is (recomputed from the new due date).
 */
export const shiftReminders = (list: readonly Reminder[], shiftMs: number): Reminder[] =>
  list.map((r) => ('at' in r ? { at: new Date(new Date(r.at).getTime() + shiftMs).toISOString() } : { ...r }));

export const taskSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    description: z.string(),
    status: taskStatusSchema,
    priority: taskPrioritySchema,
    dueDate: z.string().nullable(),
    tags: z.array(z.string()),
    completedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int(),
    /** The project the task is in (the creator's inbox unless given). */
    projectId: z.uuid(),
    /** A member of the project, or null. */
    assigneeId: z.uuid().nullable(),
    /** The parent task (one level deep), or null. */
    parentId: z.uuid().nullable(),
    /** The sort key within a status column of the project's board, or null. */
    position: z.string().max(POSITION_MAX).nullable(),
    /** Its live subtasks, and how many of them are completed (issue 15 item 5). */
    subtaskCount: z.number().int(),
    subtaskDoneCount: z.number().int(),
    /** Repeats (issue 17 item 1): completing it creates the next occurrence; null: a one-off task. */
    recurrence: recurrenceSchema.nullable(),
    /**
     * Reminders (issue 17 item 2): up to 5, `{ at }` an instant or `{ before }` a lead before the due date; each
     * fires once per occurrence (email, and Web Push where subscribed), never for a completed or deleted task.
     */
    reminders: z.array(reminderSchema).max(REMINDERS_MAX),
  })
  .meta({ id: 'Task' });
export type Task = z.infer<typeof taskSchema>;

/** PostgreSQL text cannot hold U+0000: refuse it with a 400 instead of failing in the database. */
const noNul = (s: string) => !s.includes('\u0000');
const NUL_MESSAGE = 'Must not contain NUL characters';

export const titleSchema = text().trim().min(1).max(TITLE_MAX).refine(noNul, NUL_MESSAGE);
export const descriptionSchema = text().max(DESCRIPTION_MAX).refine(noNul, NUL_MESSAGE);
/** Tags are trimmed, lower-cased and de-duplicated; more than 10 distinct is refused. */
export const tagsSchema = z
  .array(text().trim().toLowerCase().min(1).max(TAG_MAX).refine(noNul, NUL_MESSAGE))
  .max(100)
  .transform((tags) => [...new Set(tags)])
  .refine((tags) => tags.length <= TAGS_MAX, { message: `At most ${TAGS_MAX} distinct tags` });
export const dueDateSchema = isoDateTime.nullable();

export const createTaskBody = z.strictObject({
  title: titleSchema,
  description: descriptionSchema.default(''),
  status: taskStatusSchema.default('pending'),
  priority: taskPrioritySchema.default('medium'),
  dueDate: dueDateSchema.default(null),
  tags: tagsSchema.default([]),
  /** A project where the caller is owner or editor; absent: the caller's inbox. */
  projectId: z.uuid().optional(),
  /** A member of the task's project, or null (issue 15 item 5); absent: unassigned (PUT: kept). */
  assigneeId: z.uuid().nullable().optional(),
  /** A top-level task of the same project (one level deep), or null; absent: top level (PUT: kept). */
  parentId: z.uuid().nullable().optional(),
  /** Makes it repeat (needs a dueDate); null: a one-off task. */
  recurrence: recurrenceInputSchema.nullable().default(null),
  /** Up to 5 reminders; a `before` one needs a dueDate (400 otherwise). Absent: none (PUT: none). */
  reminders: remindersInputSchema.default([]),
});
export type CreateTaskBody = z.infer<typeof createTaskBody>;
export type CreateTaskInput = z.input<typeof createTaskBody>;

/** PUT: full replacement; title required, the rest take their defaults. */
export const replaceTaskBody = createTaskBody;

export const patchTaskBody = z.strictObject({
  title: titleSchema.optional(),
  description: descriptionSchema.optional(),
  status: taskStatusSchema.optional(),
  priority: taskPrioritySchema.optional(),
  dueDate: dueDateSchema.optional(),
  tags: tagsSchema.optional(),
  /** Move to another project: editor (or owner) in both; its subtasks move with it. */
  projectId: z.uuid().optional(),
  assigneeId: z.uuid().nullable().optional(),
  parentId: z.uuid().nullable().optional(),
  recurrence: recurrenceInputSchema.nullable().optional(),
  /** Replaces the task's reminders (a `before` one needs the task to have a dueDate). */
  reminders: remindersInputSchema.optional(),
  /**
   * The board (issue 15 item 4): `before` / `after` name the task the moved one goes immediately before / after
   * in its (new) status column; the server computes `position`. `position` sets a key directly (base-62
   * fractional index, unique in the column). Without any of them a status or project change puts the task at
   * the end of its new column.
   */
  position: z
    .string()
    .min(1)
    .max(POSITION_MAX)
    .regex(/^[0-9A-Za-z]+$/, 'A base-62 sort key')
    .optional(),
  before: z.uuid().optional(),
  after: z.uuid().optional(),
});
export type PatchTaskBody = z.infer<typeof patchTaskBody>;

export const TASK_SORT_FIELDS = ['createdAt', 'updatedAt', 'dueDate', 'priority', 'title', 'position'] as const;
export const taskSortSchema = z.enum([...TASK_SORT_FIELDS, ...TASK_SORT_FIELDS.map((f) => `-${f}` as const)] as [
  string,
  ...string[],
]);

/** A comma list of enum values (`status=pending,completed`): at least one, and no more than there are values. */
const commaList = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(',').map((v) => v.trim()))
    .pipe(z.array(z.enum(values)).min(1).max(values.length));

/** GET /tasks and GET /tasks/export filters. */
export const taskFilterShape = {
  status: commaList(TASK_STATUSES).optional(),
  priority: commaList(TASK_PRIORITIES).optional(),
  tag: text().trim().toLowerCase().min(1).max(TAG_MAX).refine(noNul, NUL_MESSAGE).optional(),
  q: text().trim().max(200).refine(noNul, NUL_MESSAGE).optional(),
  dueBefore: isoDateTime.optional(),
  dueAfter: isoDateTime.optional(),
  overdue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  /** One of the caller's projects (a project the caller is not a member of is 404). */
  projectId: z.uuid().optional(),
  /** A user id, or `me`. */
  // type: 'string' on the union: both branches are strings (Spectral's no-numeric-ids reads the top-level type).
  assigneeId: z
    .union([z.literal('me'), z.uuid()])
    .meta({ type: 'string', maxLength: 36 })
    .optional(),
  /** A task id, or `none` (top-level tasks only). */
  parentId: z
    .union([z.literal('none'), z.uuid()])
    .meta({ type: 'string', maxLength: 36 })
    .optional(),
};

/** GET /tasks/stats: one project (a member's), or all the caller's projects. */
export const taskStatsQuery = z.strictObject({ projectId: z.uuid().optional() });
export type TaskStatsQuery = z.infer<typeof taskStatsQuery>;

/**
 * `view=today`: not done (status pending or in_progress) and due before the end of today in the user's time zone
 * (overdue included); `view=upcoming`: not done and due from the start of today to the end of the sixth day after
 * it, in the user's time zone (the dashboard's "due this week" card). Only GET /tasks takes it.
 */
export const TASK_VIEWS = ['today', 'upcoming'] as const;
export const taskViewSchema = z.enum(TASK_VIEWS);
export type TaskView = z.infer<typeof taskViewSchema>;

export const listTasksQuery = z.strictObject({
  ...taskFilterShape,
  view: taskViewSchema.optional(),
  sort: taskSortSchema.optional(),
  limit: queryInt(1, 100).default(20),
  cursor: text().max(1024).optional(),
  page: queryInt(1, 1_000_000).optional(),
});
export type ListTasksQuery = z.infer<typeof listTasksQuery>;

export const exportTasksQuery = z.strictObject({
  ...taskFilterShape,
  sort: taskSortSchema.optional(),
  format: z.enum(['csv', 'json']).default('json'),
});
export type ExportTasksQuery = z.infer<typeof exportTasksQuery>;

export const cursorMetaSchema = z.object({
  limit: z.number().int(),
  hasMore: z.boolean(),
  nextCursor: z.string().nullable(),
});
export const taskListMetaSchema = z.union([
  cursorMetaSchema,
  z.object({
    page: z.number().int(),
    limit: z.number().int(),
    total: z.number().int(),
    totalPages: z.number().int(),
  }),
]);
export const taskListEnvelope = z.object({
  success: z.literal(true),
  data: z.array(taskSchema),
  meta: taskListMetaSchema,
});
export const taskEnvelope = envelope(taskSchema);

export const bulkBody = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('update'),
    ids: z.array(z.uuid()).min(1).max(BULK_MAX),
    // Bulk sets no board position, parent or assignee (those are checked per task: PATCH /tasks/:id).
    // Nor a recurrence (it needs each task's dueDate); completing recurring tasks in bulk does create their next ones.
    patch: patchTaskBody.omit({
      position: true,
      before: true,
      after: true,
      parentId: true,
      assigneeId: true,
      recurrence: true,
      reminders: true,
    }),
  }),
  z.strictObject({
    action: z.literal('delete'),
    ids: z.array(z.uuid()).min(1).max(BULK_MAX),
  }),
]);
export type BulkBody = z.infer<typeof bulkBody>;
export const bulkResultEnvelope = envelope(z.object({ affected: z.number().int() }));

const countsBy = <T extends readonly string[]>(keys: T) =>
  z.object(Object.fromEntries(keys.map((k) => [k, z.number().int()])) as Record<T[number], z.ZodNumber>);

export const taskStatsSchema = z
  .object({
    total: z.number().int(),
    byStatus: countsBy(TASK_STATUSES),
    byPriority: countsBy(TASK_PRIORITIES),
    overdue: z.number().int(),
    dueToday: z.number().int(),
    dueThisWeek: z.number().int(),
    completedLast7Days: z.number().int(),
    completionRate: z.number(),
    avgCompletionHours: z.number().nullable(),
    daily: z.array(z.object({ date: z.string(), created: z.number().int(), completed: z.number().int() })),
  })
  .meta({ id: 'TaskStats' });
export type TaskStats = z.infer<typeof taskStatsSchema>;
export const taskStatsEnvelope = envelope(taskStatsSchema);

export const HISTORY_TYPES = ['created', 'updated', 'completed', 'reopened', 'deleted', 'restored'] as const;
export const historyEntrySchema = z
  .object({
    id: z.uuid(),
    type: z.enum(HISTORY_TYPES),
    changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
    createdAt: z.string(),
    /** Who made the change (issue 15 item 5); null with actorName "Deleted user" once the account is gone. */
    actorId: z.uuid().nullable(),
    actorName: z.string().max(100),
  })
  .meta({ id: 'TaskHistoryEntry' });
export type HistoryEntry = z.infer<typeof historyEntrySchema>;
export const historyEnvelope = envelope(z.array(historyEntrySchema));

/** The fields of a task that are the server's (not in the create body): an import accepts and ignores them. */
type ServerField = Exclude<keyof Task, keyof CreateTaskBody>;
const serverFields = Object.fromEntries(
  Object.keys(taskSchema.shape)
    .filter((k) => !(k in createTaskBody.shape))
    .map((k) => [k, z.unknown().optional()]),
) as Record<ServerField, z.ZodOptional<z.ZodUnknown>>;

/** A row of an import: the create fields; the read-only fields of an export (id, version, ...) are ignored. */
export const importRowSchema = z.strictObject({ ...createTaskBody.shape, ...serverFields });
