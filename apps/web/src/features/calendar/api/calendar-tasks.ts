/**
 * The calendar's tasks: those due within the visible days (GET /tasks?dueAfter=&dueBefore=, both inclusive, every
 * page up to a cap), plus the open recurring tasks due before them (their later occurrences can fall inside).
 * Cached as one page under the task lists' key, so real-time updates and every task edit reach the calendar too;
 * a reschedule is a PATCH { dueDate } with the If-Match of the version shown.
 */
import type { Task } from '@primetrade/shared';
import { type InfiniteData, keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { taskEtag } from '../../../lib/offline/etag';
import { queryKeys } from '../../../lib/query-keys';
import { recurrenceOf } from '../recurrence';

interface Meta {
  hasMore: boolean;
  nextCursor: string | null;
}
type Page = { data: Task[]; meta: Meta | undefined };
export type CalendarData = InfiniteData<Page, string | undefined>;

/** At most 10 pages of 100 tasks per query. */
const MAX_PAGES = 10;

export const calendarFilters = (start: Date, end: Date) => ({
  view: 'calendar',
  dueAfter: start.toISOString(),
  dueBefore: new Date(end.getTime() - 1).toISOString(),
});
export const calendarKey = (start: Date, end: Date) => queryKeys.tasks.list(calendarFilters(start, end));

async function allPages(query: Record<string, string>, signal?: AbortSignal): Promise<Task[]> {
  const all: Task[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const res = await api<Task[], Meta>('/tasks', { query: { ...query, limit: 100, cursor }, signal });
    all.push(...res.data);
    if (!res.meta?.hasMore || !res.meta.nextCursor) break;
    cursor = res.meta.nextCursor;
  }
  return all;
}

export async function fetchCalendar(start: Date, end: Date, signal?: AbortSignal): Promise<CalendarData> {
  const { dueAfter, dueBefore } = calendarFilters(start, end);
  const [inRange, earlier] = await Promise.all([
    allPages({ dueAfter, dueBefore, sort: 'dueDate' }, signal),
    allPages(
      { dueBefore: new Date(start.getTime() - 1).toISOString(), status: 'pending,in_progress', sort: '-dueDate' },
      signal,
    ),
  ]);
  const seen = new Set(inRange.map((t) => t.id));
  const recurring = earlier.filter((t) => !seen.has(t.id) && recurrenceOf(t));
  return {
    pages: [{ data: [...inRange, ...recurring], meta: { hasMore: false, nextCursor: null } }],
    pageParams: [undefined],
  };
}

export function useCalendarTasks(start: Date, end: Date) {
  return useQuery({
    queryKey: calendarKey(start, end),
    queryFn: ({ signal }) => fetchCalendar(start, end, signal),
    select: (d) => d.pages.flatMap((p) => p.data),
    placeholderData: keepPreviousData,
  });
}

/** Sends the new due date with the If-Match of the version shown (412 when it changed meanwhile). */
export async function rescheduleTask(task: Pick<Task, 'id' | 'version'>, dueDate: string): Promise<Task> {
  const ifMatch = await taskEtag(task.id, task.version);
  return (
    await api<Task>(`/tasks/${encodeURIComponent(task.id)}`, {
      method: 'PATCH',
      json: { dueDate },
      headers: ifMatch ? { 'if-match': ifMatch } : {},
    })
  ).data;
}
