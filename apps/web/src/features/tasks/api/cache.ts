/** Task list cache helpers: optimistic updates, rollback, and real-time patches share these. */
import type { Task } from '@primetrade/shared';
import type { InfiniteData, QueryClient, QueryKey } from '@tanstack/react-query';
import { queryKeys } from '../../../lib/query-keys';

export interface CursorMeta {
  limit: number;
  hasMore: boolean;
  nextCursor: string | null;
}
export interface TaskPage {
  data: Task[];
  meta: CursorMeta | undefined;
}
export type TaskPages = InfiniteData<TaskPage, string | undefined>;
export type Snapshot = Array<[QueryKey, TaskPages | undefined]>;

/** Apply `fn` to every cached task of every list (null removes it). Returns the previous state for rollback. */
export function mapCachedTasks(qc: QueryClient, fn: (task: Task) => Task | null): Snapshot {
  const snapshot = qc.getQueriesData<TaskPages>({ queryKey: queryKeys.tasks.lists() });
  qc.setQueriesData<TaskPages>({ queryKey: queryKeys.tasks.lists() }, (old) => {
    if (!old) return old;
    return {
      ...old,
      pages: old.pages.map((page) => ({
        ...page,
        data: page.data.flatMap((t) => {
          const next = fn(t);
          return next ? [next] : [];
        }),
      })),
    };
  });
  return snapshot;
}

export function restoreSnapshot(qc: QueryClient, snapshot: Snapshot): void {
  for (const [key, data] of snapshot) qc.setQueryData(key, data);
}

/** Replace a task everywhere it is cached when the given copy is not older. */
export function upsertCachedTask(qc: QueryClient, task: Task): void {
  mapCachedTasks(qc, (t) => (t.id === task.id && t.version <= task.version ? task : t));
  const detail = qc.getQueryData<{ task: Task; etag: string | null }>(queryKeys.tasks.detail(task.id));
  if (detail && detail.task.version < task.version) {
    qc.setQueryData(queryKeys.tasks.detail(task.id), { task, etag: null });
  }
}

export function removeCachedTask(qc: QueryClient, id: string): void {
  mapCachedTasks(qc, (t) => (t.id === id ? null : t));
  qc.removeQueries({ queryKey: queryKeys.tasks.detail(id) });
}

export async function cancelLists(qc: QueryClient): Promise<void> {
  await qc.cancelQueries({ queryKey: queryKeys.tasks.lists() });
}

export function invalidateTaskData(qc: QueryClient): Promise<void> {
  return qc.invalidateQueries({ queryKey: queryKeys.tasks.all });
}
