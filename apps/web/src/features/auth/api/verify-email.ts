import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { queryKeys } from '../../../lib/query-keys';

export async function verifyEmail(body: { token: string }): Promise<void> {
  await api<void>('/auth/verify-email', { method: 'POST', json: body, noRefresh: true });
}

export function useVerifyEmail() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: verifyEmail,
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.me }),
  });
}

export async function resendVerification(): Promise<void> {
  await api<void>('/auth/resend-verification', { method: 'POST' });
}

export const useResendVerification = () => useMutation({ mutationFn: resendVerification });
