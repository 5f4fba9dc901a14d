import type { TaskStats } from '@primetrade/shared';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { queryKeys } from '../../../lib/query-keys';

export async function getStats(signal?: AbortSignal): Promise<TaskStats> {
  return (await api<TaskStats>('/tasks/stats', { signal })).data;
}

export const statsQueryOptions = () =>
  queryOptions({ queryKey: queryKeys.tasks.stats(), queryFn: ({ signal }) => getStats(signal) });

export const useStats = () => useQuery(statsQueryOptions());
