import type { Task } from '@primetrade/shared';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { queryKeys } from '../../../lib/query-keys';

export interface TaskWithEtag {
  task: Task;
  etag: string | null;
}

/** One task with its ETag (sent back as If-Match on save). */
export async function getTask(id: string, signal?: AbortSignal): Promise<TaskWithEtag> {
  const res = await api<Task>(`/tasks/${encodeURIComponent(id)}`, { signal });
  return { task: res.data, etag: res.headers.get('etag') };
}

export const taskQueryOptions = (id: string) =>
  queryOptions({ queryKey: queryKeys.tasks.detail(id), queryFn: ({ signal }) => getTask(id, signal), staleTime: 0 });

export const useTask = (id: string | null) => useQuery({ ...taskQueryOptions(id ?? ''), enabled: id !== null });
