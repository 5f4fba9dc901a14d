/**
 * Generic OpenID Connect sign-in (authorization code flow with PKCE S256, state and nonce) through openid-client.
 * One provider, configured by OIDC_ISSUER_URL / OIDC_CLIENT_ID / OIDC_CLIENT_SECRET / OIDC_PROVIDER_NAME.
 *
 * Account rules: a known (provider, sub) signs in its linked user; otherwise an existing account with the same
 * email is linked only when the provider asserts `email_verified: true` (else the sign-in is refused: an
 * unverified address at the provider must not take over an account); otherwise a new user is created with an
 * unusable random password (a password can be set later through "forgot password").
 */
import { randomUUID } from 'node:crypto';
import type * as oidcTypes from 'openid-client';
import type { Config } from '../../config';
import { FieldCipher } from '../../infra/crypto/field-cipher';
import type { Db } from '../../infra/db/client';
import { notFound, unavailable } from '../../lib/errors';
import { lazyModule } from '../../lib/lazy-module';
import type { ClientInfo } from '../../lib/http';
import { securityEvent } from '../../lib/security-log';
import type { AuthService, Issued, UserRow } from '../auth';
import { FLOW_TTL_SEC, type FlowState, flowKey, OidcError, openFlow, safeReturnTo, sealFlow } from './oidc.flow';
import { sealIdToken } from './oidc.id-tokens';
import * as repo from './oidc.repo';

/** openid-client, loaded by the first sign-in with a provider (OIDC configured), not at start. */
const oidc = lazyModule<typeof import('openid-client')>('openid-client');

export interface ProviderInfo {
  id: string;
  name: string;
  startUrl: string;
}

export const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40) || 'oidc';

export interface OidcServiceDeps {
  db: Db;
  /** Accounts (find, or create for a first sign-in) and the session a successful callback starts. */
  auth: Pick<AuthService, 'findUser' | 'findUserByEmail' | 'createExternalUser' | 'startSession'>;
  /** The provider (OIDC_*), or undefined when none is configured. */
  provider: Config['oidc'];
  /** The web app's origin: the redirect URI and where the browser goes back to. */
  appUrl: string;
  fieldEncryptionKeys: string | undefined;
  /** The flow cookie's MAC key is derived from it (itself derived from the signing secret): every instance agrees. */
  cursorKey: Buffer;
}

/** Where the callback sends the browser, and the session to set as cookies when the sign-in succeeded. */
export interface SignInOutcome {
  redirectTo: string;
  issued?: Issued;
}

const isLoopback = (url: string) => /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/.test(url);

export class OidcService {
  private discovered: Promise<oidcTypes.Configuration> | undefined;
  private readonly flowKey: Buffer;
  private readonly cipher: FieldCipher | undefined;

  constructor(private readonly deps: OidcServiceDeps) {
    this.flowKey = flowKey(deps.cursorKey);
    this.cipher = FieldCipher.fromSpec(deps.fieldEncryptionKeys);
  }

  get provider(): ProviderInfo | undefined {
    const c = this.deps.provider;
    if (!c) return undefined;
    const id = slug(c.providerName);
    return { id, name: c.providerName, startUrl: `/api/v1/auth/oidc/${id}/start` };
  }

  redirectUri(providerId: string): string {
    return `${this.deps.appUrl}/api/v1/auth/oidc/${providerId}/callback`;
  }

  /** The configured provider with this id (404 for any other). */
  private providerById(id: string): ProviderInfo {
    const p = this.provider;
    if (!p || p.id !== id) throw notFound('Provider');
    return p;
  }

  private configuration(): Promise<oidcTypes.Configuration> {
    const c = this.deps.provider;
    if (!c) return Promise.reject(new OidcError('not_configured'));
    if (!this.discovered) {
      const insecure = isLoopback(c.issuerUrl);
      this.discovered = oidc()
        .discovery(
          new URL(c.issuerUrl),
          c.clientId,
          undefined,
          c.clientSecret ? oidc().ClientSecretBasic(c.clientSecret) : oidc().None(),
          // Plain http only for an issuer on this machine (development and the tests).
          insecure ? { execute: [oidc().allowInsecureRequests], timeout: 10 } : { timeout: 10 },
        )
        .catch((err) => {
          this.discovered = undefined; // try again on the next request
          throw err;
        });
    }
    return this.discovered;
  }

  /** The provider's authorization URL and the signed flow cookie value (503 while the provider is unreachable). */
  async start(
    providerId: string,
    returnTo: string | undefined,
    log: ClientInfo['log'],
  ): Promise<{ url: string; cookie: string }> {
    const p = this.providerById(providerId);
    try {
      return await this.authorizationRequest(p.id, returnTo);
    } catch (err) {
      log.warn({ err }, 'oidc discovery failed');
      throw unavailable('The sign-in provider is unavailable, try again shortly');
    }
  }

