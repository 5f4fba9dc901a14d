import type { AuthResult, RegisterBody } from '@primetrade/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { queryKeys } from '../../../lib/query-keys';
import { markSessionFresh } from '../../../lib/session-refresh';

export async function register(body: RegisterBody): Promise<AuthResult> {
  return (await api<AuthResult>('/auth/register', { method: 'POST', json: body, cookieAuth: true, noRefresh: true }))
    .data;
}

export function useRegister() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: register,
    onSuccess: (result) => {
      markSessionFresh();
      qc.setQueryData(queryKeys.me, result.user);
    },
  });
}
