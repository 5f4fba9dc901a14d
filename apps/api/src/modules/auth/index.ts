/**
 * The auth module: accounts, sign-in, sessions and the guard that checks them on every request, passwords and email
 * verification. Other modules reach it only through this file: the services (passed to them by the composition
 * root), the User DTO, and the cookie and re-check helpers their routes share with /auth.
 */
import type { Config } from '../../config';
import type { FieldCipher } from '../../infra/crypto/field-cipher';
import type { Db } from '../../infra/db/client';
import type { Mailer } from '../../infra/mail/mailer';
import { type RevocationBus, SessionGuard } from '../../infra/session-guard';
import type { TokenService } from '../../infra/tokens';
import { CredentialService } from './auth.credentials';
import { findSessionState } from './auth.repo';
import { authRoutes } from './auth.routes';
import { AuthService } from './auth.service';
import { MfaService } from './mfa.service';
import { PasskeyService } from './passkeys.service';
import type { AuthLimitDeps } from './auth-limits';
import type { CookieSettings } from './auth-cookies';

export interface AuthModuleDeps {
  db: Db;
  tokens: TokenService;
  mailer: Mailer;
  /** Publishes revocations to the other instances (Redis); none on a single instance. */
  revocations: RevocationBus | undefined;
  limits: AuthLimitDeps;
  cookies: CookieSettings;
  /** The web app's origin, for the links in mails. */
  appUrl: string;
  sessions: Pick<Config, 'refreshTokenTtlSec' | 'sessionAbsoluteTtlSec' | 'refreshReuseGraceSec'>;
  /** Seals the TOTP secrets (FIELD_ENCRYPTION_KEYS, else a key derived from the signing secret). */
  mfaCipher: FieldCipher;
  /** Passkeys: the WebAuthn relying party (id, name) and the origins assertions may come from. */
  webauthn: Config['webauthn'];
}

export function createAuthModule(deps: AuthModuleDeps) {
  const { db, limits, cookies } = deps;
  const sessionGuard = new SessionGuard((sessionId, userId) => findSessionState(db, sessionId, userId), {
    bus: deps.revocations,
  });
  const credentials = new CredentialService({ db, sessionGuard, mailer: deps.mailer, appUrl: deps.appUrl });
  const service = new AuthService({ db, tokens: deps.tokens, sessionGuard, credentials, sessions: deps.sessions });
  const mfa = new MfaService({ db, auth: service, sessionGuard, cipher: deps.mfaCipher });
  const passkeys = new PasskeyService({ db, auth: service, sessionGuard, webauthn: deps.webauthn });
  return {
    service,
    credentials,
    /** Is a session still alive (the request-auth plugin asks on every request); told of every revocation. */
    sessionGuard,
    mfa,
    passkeys,
    routes: authRoutes({ service, credentials, limits, cookies, mfa, passkeys }),
    /** Let the work started after a response (forgot-password's token and mail) finish before the app closes. */
    stop: () => credentials.settled(),
  };
}

export { type AuthService, emailTaken, type Issued } from './auth.service';
export type { UserRow } from './auth.repo';
export type { CredentialService } from './auth.credentials';
export type { AuthLimitDeps } from './auth-limits';
export { authFailureStore, withReauthLimit } from './auth-limits';
export { type CookieSettings, clearAuthCookies, setAuthCookies } from './auth-cookies';
export { toUser } from './user-dto';
