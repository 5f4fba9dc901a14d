import type { Session } from '@primetrade/shared';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { queryKeys } from '../../../lib/query-keys';

export async function listSessions(signal?: AbortSignal): Promise<Session[]> {
  return (await api<Session[]>('/auth/sessions', { signal })).data;
}

export const sessionsQueryOptions = () =>
  queryOptions({ queryKey: queryKeys.sessions, queryFn: ({ signal }) => listSessions(signal) });

export const useSessions = () => useQuery(sessionsQueryOptions());
