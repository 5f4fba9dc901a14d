import type { Task } from '@primetrade/shared';
import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { queryKeys } from '../../../lib/query-keys';
import type { CursorMeta, TaskPage } from './cache';

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

export const useTasks = (filters: Record<string, string | undefined>) =>
  useInfiniteQuery(tasksInfiniteQueryOptions(filters));
