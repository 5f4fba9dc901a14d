import type { User } from '@primetrade/shared';
import { type QueryClient, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from './api-client';
import { isApiError } from './api-error';
import { clearOfflineData } from './offline';
import { queryKeys } from './query-keys';
import { clearSessionMark, hasSessionCookie, markSessionFresh } from './session-refresh';

/** The signed-in user, or null when signed out. Cross-cutting: used by the router guard and several features. */
export async function getMe(signal?: AbortSignal): Promise<User | null> {
  if (!hasSessionCookie()) return null;
  try {
    return (await api<User>('/auth/me', { signal })).data;
  } catch (e) {
    if (isApiError(e) && (e.status === 401 || e.status === 403)) return null;
    throw e;
  }
}

export const meQueryOptions = () =>
  queryOptions({
    queryKey: queryKeys.me,
    queryFn: ({ signal }) => getMe(signal),
    staleTime: 5 * 60_000,
  });

export const useMe = () => useQuery(meQueryOptions());

/** Start the session in this tab after a sign-in or sign-up: its tokens were just issued, and this is the user. */
export function startLocalSession(qc: QueryClient, user: User): void {
  markSessionFresh();
  qc.setQueryData(queryKeys.me, user);
}

/**
 * End the session in this tab: logout (whatever the server answered), log out everywhere and account deletion all
 * finish here. Forgets the last refresh time, drops every cached query (nothing of the account stays in memory) and
 * records that nobody is signed in, so the route guard sends the next visit to /login. The caller navigates.
 */
export function endLocalSession(qc: QueryClient): void {
  clearSessionMark();
  // Nothing of the account stays on disk either: the persisted lists and any change still waiting to be sent.
  void clearOfflineData();
  qc.clear();
  qc.setQueryData(queryKeys.me, null);
}
