import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { queryKeys } from '../../../lib/query-keys';

export async function changePassword(body: { currentPassword: string; newPassword: string }): Promise<void> {
  await api<void>('/auth/password', { method: 'POST', json: body });
}

/** Keeps this session; every other one is revoked by the server. */
export function useChangePassword() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: changePassword,
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.sessions }),
  });
}
