/**
 * The task list's URL state (filters, search, sort). Parsed without zod so that the router (initial bundle) does
 * not pull the validation library in; the value lists are checked against the shared contract's types.
 */
import type { TaskPriority, TaskStatus } from '@primetrade/shared';

export const STATUSES = ['pending', 'in_progress', 'completed', 'cancelled'] as const satisfies readonly TaskStatus[];
export const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const satisfies readonly TaskPriority[];
// Compile-time proof that the lists are complete.
type Exhaustive<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _statuses: Exhaustive<(typeof STATUSES)[number], TaskStatus> = true;
const _priorities: Exhaustive<(typeof PRIORITIES)[number], TaskPriority> = true;
void _statuses;
void _priorities;

/** The list's sort orders (their names: `tasks:sort.<value>`). */
export const SORTS = [
  { value: '-createdAt' },
  { value: 'createdAt' },
  { value: 'dueDate' },
  { value: '-dueDate' },
  { value: '-priority' },
  { value: 'priority' },
  { value: 'title' },
  { value: '-updatedAt' },
] as const;

/** The server-computed lists (GET /tasks?view=): today (overdue included) and the next 7 days, not done. */
export const VIEWS = ['today', 'upcoming'] as const;
export type TaskListView = (typeof VIEWS)[number];

export interface TaskSearch {
  view?: TaskListView;
  q?: string;
  status?: string;
  priority?: string;
  tag?: string;
  dueAfter?: string;
  dueBefore?: string;
  overdue?: boolean;
  sort?: string;
}

const str = (v: unknown, max: number) => (typeof v === 'string' && v.trim() && v.length <= max ? v : undefined);
const list = (v: unknown, allowed: readonly string[]) => {
  if (typeof v !== 'string') return undefined;
  const items = v.split(',').filter((x) => allowed.includes(x));
  return items.length ? [...new Set(items)].join(',') : undefined;
};
const isoDate = (v: unknown) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);

export function parseTaskSearch(raw: Record<string, unknown>): TaskSearch {
  const out: TaskSearch = {};
  const view = VIEWS.find((v) => v === raw.view);
  if (view) out.view = view;
  const q = str(raw.q, 200);
  if (q) out.q = q;
  const status = list(raw.status, STATUSES);
  if (status) out.status = status;
  const priority = list(raw.priority, PRIORITIES);
  if (priority) out.priority = priority;
  const tag = str(raw.tag, 30);
  if (tag) out.tag = tag.toLowerCase();
  const dueAfter = isoDate(raw.dueAfter);
  if (dueAfter) out.dueAfter = dueAfter;
  const dueBefore = isoDate(raw.dueBefore);
  if (dueBefore) out.dueBefore = dueBefore;
  if (raw.overdue === true || raw.overdue === 'true') out.overdue = true;
  const sort = SORTS.find((s) => s.value === raw.sort)?.value;
  if (sort) out.sort = sort;
  return out;
}

/** The API query for a URL state: dates become the local day's bounds in ISO. */
export function toApiFilters(s: TaskSearch): Record<string, string | undefined> {
  return {
    view: s.view,
    q: s.q,
    status: s.status,
    priority: s.priority,
    tag: s.tag,
    dueAfter: s.dueAfter ? new Date(`${s.dueAfter}T00:00:00`).toISOString() : undefined,
    dueBefore: s.dueBefore ? new Date(`${s.dueBefore}T23:59:59.999`).toISOString() : undefined,
    overdue: s.overdue ? 'true' : undefined,
    sort: s.sort,
  };
}

/** Does the search narrow the list (anything but the sort)? An empty list then means "nothing matches", not "none yet". */
export function isFiltered(search: TaskSearch): boolean {
  return Object.entries(search).some(([key, value]) => key !== 'sort' && value !== undefined && value !== false);
}

/** The local calendar day (YYYY-MM-DD) of an ISO instant. */
function localDay(iso: string): string | undefined {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return undefined;
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The API query string of a URL state (what a saved view keeps): the filters of toApiFilters that are set. */
export function toApiQuery(s: TaskSearch): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(toApiFilters(s))) if (value !== undefined) params.set(key, value);
  return params.toString();
}

/**
 * The URL state of an API query string (a saved view's): the inverse of toApiQuery. Due bounds become their
 * local days again; what the list's URL does not hold (e.g. `limit`) is dropped.
 */
export function fromApiQuery(query: string): TaskSearch {
  const raw: Record<string, unknown> = Object.fromEntries(new URLSearchParams(query));
  for (const key of ['dueAfter', 'dueBefore'] as const) {
    const value = raw[key];
    if (typeof value === 'string' && !/^\d{4}-\d{2}-\d{2}$/.test(value)) raw[key] = localDay(value);
  }
  return parseTaskSearch(raw);
}
