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
export const IMPORT_MAX_ROWS = 10_000;

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
});
export type PatchTaskBody = z.infer<typeof patchTaskBody>;

export const TASK_SORT_FIELDS = ['createdAt', 'updatedAt', 'dueDate', 'priority', 'title'] as const;
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
};

export const listTasksQuery = z.strictObject({
  ...taskFilterShape,
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
    patch: patchTaskBody,
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

export const HISTORY_TYPES = ['created', 'updated', 'completed', 'reopened', 'deleted'] as const;
export const historyEntrySchema = z
  .object({
    id: z.uuid(),
    type: z.enum(HISTORY_TYPES),
    changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
    createdAt: z.string(),
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
