import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { endLocalSession } from '../../../lib/session';
import { runSignOutHooks } from '../../../lib/sign-out-hooks';

/** The sign-out hooks first (this device's push subscription, while the session still exists), then the server. */
export async function logoutAll(): Promise<void> {
  await runSignOutHooks({ sessionEnded: false });
  await api<void>('/auth/logout-all', { method: 'POST' });
}

export function useLogoutAll() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: logoutAll,
    onSuccess: () => endLocalSession(qc),
  });
}
