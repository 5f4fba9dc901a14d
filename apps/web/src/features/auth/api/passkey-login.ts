import type { AuthResult } from '@primetrade/shared';
import { type PublicKeyCredentialRequestOptionsJSON, startAuthentication } from '@simplewebauthn/browser';
import { api } from '../../../lib/api-client';
import { signIn, useSignIn } from './sign-in';

/**
 * Sign in with a passkey: options from the server (a single-use challenge), the browser's WebAuthn prompt, then the
 * assertion. Without an argument it is the passwordless sign-in; with the login's MFA challenge it is the second
 * step of a password sign-in.
 */
export async function passkeySignIn(mfaChallenge?: string): Promise<AuthResult> {
  const options = (
    await api<PublicKeyCredentialRequestOptionsJSON>('/auth/passkeys/login/options', {
      method: 'POST',
      json: mfaChallenge ? { mfaChallenge } : {},
      cookieAuth: true,
      noRefresh: true,
    })
  ).data;
  const credential = await startAuthentication({ optionsJSON: options });
  return signIn('/auth/passkeys/login', { credential });
}

export const usePasskeySignIn = () => useSignIn(passkeySignIn);

/** True when this browser can use passkeys at all. */
export const passkeysSupported = () => typeof window !== 'undefined' && 'PublicKeyCredential' in window;
