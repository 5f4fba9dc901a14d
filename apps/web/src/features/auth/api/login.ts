import type { AuthResult, LoginBody, MfaChallenge, MfaVerifyBody } from '@primetrade/shared';
import { signIn, useSignIn } from './sign-in';

/** The session, or — two-factor on — a challenge for verifyMfa. */
export function login(body: LoginBody): Promise<AuthResult | MfaChallenge> {
  return signIn<AuthResult | MfaChallenge>('/auth/login', body);
}

export const useLogin = () => useSignIn(login);

/** The second sign-in step: the login's challenge and a code or a recovery code. */
export function verifyMfa(body: MfaVerifyBody): Promise<AuthResult> {
  return signIn('/auth/mfa/verify', body);
}

export const useVerifyMfa = () => useSignIn(verifyMfa);
