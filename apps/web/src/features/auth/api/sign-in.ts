import type { AuthResult } from '@primetrade/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { startLocalSession } from '../../../lib/session';

/** Login and register: cookie mode, and no refresh attempt on a 401 (there is no session to refresh yet). */
export async function signIn(path: '/auth/login' | '/auth/register', body: unknown): Promise<AuthResult> {
  return (await api<AuthResult>(path, { method: 'POST', json: body, cookieAuth: true, noRefresh: true })).data;
}

/** A mutation that signs in (login, register) and starts the session in this tab on success. */
export function useSignIn<B>(send: (body: B) => Promise<AuthResult>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: (result) => startLocalSession(qc, result.user),
  });
}
