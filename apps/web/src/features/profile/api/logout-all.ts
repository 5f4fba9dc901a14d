import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { endLocalSession } from '../../../lib/session';

export async function logoutAll(): Promise<void> {
  await api<void>('/auth/logout-all', { method: 'POST' });
}

export function useLogoutAll() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: logoutAll,
    onSuccess: () => endLocalSession(qc),
  });
}
