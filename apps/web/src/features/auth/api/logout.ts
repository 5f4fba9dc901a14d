import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { endLocalSession } from '../../../lib/session';
import { runSignOutHooks } from '../../../lib/sign-out-hooks';

export async function logout(): Promise<void> {
  await api<void>('/auth/logout', { method: 'POST', noRefresh: true });
}

/**
 * Signs out this device; the local cache is dropped whatever the server answered. The sign-out hooks (e.g. the
 * device's push subscription) run first, while the session still exists, for at most a few seconds.
 */
export async function signOut(): Promise<void> {
  await runSignOutHooks({ sessionEnded: false });
  await logout();
}

export function useLogout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: signOut,
    onSettled: () => endLocalSession(qc),
  });
}
