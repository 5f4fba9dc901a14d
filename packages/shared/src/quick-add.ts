/**
 * Quick add (POST /tasks/parse): a line of text read into a task draft, nothing created. `spans` are UTF-16 offsets
 * into the text sent, one per recognised part, named after the draft field it fills.
 */
import { z } from 'zod';
import { envelope, ISO_DATE_TIME_MAX, text, timezone } from './common';
import { TAG_MAX, TAGS_MAX, taskPrioritySchema } from './tasks';

export const QUICK_ADD_TEXT_MAX = 500;

export const parseTaskBody = z.strictObject({
  text: text().min(1).max(QUICK_ADD_TEXT_MAX).describe('What the user typed, e.g. "call Ana tomorrow 5pm #home p1"'),
  timezone: timezone.optional().describe("Where dates and times are read; the user's timezone when absent"),
});
export type ParseTaskBody = z.infer<typeof parseTaskBody>;

/** The draft fields a span can name (the title is what is left: it has no span). */
export const QUICK_ADD_SPAN_FIELDS = ['dueDate', 'priority', 'tags', 'projectId', 'recurrence'] as const;
export type QuickAddSpanField = (typeof QUICK_ADD_SPAN_FIELDS)[number];

export const quickAddSpanSchema = z.object({
  start: z.number().int().min(0).max(QUICK_ADD_TEXT_MAX),
  end: z.number().int().min(0).max(QUICK_ADD_TEXT_MAX),
  field: z.enum(QUICK_ADD_SPAN_FIELDS),
});
export type QuickAddSpan = z.infer<typeof quickAddSpanSchema>;

/** `every …` read as a rule: FREQ=DAILY|WEEKLY|MONTHLY|YEARLY with INTERVAL, BYDAY, BYMONTHDAY only. */
export const draftRecurrenceSchema = z.object({
  rule: z.string().max(200).describe('RFC 5545 RRULE value, e.g. FREQ=MONTHLY;BYMONTHDAY=1'),
  mode: z.literal('due'),
});
export type DraftRecurrence = z.infer<typeof draftRecurrenceSchema>;

export const taskDraftSchema = z
  .object({
    /** The words that were not recognised, trimmed, inner spaces collapsed; may be empty. */
    title: z.string().max(QUICK_ADD_TEXT_MAX),
    /** ISO date-time in UTC; a date without a time is due at 23:59 that day in the timezone used. */
    dueDate: z.string().max(ISO_DATE_TIME_MAX).nullable(),
    /** null when the text names none (the task's default then applies). */
    priority: taskPrioritySchema.nullable(),
    tags: z.array(z.string().max(TAG_MAX)).max(TAGS_MAX),
    projectId: z.uuid().nullable(),
    recurrence: draftRecurrenceSchema.nullable(),
  })
  .meta({ id: 'TaskDraft' });
export type TaskDraft = z.infer<typeof taskDraftSchema>;

export const parsedTaskSchema = z
  .object({ draft: taskDraftSchema, spans: z.array(quickAddSpanSchema).max(QUICK_ADD_TEXT_MAX) })
  .meta({ id: 'ParsedTask' });
export type ParsedTask = z.infer<typeof parsedTaskSchema>;
export const parsedTaskEnvelope = envelope(parsedTaskSchema);
