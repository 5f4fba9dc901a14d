import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { endLocalSession } from '../../../lib/session';

export async function deleteAccount(body: { password: string }): Promise<void> {
  await api<void>('/users/me', { method: 'DELETE', json: body });
}

export function useDeleteAccount() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteAccount,
    onSuccess: () => endLocalSession(qc),
  });
}