  private async authorizationRequest(
    providerId: string,
    returnTo: string | undefined,
  ): Promise<{ url: string; cookie: string }> {
    const config = await this.configuration();
    const verifier = oidc().randomPKCECodeVerifier();
    const flow: FlowState = {
      provider: providerId,
      state: oidc().randomState(),
      nonce: oidc().randomNonce(),
      verifier,
      returnTo: safeReturnTo(returnTo),
      exp: Math.floor(Date.now() / 1000) + FLOW_TTL_SEC,
    };
    const url = oidc().buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri(providerId),
      scope: 'openid email profile',
      response_type: 'code',
      code_challenge: await oidc().calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: flow.state,
      nonce: flow.nonce,
    });
    return { url: url.href, cookie: sealFlow(this.flowKey, flow) };
  }

  /**
   * The provider's redirect back: check the flow cookie, exchange the code, find or create the user and start a
   * session. Every failure is a redirect to /login?error=oidc_<reason> (never a 5xx, never a token in a URL);
   * only an unknown provider is a 404.
   */
  async signIn(
    providerId: string,
    callback: { flowCookie: string | undefined; query: string; error: string | undefined },
    client: ClientInfo,
  ): Promise<SignInOutcome> {
    const p = this.providerById(providerId);
    const appUrl = this.deps.appUrl;
    try {
      if (callback.error) throw new OidcError('provider_error', callback.error);
      const flow = openFlow(this.flowKey, callback.flowCookie, p.id);
      const { user, linked } = await this.exchange(p.id, flow, callback.query);
      if (!user.isActive) throw new OidcError('account_disabled');
      // MFA is the identity provider's job here: the provider's sign-in is the whole sign-in (docs/security.md).
      const issued = await this.deps.auth.startSession(user, client, {
        type: 'auth.login.succeeded',
        details: { method: 'oidc', provider: p.id, linked },
      });
      securityEvent(client.log, 'auth.oidc.succeeded', {
        userId: user.id,
        sessionId: issued.sessionId,
        provider: p.id,
        linked,
        ip: client.ip,
      });
      return { redirectTo: `${appUrl}${flow.returnTo}`, issued };
    } catch (err) {
      const reason = err instanceof OidcError ? err.reason : 'failed';
      securityEvent(client.log, 'auth.oidc.failed', { provider: p.id, reason, ip: client.ip }, 'warn');
      if (!(err instanceof OidcError)) client.log.error({ err }, 'oidc callback failed');
      return { redirectTo: `${appUrl}/login?error=oidc_${reason}` };
    }
  }

  /**
   * Exchange the code (PKCE verifier, state, nonce and the id_token's signature, iss, aud, exp checked by
   * openid-client) and find or create the user.
   */
  private async exchange(
    providerId: string,
    flow: FlowState,
    query: string,
  ): Promise<{ user: UserRow; linked: 'existing' | 'email' | 'created' }> {
    const config = await this.configuration();
    const currentUrl = new URL(`${this.redirectUri(providerId)}${query}`);
    let tokens: Awaited<ReturnType<typeof oidcTypes.authorizationCodeGrant>>;
    try {
      tokens = await oidc().authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
    } catch (err) {
      throw new OidcError('exchange_failed', err instanceof Error ? err.message : String(err));
    }
    const claims = tokens.claims();
    if (!claims?.sub) throw new OidcError('no_subject');
    const idToken = tokens.id_token;
    return this.resolveUser(providerId, claims, idToken);
  }

  private async resolveUser(
    provider: string,
    claims: oidcTypes.IDToken,
    idToken: string | undefined,
  ): Promise<{ user: UserRow; linked: 'existing' | 'email' | 'created' }> {
    const { db, auth } = this.deps;
    const subject = String(claims.sub);
    const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : undefined;
    const emailVerified = claims.email_verified === true;
    const identity = await repo.findIdentity(db, provider, subject);
    if (identity) {
      const user = await auth.findUser(identity.userId);
      if (!user) throw new OidcError('no_account');
      await repo.touchIdentity(db, identity.id, {
        email: email ?? identity.email,
        lastLoginAt: new Date(),
        idTokenEnc: sealIdToken(this.cipher, idToken, identity.id),
      });
      return { user, linked: 'existing' };
    }
    if (!email || email.length > 254 || !email.includes('@')) throw new OidcError('no_email');
    let user = await auth.findUserByEmail(email);
    let linked: 'email' | 'created' = 'email';
    if (user) {
      // Linking by email only on the provider's word that the address is verified (no account takeover).
      if (!emailVerified) throw new OidcError('email_unverified');
    } else {
      const name =
        String(claims.name ?? claims.given_name ?? email.split('@')[0] ?? 'User')
          .trim()
          .slice(0, 100) || 'User';
      user = await auth.createExternalUser({ name, email, emailVerified });
      if (!user) throw new OidcError('no_account');
      linked = 'created';
    }
    const id = randomUUID();
    await repo.insertIdentity(db, {
      id,
      userId: user.id,
      provider,
      subject,
      email,
      idTokenEnc: sealIdToken(this.cipher, idToken, id),
    });
    return { user, linked };
  }
}
