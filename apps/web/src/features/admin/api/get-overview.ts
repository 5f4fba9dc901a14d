import type { AdminJobs, AdminStats } from '@primetrade/shared';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { adminKeys } from './keys';

export const adminStatsQueryOptions = () =>
  queryOptions({
    queryKey: adminKeys.stats(),
    queryFn: async ({ signal }) => (await api<AdminStats>('/admin/stats', { signal })).data,
  });

export const adminJobsQueryOptions = () =>
  queryOptions({
    queryKey: adminKeys.jobs(),
    queryFn: async ({ signal }) => (await api<AdminJobs>('/admin/jobs', { signal })).data,
    refetchInterval: 15_000,
  });

export const useAdminStats = () => useQuery(adminStatsQueryOptions());
export const useAdminJobs = () => useQuery(adminJobsQueryOptions());
