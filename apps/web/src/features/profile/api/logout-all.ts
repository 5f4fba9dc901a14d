import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { queryKeys } from '../../../lib/query-keys';
import { clearSessionMark } from '../../../lib/session-refresh';

export async function logoutAll(): Promise<void> {
  await api<void>('/auth/logout-all', { method: 'POST' });
}

export function useLogoutAll() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: logoutAll,
    onSuccess: () => {
      clearSessionMark();
      qc.clear();
      qc.setQueryData(queryKeys.me, null);
    },
  });
}
