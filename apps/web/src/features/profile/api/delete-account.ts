import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { queryKeys } from '../../../lib/query-keys';
import { clearSessionMark } from '../../../lib/session-refresh';

export async function deleteAccount(body: { password: string }): Promise<void> {
  await api<void>('/users/me', { method: 'DELETE', json: body });
}

export function useDeleteAccount() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteAccount,
    onSuccess: () => {
      clearSessionMark();
      qc.clear();
      qc.setQueryData(queryKeys.me, null);
    },
  });
}
