import type { AuthResult, LoginBody } from '@primetrade/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { queryKeys } from '../../../lib/query-keys';
import { markSessionFresh } from '../../../lib/session-refresh';

export async function login(body: LoginBody): Promise<AuthResult> {
  return (await api<AuthResult>('/auth/login', { method: 'POST', json: body, cookieAuth: true, noRefresh: true })).data;
}

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: (result) => {
      markSessionFresh();
      qc.setQueryData(queryKeys.me, result.user);
    },
  });
}
