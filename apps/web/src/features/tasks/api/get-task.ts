import type { Task } from '@primetrade/shared';
import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { isOffline } from '../../../lib/offline';
import { queryKeys } from '../../../lib/query-keys';
import { isQueuedCreate, knownTask } from './offline';

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

/**
 * Offline (or for a task created offline, which the server does not know yet) the task comes from what this tab
 * already has — a list, the queue — without an ETag: a save then queues with the If-Match of the version shown.
 */
export function useTask(id: string | null) {
  const qc = useQueryClient();
  const local = id !== null && (isOffline() || isQueuedCreate(id)) ? knownTask(qc, id) : undefined;
  return useQuery({
    ...taskQueryOptions(id ?? ''),
    enabled: id !== null && !isQueuedCreate(id),
    ...(local ? { initialData: { task: local, etag: null }, initialDataUpdatedAt: 0 } : {}),
  });
}
