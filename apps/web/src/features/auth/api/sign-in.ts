import type { AuthResult, MfaChallenge } from '@primetrade/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { startLocalSession } from '../../../lib/session';

/**
 * Login, register and the two-factor step: cookie mode, and no refresh attempt on a 401 (there is no session to
 * refresh yet). A login of an account with two-factor on answers a challenge instead of a session.
 */
export async function signIn<R = AuthResult>(
  path: '/auth/login' | '/auth/register' | '/auth/mfa/verify' | '/auth/passkeys/login',
  body: unknown,
): Promise<R> {
  return (await api<R>(path, { method: 'POST', json: body, cookieAuth: true, noRefresh: true })).data;
}

/** A mutation that signs in (login, register, the two-factor step) and starts the session in this tab on success. */
export function useSignIn<B>(send: (body: B) => Promise<AuthResult | MfaChallenge>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: (result) => {
      if ('user' in result) startLocalSession(qc, result.user);
    },
  });
}
