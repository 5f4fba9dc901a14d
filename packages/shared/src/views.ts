/**
 * Saved views (api.md "Recurrence, reminders, views, quick add, undo"): a named GET /tasks query string in the
 * user's sidebar, in the user's order. The query is parsed with the list's own schema (listTasksQuery), so a view
 * that saves is a list that loads.
 */
import { z } from 'zod';
import { envelope, ISO_DATE_TIME_MAX, text } from './common';
import { listTasksQuery } from './tasks';

export const VIEW_NAME_MAX = 60;
/** The longest query string a view keeps. */
export const VIEW_QUERY_MAX = 2000;
/** How many saved views one user may have. */
export const VIEWS_MAX = 100;
/** Paging is not part of a view: it names a list, not a page of it. */
export const VIEW_QUERY_REFUSED_KEYS = ['cursor', 'page'] as const;

export interface ViewQueryIssue {
  path: string;
  message: string;
}

/**
 * The problems of a view's query string (`status=pending&sort=-dueDate`, a leading `?` allowed), exactly as GET
 * /tasks would see them: a repeated key, `cursor` or `page`, or anything listTasksQuery refuses. Empty when valid.
 */
export function viewQueryIssues(query: string): ViewQueryIssue[] {
  const params = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  const issues: ViewQueryIssue[] = [];
  const object: Record<string, string> = {};
  for (const [key, value] of params) {
    if (key in object) issues.push({ path: key, message: 'Appears more than once' });
    else if ((VIEW_QUERY_REFUSED_KEYS as readonly string[]).includes(key)) {
      issues.push({ path: key, message: 'Paging is not saved in a view' });
    } else object[key] = value;
  }
  const parsed = listTasksQuery.safeParse(object);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.length ? issue.path.join('.') : '(query)';
      issues.push({ path, message: issue.message });
    }
  }
  return issues;
}

/** A view's query: stored without its leading `?`, checked like GET /tasks. */
export const viewQuerySchema = text()
  .max(VIEW_QUERY_MAX)
  .transform((q) => (q.startsWith('?') ? q.slice(1) : q))
  .superRefine((q, ctx) => {
    for (const issue of viewQueryIssues(q)) {
      ctx.addIssue({ code: 'custom', message: `${issue.path}: ${issue.message}`, input: q });
    }
  });

export const viewNameSchema = text().trim().min(1).max(VIEW_NAME_MAX);
const positionSchema = z.number().int().min(0).max(VIEWS_MAX);

export const savedViewSchema = z
  .object({
    id: z.uuid(),
    name: z.string().max(VIEW_NAME_MAX),
    query: z.string().max(VIEW_QUERY_MAX),
    position: z.number().int(),
    createdAt: z.string().max(ISO_DATE_TIME_MAX),
    updatedAt: z.string().max(ISO_DATE_TIME_MAX),
  })
  .meta({ id: 'SavedView' });
export type SavedView = z.infer<typeof savedViewSchema>;

/** POST /views: appended at the end unless `position` says where (the others move down). */
export const createViewBody = z.strictObject({
  name: viewNameSchema,
  query: viewQuerySchema,
  position: positionSchema.optional(),
});
export type CreateViewBody = z.infer<typeof createViewBody>;

/** PATCH /views/:id: rename, change the query, or move it to `position` (0 = first; the others shift). */
export const patchViewBody = z
  .strictObject({
    name: viewNameSchema.optional(),
    query: viewQuerySchema.optional(),
    position: positionSchema.optional(),
  })
  .refine((b) => b.name !== undefined || b.query !== undefined || b.position !== undefined, {
    message: 'Nothing to change: give name, query or position',
  });
export type PatchViewBody = z.infer<typeof patchViewBody>;

export const savedViewEnvelope = envelope(savedViewSchema);
export const savedViewListEnvelope = envelope(z.array(savedViewSchema).max(VIEWS_MAX));
