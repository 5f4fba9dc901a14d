import type { HistoryEntry } from '@primetrade/shared';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { queryKeys } from '../../../lib/query-keys';

export async function getTaskHistory(id: string, signal?: AbortSignal): Promise<HistoryEntry[]> {
  return (await api<HistoryEntry[]>(`/tasks/${encodeURIComponent(id)}/history`, { signal })).data;
}

export const taskHistoryQueryOptions = (id: string) =>
  queryOptions({ queryKey: queryKeys.tasks.history(id), queryFn: ({ signal }) => getTaskHistory(id, signal) });

export const useTaskHistory = (id: string) => useQuery(taskHistoryQueryOptions(id));
