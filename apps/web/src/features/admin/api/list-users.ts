import type { PageMeta, User } from '@primetrade/shared';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { adminKeys } from './keys';

export interface UsersParams {
  q: string;
  page: number;
  limit: number;
}

/** GET /admin/users?q=&page=&limit= (administrators only; 403 for everyone else). */
export async function listUsers(params: UsersParams, signal?: AbortSignal) {
  const res = await api<User[], PageMeta>('/admin/users', {
    query: { q: params.q.trim() || undefined, page: params.page, limit: params.limit },
    signal,
  });
  return { users: res.data, meta: res.meta as PageMeta };
}

export const usersQueryOptions = (params: UsersParams) =>
  queryOptions({
    queryKey: adminKeys.users(params),
    queryFn: ({ signal }) => listUsers(params, signal),
    // The table keeps showing the previous page while the next one loads (no flash of a spinner).
    placeholderData: keepPreviousData,
  });

export const useAdminUsers = (params: UsersParams) => useQuery(usersQueryOptions(params));
