import type { AuthResult, LoginBody } from '@primetrade/shared';
import { signIn, useSignIn } from './sign-in';

export function login(body: LoginBody): Promise<AuthResult> {
  return signIn('/auth/login', body);
}

export const useLogin = () => useSignIn(login);
