import type { Task } from '@primetrade/shared';
import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api } from '../../../lib/api-client';
import { usePendingWrites } from '../../../lib/offline';
import { queryKeys } from '../../../lib/query-keys';
import type { CursorMeta, TaskPage, TaskPages } from './cache';
import { withPendingWrites } from './offline';

export const PAGE_SIZE = 50;

export async function listTasks(
  filters: Record<string, string | undefined>,
  cursor: string | undefined,
  signal?: AbortSignal,
): Promise<TaskPage> {
  const res = await api<Task[], CursorMeta>('/tasks', { query: { ...filters, cursor, limit: PAGE_SIZE }, signal });
  return { data: res.data, meta: res.meta };
}

export const tasksInfiniteQueryOptions = (filters: Record<string, string | undefined>) =>
  infiniteQueryOptions({
    queryKey: queryKeys.tasks.list(filters),
    queryFn: ({ pageParam, signal }) => listTasks(filters, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.meta?.hasMore && last.meta.nextCursor ? last.meta.nextCursor : undefined),
  });

/** The list, with the writes still waiting in the offline queue shown as the user made them. */
export function useTasks(filters: Record<string, string | undefined>) {
  const pending = usePendingWrites();
  const select = useCallback((data: TaskPages) => withPendingWrites(data, pending), [pending]);
  return useInfiniteQuery({ ...tasksInfiniteQueryOptions(filters), select });
}
