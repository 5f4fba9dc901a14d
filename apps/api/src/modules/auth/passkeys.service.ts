/**
 * Passkeys (WebAuthn, issue 18 item 2) with @simplewebauthn/server: registration for the signed-in account (options,
 * then the attestation verified: 'none' attestation, origin and RP id from config), list, rename and delete, and
 * sign-in with an assertion — passwordless (user verification required) or as the second factor of a password
 * sign-in with MFA on (the login's challenge is bound to the WebAuthn challenge when the options are asked for).
 *
 * Challenges are random (32 bytes), stored hashed in webauthn_challenges, single-use (spent in the transaction of
 * what they allow) and valid CHALLENGE_TTL_SEC — kept in the database like the MFA sign-in challenges, so every
 * instance sees them. The signature counter must go up (unless the authenticator keeps none: 0 then 0); the
 * update is conditional on the counter verified against. Registering and deleting revoke the user's other sessions
 * (as turning TOTP on and off does); every change is audited in its transaction.
 */
import { ErrorCode } from '@primetrade/shared';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Config } from '../../config';
import type { Db, Tx } from '../../infra/db/client';
import type { PasskeyRow } from '../../infra/db/schema';
import type { SessionGuard } from '../../infra/session-guard';
import { hashToken } from '../../infra/tokens';
import { AppError, conflict, notFound, unauthenticated, validation } from '../../lib/errors';
import type { ClientInfo } from '../../lib/http';
import { securityEvent } from '../../lib/security-log';
import { recordAudit } from '../audit';
import * as repo from './auth.repo';
import type { AuthService, Issued } from './auth.service';
import * as mfaRepo from './mfa.repo';
import * as passkeyRepo from './passkeys.repo';
import { lazyModule, loadNow } from '../../lib/lazy-module';

/** @simplewebauthn/server and its X.509 / ASN.1 stack (~0.45 s to load), loaded with the first passkey ceremony. */
type WebAuthn = typeof import('@simplewebauthn/server');
const webAuthn = lazyModule<WebAuthn>('@simplewebauthn/server');
// Its certificate checks require the reflect-metadata polyfill, which defines functions on the global `Reflect`.
// Loaded here, at start: the library's own require() later gets the same module from the cache, so the first
// passkey request changes no global (the fuzz suite's pollution check; startup-modules.test.ts).
loadNow('reflect-metadata');

type Transport = NonNullable<RegistrationResponseJSON['response']['transports']>[number];
/** The options as the routes send them (JSON of the WebAuthn spec; the challenge is what the tests read). */
export type PasskeyOptions = { challenge: string } & Record<string, unknown>;

export const CHALLENGE_TTL_SEC = 300;
export const PASSKEYS_MAX = 20;

export interface PasskeyServiceDeps {
  db: Db;
  auth: Pick<AuthService, 'account' | 'startSession'>;
  sessionGuard: Pick<SessionGuard, 'revoked'>;
  webauthn: Config['webauthn'];
}

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const challengeHash = (challenge: string) => hashToken(`webauthn:${challenge}`);
const badAssertion = () => new AppError(ErrorCode.INVALID_CREDENTIALS, 'The passkey could not be verified');
const badAttestation = (message = 'The passkey could not be verified') =>
  validation([{ path: 'credential', message }], message);

/** The challenge the browser signed (clientDataJSON.challenge), or null when the JSON is not readable. */
export function signedChallenge(clientDataJSON: string): string | null {
  try {
    const data = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof data.challenge === 'string' && data.challenge.length <= 256 ? data.challenge : null;
  } catch {
    return null;
  }
}

export const toPasskey = (row: PasskeyRow) => ({
  id: row.id,
  name: row.name,
  transports: row.transports,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
});

export class PasskeyService {
  private readonly db: Db;
  constructor(private readonly deps: PasskeyServiceDeps) {
    this.db = deps.db;
  }

  async list(userId: string) {
    return (await passkeyRepo.listPasskeys(this.db, userId)).map(toPasskey);
  }

  private async saveChallenge(
    challenge: string,
    purpose: passkeyRepo.ChallengePurpose,
    userId: string | null,
    mfaChallenge: string | null,
  ) {
    await passkeyRepo.insertChallenge(this.db, {
      challengeHash: challengeHash(challenge),
      purpose,
      userId,
      mfaChallengeHash: mfaChallenge === null ? null : hashToken(mfaChallenge),
      expiresAt: new Date(Date.now() + CHALLENGE_TTL_SEC * 1000),
    });
  }

