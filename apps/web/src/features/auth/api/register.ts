import type { AuthResult, RegisterBody } from '@primetrade/shared';
import { signIn, useSignIn } from './sign-in';

export function register(body: RegisterBody): Promise<AuthResult> {
  return signIn('/auth/register', body);
}

export const useRegister = () => useSignIn(register);
