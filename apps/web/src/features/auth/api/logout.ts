import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { endLocalSession } from '../../../lib/session';

export async function logout(): Promise<void> {
  await api<void>('/auth/logout', { method: 'POST', noRefresh: true });
}

/** Signs out this device; the local cache is dropped whatever the server answered. */
export function useLogout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSettled: () => endLocalSession(qc),
  });
}