  /** Options for navigator.credentials.create(): a new challenge, the user's existing credentials excluded. */
  async registrationOptions(userId: string) {
    const user = await this.deps.auth.account(userId);
    const existing = await passkeyRepo.listPasskeys(this.db, user.id);
    if (existing.length >= PASSKEYS_MAX) throw conflict(`At most ${PASSKEYS_MAX} passkeys per account`);
    const { rpId, rpName } = this.deps.webauthn;
    const options = await webAuthn().generateRegistrationOptions({
      rpName,
      rpID: rpId,
      userName: user.email,
      userDisplayName: user.name,
      userID: new TextEncoder().encode(user.id),
      attestationType: 'none',
      timeout: CHALLENGE_TTL_SEC * 1000,
      excludeCredentials: existing.map((p) => ({
        id: p.credentialId,
        transports: p.transports as Transport[],
      })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    });
    await this.saveChallenge(options.challenge, 'registration', user.id, null);
    return options as unknown as PasskeyOptions;
  }

  /** Verify the attestation against an open registration challenge of this user; store the credential. */
  async register(
    auth: { userId: string; sessionId: string },
    body: { credential: RegistrationResponseJSON; name?: string | undefined },
    client: ClientInfo,
  ) {
    const signed = signedChallenge(body.credential.response.clientDataJSON);
    const open = signed
      ? await passkeyRepo.findOpenChallenge(this.db, challengeHash(signed), 'registration')
      : undefined;
    if (!signed || !open || open.userId !== auth.userId) {
      await this.failed(auth.userId, 'register_challenge', client);
      throw badAttestation('The passkey set-up has expired or is unknown, start again');
    }
    const { rpId, origins } = this.deps.webauthn;
    let info: Awaited<ReturnType<WebAuthn['verifyRegistrationResponse']>>['registrationInfo'];
    try {
      const result = await webAuthn().verifyRegistrationResponse({
        response: body.credential,
        expectedChallenge: signed,
        expectedOrigin: origins,
        expectedRPID: rpId,
        requireUserVerification: false,
      });
      info = result.verified ? result.registrationInfo : undefined;
    } catch (err) {
      client.log.info({ err: (err as Error).message }, 'passkey registration refused');
    }
    if (!info) {
      await this.failed(auth.userId, 'register', client);
      throw badAttestation();
    }
    const cred = info.credential;
    const name = body.name ?? 'Passkey';
    const { row, revoked } = await this.db.transaction(async (tx) => {
      if (!(await passkeyRepo.useChallenge(tx, open.id))) {
        throw badAttestation('The passkey set-up has expired or is unknown, start again');
      }
      if ((await passkeyRepo.countPasskeys(tx, auth.userId)) >= PASSKEYS_MAX) {
        throw conflict(`At most ${PASSKEYS_MAX} passkeys per account`);
      }
      const row = await passkeyRepo.insertPasskey(tx, {
        userId: auth.userId,
        credentialId: cred.id,
        publicKey: b64url(cred.publicKey),
        counter: cred.counter,
        transports: cred.transports ?? body.credential.response.transports ?? [],
        name,
      });
      if (!row) throw conflict('This passkey is registered already');
      const ids = await repo.revokeOtherSessions(tx, auth.userId, auth.sessionId, 'passkey_added');
      await recordAudit(tx, {
        type: 'mfa.passkey.added',
        userId: auth.userId,
        client,
        details: { passkeyId: row.id, name, revokedSessions: ids },
      });
      return { row, revoked: ids };
    });
    await this.deps.sessionGuard.revoked(revoked);
    securityEvent(client.log, 'mfa.passkey.added', {
      userId: auth.userId,
      passkeyId: row.id,
      revokedSessions: revoked,
    });
    return toPasskey(row);
  }

  async rename(userId: string, id: string, name: string, client: ClientInfo) {
    const row = await this.db.transaction(async (tx) => {
      const row = await passkeyRepo.renamePasskey(tx, userId, id, name);
      if (!row) throw notFound('Passkey');
      await recordAudit(tx, { type: 'mfa.passkey.renamed', userId, client, details: { passkeyId: id, name } });
      return row;
    });
    return toPasskey(row);
  }

  async remove(auth: { userId: string; sessionId: string }, id: string, client: ClientInfo) {
    const revoked = await this.db.transaction(async (tx) => {
      const row = await passkeyRepo.deletePasskey(tx, auth.userId, id);
      if (!row) throw notFound('Passkey');
      const ids = await repo.revokeOtherSessions(tx, auth.userId, auth.sessionId, 'passkey_removed');
      await recordAudit(tx, {
        type: 'mfa.passkey.removed',
        userId: auth.userId,
        client,
        details: { passkeyId: id, name: row.name, revokedSessions: ids },
      });
      return ids;
    });
    await this.deps.sessionGuard.revoked(revoked);
    securityEvent(client.log, 'mfa.passkey.removed', { userId: auth.userId, passkeyId: id, revokedSessions: revoked });
  }

  /**
   * Options for navigator.credentials.get(). Passwordless: no credentials listed (a discoverable one is chosen
   * by the authenticator), user verification required. Second factor: the MFA challenge of the password step
   * (401 when unknown, used or expired) and that user's credentials listed.
   */
  async loginOptions(mfaChallenge: string | undefined): Promise<PasskeyOptions> {
    const { rpId } = this.deps.webauthn;
    if (mfaChallenge === undefined) {
      const options = await webAuthn().generateAuthenticationOptions({
        rpID: rpId,
        userVerification: 'required',
        timeout: CHALLENGE_TTL_SEC * 1000,
      });
      await this.saveChallenge(options.challenge, 'login', null, null);
      return options as unknown as PasskeyOptions;
    }
    const open = await mfaRepo.findOpenChallenge(this.db, hashToken(mfaChallenge));
    if (!open) throw unauthenticated('The sign-in step has expired, sign in again');
    const keys = await passkeyRepo.listPasskeys(this.db, open.userId);
    if (keys.length === 0) throw conflict('This account has no passkey');
    const options = await webAuthn().generateAuthenticationOptions({
      rpID: rpId,
      userVerification: 'preferred',
      timeout: CHALLENGE_TTL_SEC * 1000,
      allowCredentials: keys.map((k) => ({
        id: k.credentialId,
        transports: k.transports as Transport[],
      })),
    });
    await this.saveChallenge(options.challenge, 'login', open.userId, mfaChallenge);
    return options as unknown as PasskeyOptions;
  }

  /** The account a sign-in assertion is for (its credential's owner): the failure limit's key. 401 when unknown. */
  async assertionUser(credential: AuthenticationResponseJSON): Promise<string> {
    const key = await passkeyRepo.findByCredentialId(this.db, credential.id);
    if (!key) throw badAssertion();
    return key.userId;
  }

  /**
   * Verify an assertion against an open login challenge and sign in: the challenge, the counter (and, as a second
   * factor, the MFA challenge) are spent with the new session in one transaction, audited as auth.login.succeeded
   * (method passkey or password+passkey).
   */
  async login(body: { credential: AuthenticationResponseJSON }, client: ClientInfo): Promise<Issued> {
    const { credential } = body;
    const key = await passkeyRepo.findByCredentialId(this.db, credential.id);
    if (!key) throw badAssertion();
    const signed = signedChallenge(credential.response.clientDataJSON);
    const open = signed ? await passkeyRepo.findOpenChallenge(this.db, challengeHash(signed), 'login') : undefined;
    if (!signed || !open || (open.userId !== null && open.userId !== key.userId)) {
      await this.failed(key.userId, 'login_challenge', client);
      throw badAssertion();
    }
    const secondFactor = open.mfaChallengeHash !== null;
    const mfa = secondFactor ? await mfaRepo.findOpenChallenge(this.db, open.mfaChallengeHash as string) : undefined;
    if (secondFactor && !mfa) throw unauthenticated('The sign-in step has expired, sign in again');
    const user = await this.deps.auth.account(key.userId);
    if (!user.isActive) throw new AppError(ErrorCode.ACCOUNT_DISABLED, 'This account is disabled');
    const { rpId, origins } = this.deps.webauthn;
    let newCounter: number | undefined;
    try {
      const result = await webAuthn().verifyAuthenticationResponse({
        response: credential,
        expectedChallenge: signed,
        expectedOrigin: origins,
        expectedRPID: rpId,
        credential: {
          id: key.credentialId,
          publicKey: Buffer.from(key.publicKey, 'base64url'),
          counter: key.counter,
          transports: key.transports as Transport[],
        },
        requireUserVerification: !secondFactor,
      });
      if (result.verified) newCounter = result.authenticationInfo.newCounter;
    } catch (err) {
      client.log.info({ err: (err as Error).message }, 'passkey assertion refused');
    }
    if (newCounter === undefined) {
      await this.failed(user.id, 'login', client, key.id);
      throw badAssertion();
    }
    const counter = newCounter;
    const method = secondFactor ? 'password+passkey' : 'passkey';
    const issued = await this.deps.auth.startSession(user, client, {
      type: 'auth.login.succeeded',
      details: { method, passkeyId: key.id },
      within: async (tx: Tx) => {
        if (!(await passkeyRepo.useChallenge(tx, open.id))) throw badAssertion();
        if (mfa && !(await mfaRepo.useChallenge(tx, mfa.id))) {
          throw unauthenticated('The sign-in step has expired, sign in again');
        }
        if (!(await passkeyRepo.useCredential(tx, key.id, key.counter, counter))) throw badAssertion();
      },
    });
    securityEvent(client.log, 'auth.login.succeeded', { userId: user.id, sessionId: issued.sessionId, method });
    return issued;
  }

  private async failed(userId: string, step: string, client: ClientInfo, passkeyId?: string) {
    securityEvent(client.log, 'mfa.passkey.failed', { userId, step, ip: client.ip, passkeyId }, 'warn');
    await recordAudit(this.db, {
      type: 'mfa.passkey.failed',
      userId,
      actorId: null,
      client,
      details: passkeyId ? { step, passkeyId } : { step },
    });
  }
}
