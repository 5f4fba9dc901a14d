/**
 * Sign-in and sessions: accounts, sessions (one refresh-token family each), rotation with reuse detection,
 * revocation; and the account lookups other modules use (users, admin, oidc). Password and email rules live in
 * CredentialService. Throws AppErrors; HTTP details live in the routes.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '@primetrade/shared';
import type { Config } from '../../config';
import type { Db, DbOrTx, Tx } from '../../infra/db/client';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from '../../infra/passwords';
import type { SessionGuard } from '../../infra/session-guard';
import { hashToken, randomToken, type TokenService } from '../../infra/tokens';
import { AppError, notFound, unauthenticated } from '../../lib/errors';
import type { ClientInfo } from '../../lib/http';
import { securityEvent } from '../../lib/security-log';
import { auditRow, recordAudit } from '../audit';
import { type CredentialService, emailRef, invalidCredentials } from './auth.credentials';
import * as repo from './auth.repo';
import type { UserRow } from './auth.repo';
import * as mfaRepo from './mfa.repo';

/** How long the MFA challenge of a sign-in stays usable. */
export const MFA_CHALLENGE_TTL_SEC = 5 * 60;

/** The answer of a correct password on an account with MFA on: no session yet. */
export interface MfaPending {
  mfaRequired: true;
  challenge: string;
}

/** The audit event a new session is recorded with, and work to do in the same transaction (spend an MFA code). */
export interface SessionAudit {
  type: string;
  details?: Record<string, unknown>;
  within?: (tx: Tx) => Promise<void>;
}

export interface Issued {
  user: UserRow;
  sessionId: string;
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
}

export interface AuthServiceDeps {
  db: Db;
  tokens: Pick<TokenService, 'signAccess'>;
  sessionGuard: Pick<SessionGuard, 'revoked'>;
  /** Registration checks the password policy and mails the verification link. */
  credentials: Pick<CredentialService, 'assertPasswordAllowed' | 'sendVerification'>;
  /** Lifetimes: REFRESH_TOKEN_TTL, SESSION_ABSOLUTE_TTL, REFRESH_REUSE_GRACE_SECONDS. */
  sessions: Pick<Config, 'refreshTokenTtlSec' | 'sessionAbsoluteTtlSec' | 'refreshReuseGraceSec'>;
}

const clip = (s: string | null, n: number) => (s && s.length > n ? s.slice(0, n) : s);

/** 409: another account has this email (registration, an email change in the users module). */
export const emailTaken = () => new AppError(ErrorCode.EMAIL_TAKEN, 'An account with this email already exists');

export class AuthService {
  private readonly db: Db;
  constructor(private readonly deps: AuthServiceDeps) {
    this.db = deps.db;
  }

  /** The account of a signed-in user (401 when it is gone). */
  async account(userId: string): Promise<UserRow> {
    const user = await repo.findUserById(this.db, userId);
    if (!user) throw unauthenticated();
    return user;
  }

  findUser(userId: string): Promise<UserRow | undefined> {
    return repo.findUserById(this.db, userId);
  }

  findUserByEmail(email: string): Promise<UserRow | undefined> {
    return repo.findUserByEmail(this.db, email);
  }

  /**
   * Change an account's profile or preferences (the users module's); its credentials change only in this module.
   * With `audit` (an email change), the event is recorded in the same transaction.
   */
  updateAccount(
    userId: string,
    patch: Omit<repo.UserPatch, 'passwordHash'>,
    audit?: { type: string; client: ClientInfo; details?: Record<string, unknown> },
  ): Promise<UserRow | undefined> {
    if (!audit) return repo.updateUser(this.db, userId, patch);
    return this.db.transaction(async (tx) => {
      const user = await repo.updateUser(tx, userId, patch);
      if (user) await recordAudit(tx, { type: audit.type, userId, client: audit.client, details: audit.details });
      return user;
    });
  }

  /**
   * An account for a sign-in through an external provider (oidc): an unusable random password (one can be set
   * later through "forgot password"), verified when the provider says the address is. When the email was taken
   * meanwhile, that account.
   */
  async createExternalUser(v: { name: string; email: string; emailVerified: boolean }): Promise<UserRow | undefined> {
    const passwordHash = await hashPassword(randomToken());
    const user =
      (await repo.insertUser(this.db, { name: v.name, email: v.email, passwordHash })) ??
      (await repo.findUserByEmail(this.db, v.email));
    if (!user || !v.emailVerified || user.emailVerified) return user;
    await repo.updateUser(this.db, user.id, { emailVerified: true });
    return { ...user, emailVerified: true };
  }

  /** A new session (refresh-token family) with its first refresh token and an access token. */
  async startSession(user: UserRow, client: ClientInfo, audit?: SessionAudit): Promise<Issued> {
    const { expiresAt, absoluteExpiresAt } = this.newSessionExpiry();
    const refreshToken = randomToken();
    const session = await this.db.transaction(async (tx) => {
      const s = await repo.insertSession(tx, {
        userId: user.id,
        userAgent: clip(client.userAgent, 512),
        ip: clip(client.ip, 64),
        expiresAt,
        absoluteExpiresAt,
      });
      await repo.insertRefreshToken(tx, {
        sessionId: s.id,
        userId: user.id,
        tokenHash: hashToken(refreshToken),
        expiresAt,
      });
      if (audit) {
        await audit.within?.(tx);
        await recordAudit(tx, {
          type: audit.type,
          userId: user.id,
          client,
          details: { sessionId: s.id, ...audit.details },
        });
      }
      return s;
    });
    return this.issued(user, session.id, refreshToken, expiresAt);
  }

  private newSessionExpiry() {
    const now = Date.now();
    const { refreshTokenTtlSec, sessionAbsoluteTtlSec } = this.deps.sessions;
    const absoluteExpiresAt = new Date(now + sessionAbsoluteTtlSec * 1000);
    const expiresAt = new Date(Math.min(now + refreshTokenTtlSec * 1000, absoluteExpiresAt.getTime()));
    return { expiresAt, absoluteExpiresAt };
  }

  private async issued(user: UserRow, sessionId: string, refreshToken: string, expiresAt: Date): Promise<Issued> {
    const access = await this.deps.tokens.signAccess({ userId: user.id, sessionId, role: user.role });
    return {
      user,
      sessionId,
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken,
      refreshTokenExpiresAt: expiresAt,
    };
  }

  /**
   * A password sign-in's session (P7: nothing but the hash should cost): the account's last sign-in, the session,
   * its refresh token and the audit event in one statement instead of a transaction of five round trips.
   */
  private async startPasswordSession(user: UserRow, client: ClientInfo, rehash: string | undefined): Promise<Issued> {
    const { expiresAt, absoluteExpiresAt } = this.newSessionExpiry();
    const refreshToken = randomToken();
    const sessionId = randomUUID();
    const written = await repo.insertLoginSession(this.db, {
      userId: user.id,
      sessionId,
      userAgent: clip(client.userAgent, 512),
      ip: clip(client.ip, 64),
      expiresAt,
      absoluteExpiresAt,
      tokenHash: hashToken(refreshToken),
      rehash,
      audit: auditRow({
        type: 'auth.login.succeeded',
        userId: user.id,
        client,
        details: { sessionId, method: 'password' },
      }),
    });
    if (!written) throw invalidCredentials(); // the account was deleted during the sign-in
    return this.issued(user, sessionId, refreshToken, expiresAt);
  }

  async register(body: { name: string; email: string; password: string }, client: ClientInfo): Promise<Issued> {
    this.deps.credentials.assertPasswordAllowed(body.password, 'password', { email: body.email, name: body.name });
    if (await repo.findUserByEmail(this.db, body.email)) throw emailTaken();
    const passwordHash = await hashPassword(body.password);
    const user = await this.db.transaction(async (tx) => {
      const u = await repo.insertUser(tx, { name: body.name, email: body.email, passwordHash });
      if (u) await recordAudit(tx, { type: 'auth.register', userId: u.id, client });
      return u;
    });
    if (!user) throw emailTaken();
    securityEvent(client.log, 'auth.register', { userId: user.id, ip: client.ip });
    await this.deps.credentials.sendVerification(user, client);
    return this.startSession(user, client);
  }

  /**
   * Check the credentials; INVALID_CREDENTIALS for an unknown email or a wrong password alike. With MFA on, no
   * session: a challenge for POST /auth/mfa/verify (MfaService).
   */
  async login(body: { email: string; password: string }, client: ClientInfo): Promise<Issued | MfaPending> {
    const found = await repo.findUserForLogin(this.db, body.email);
    const { totpEnabled, ...account } = found ?? { totpEnabled: false };
    const user = found ? (account as UserRow) : undefined;
    const ok = user ? await verifyPassword(user.passwordHash, body.password) : await verifyAgainstDummy(body.password);
    if (!user || !ok) {
      securityEvent(
        client.log,
        'auth.login.failed',
        {
          emailRef: emailRef(body.email),
          userId: user?.id,
          ip: client.ip,
          reason: user ? 'password' : 'unknown_email',
        },
        'warn',
      );
      await recordAudit(this.db, {
        type: 'auth.login.failed',
        userId: user?.id ?? null,
        actorId: null,
        client,
        details: { reason: user ? 'password' : 'unknown_email', emailRef: emailRef(body.email) },
      });
      throw invalidCredentials();
    }
    if (!user.isActive) {
      securityEvent(client.log, 'auth.login.disabled', { userId: user.id, ip: client.ip }, 'warn');
      await recordAudit(this.db, { type: 'auth.login.disabled', userId: user.id, actorId: null, client });
      throw new AppError(ErrorCode.ACCOUNT_DISABLED, 'This account is disabled');
    }
    const rehash = needsRehash(user.passwordHash) ? await hashPassword(body.password) : undefined;
    if (totpEnabled) {
      await repo.touchLogin(this.db, user.id, rehash);
      return this.mfaChallenge(user, client);
    }
    const issued = await this.startPasswordSession(user, client, rehash);
    securityEvent(client.log, 'auth.login.succeeded', {
      userId: user.id,
      sessionId: issued.sessionId,
      ip: client.ip,
      rehashed: Boolean(rehash),
    });
    return issued;
  }

  /** A short-lived, single-use challenge bound to the user (stored hashed) for the second factor. */
  private async mfaChallenge(user: UserRow, client: ClientInfo): Promise<MfaPending> {
    const challenge = randomToken();
    await this.db.transaction(async (tx) => {
      await mfaRepo.insertChallenge(tx, {
        userId: user.id,
        tokenHash: hashToken(challenge),
        expiresAt: new Date(Date.now() + MFA_CHALLENGE_TTL_SEC * 1000),
      });
      await recordAudit(tx, { type: 'auth.login.mfa_required', userId: user.id, client });
    });
    securityEvent(client.log, 'auth.login.mfa_required', { userId: user.id, ip: client.ip });
    return { mfaRequired: true, challenge };
  }

  /**
   * Exchange a refresh token for a new pair. The token row is locked (SELECT … FOR UPDATE) so concurrent
   * refreshes of one token run one after the other: the first rotates it, the others see it rotated (reuse). A
   * refresh whose client has already gone changes nothing (ClientInfo.connected).
   */
  async refresh(token: string, client: ClientInfo): Promise<Issued> {
    const now = new Date();
    const grace = this.deps.sessions.refreshReuseGraceSec;
    const newToken = randomToken();
    const outcome = await this.db.transaction(async (tx) => {
      const row = await repo.lockRefreshToken(tx, hashToken(token));
      if (!row) return { kind: 'unknown' as const };
      // The client gave up before this ran (it waited on the lock, the pool or an overloaded server): it can
      // never receive a new pair and will present the same token again. Rotating would strand the session, and
      // finding the token already rotated by that retry would be taken for a theft and revoke the session. A
      // reuse check skipped here loses nothing: a thief who hangs up receives no token either.
      if (!client.connected()) return { kind: 'abandoned' as const };
      const session = await repo.lockSession(tx, row.sessionId);
      if (!session || session.revokedAt) return { kind: 'revoked' as const, sessionId: row.sessionId };
      if (row.rotatedAt) {
        if (grace > 0 && now.getTime() - row.rotatedAt.getTime() <= grace * 1000) {
          return { kind: 'grace' as const, sessionId: session.id };
        }
        const ids = await repo.revokeSession(tx, session.id, 'refresh_reuse');
        await recordAudit(tx, {
          type: 'auth.refresh.reuse_detected',
          userId: session.userId,
          actorId: null,
          client,
          details: { sessionId: session.id, revokedSessions: ids },
        });
        return { kind: 'reuse' as const, sessionId: session.id, userId: session.userId, ids };
      }
      if (row.expiresAt <= now || session.expiresAt <= now || session.absoluteExpiresAt <= now) {
        return { kind: 'expired' as const, sessionId: session.id };
      }
      const user = await repo.findUserById(tx, session.userId);
      if (!user?.isActive) return { kind: 'revoked' as const, sessionId: session.id };
      const expiresAt = new Date(
        Math.min(now.getTime() + this.deps.sessions.refreshTokenTtlSec * 1000, session.absoluteExpiresAt.getTime()),
      );
      await repo.markRotated(tx, row.id, now);
      await repo.insertRefreshToken(tx, {
        sessionId: session.id,
        userId: user.id,
        tokenHash: hashToken(newToken),
        expiresAt,
      });
      await repo.touchSession(tx, session.id, {
        lastUsedAt: now,
        expiresAt,
        ip: clip(client.ip, 64),
        userAgent: clip(client.userAgent, 512) ?? session.userAgent,
      });
      return { kind: 'ok' as const, user, sessionId: session.id, expiresAt };
    });

    switch (outcome.kind) {
      case 'ok': {
        const access = await this.deps.tokens.signAccess({
          userId: outcome.user.id,
          sessionId: outcome.sessionId,
          role: outcome.user.role,
        });
        securityEvent(client.log, 'auth.refresh', { userId: outcome.user.id, sessionId: outcome.sessionId });
        return {
          user: outcome.user,
          sessionId: outcome.sessionId,
          accessToken: access.token,
          accessTokenExpiresAt: access.expiresAt,
          refreshToken: newToken,
          refreshTokenExpiresAt: outcome.expiresAt,
        };
      }
      case 'reuse':
        await this.deps.sessionGuard.revoked(outcome.ids);
        securityEvent(
          client.log,
          'auth.refresh.reuse_detected',
          { userId: outcome.userId, sessionId: outcome.sessionId, ip: client.ip, revokedSessions: outcome.ids },
          'warn',
        );
        throw unauthenticated('The refresh token was already used; the session has been revoked');
      case 'grace':
        securityEvent(client.log, 'auth.refresh.grace', { sessionId: outcome.sessionId, ip: client.ip });
        throw unauthenticated('The refresh token was just rotated');
      case 'abandoned':
        securityEvent(client.log, 'auth.refresh.abandoned', { ip: client.ip });
        throw unauthenticated('The connection closed before the refresh ran; nothing was changed');
      case 'expired':
        throw unauthenticated('The session has expired, sign in again');
      case 'revoked':
        securityEvent(client.log, 'auth.refresh.revoked_session', { sessionId: outcome.sessionId, ip: client.ip });
        throw unauthenticated('The session has ended, sign in again');
      default:
        securityEvent(client.log, 'auth.refresh.unknown_token', { ip: client.ip }, 'warn');
        throw unauthenticated('The refresh token is not valid');
    }
  }

  /** Revoke sessions (already decided) and tell the guard so their access tokens die at once. */
  private async revoked(ids: string[], client: ClientInfo, event: string, fields: Record<string, unknown>) {
    await this.deps.sessionGuard.revoked(ids);
    securityEvent(client.log, event, { ...fields, revokedSessions: ids, ip: client.ip });
  }

  /** Logout: the session of the given refresh token, else the caller's current session, else nothing. */
  async logout(
    refreshToken: string | undefined,
    current: { userId: string; sessionId: string } | null,
    client: ClientInfo,
  ) {
    let sessionId: string | undefined;
    let userId: string | undefined;
    if (refreshToken) {
      const row = await repo.findRefreshToken(this.db, hashToken(refreshToken));
      if (row) {
        sessionId = row.sessionId;
        userId = row.userId;
      }
    }
    if (!sessionId && current) {
      sessionId = current.sessionId;
      userId = current.userId;
    }
    if (!sessionId) return;
    const sid = sessionId;
    const ids = await this.db.transaction(async (tx) => {
      const revoked = await repo.revokeSession(tx, sid, 'logout');
      if (revoked.length > 0) {
        await recordAudit(tx, { type: 'auth.logout', userId: userId ?? null, client, details: { sessionId: sid } });
      }
      return revoked;
    });
    await this.revoked(ids, client, 'auth.logout', { userId, sessionId });
  }

  async logoutAll(userId: string, client: ClientInfo): Promise<void> {
    const ids = await this.db.transaction(async (tx) => {
      const revoked = await repo.revokeAllSessions(tx, userId, 'logout_all');
      await recordAudit(tx, { type: 'auth.logout_all', userId, client, details: { revokedSessions: revoked } });
      return revoked;
    });
    await this.revoked(ids, client, 'auth.logout_all', { userId });
  }

  async sessions(userId: string, currentSessionId: string) {
    const rows = await repo.listLiveSessions(this.db, userId);
    return rows.map((s) => ({
      id: s.id,
      userAgent: s.userAgent,
      ip: s.ip,
      createdAt: s.createdAt.toISOString(),
      lastUsedAt: s.lastUsedAt.toISOString(),
      expiresAt: s.expiresAt.toISOString(),
      current: s.id === currentSessionId,
    }));
  }

  async deleteSession(userId: string, sessionId: string, client: ClientInfo): Promise<void> {
    const ids = await this.db.transaction(async (tx) => {
      const revoked = await repo.revokeUserSession(tx, userId, sessionId, 'deleted');
      if (revoked.length > 0) {
        await recordAudit(tx, { type: 'auth.session.revoked', userId, client, details: { sessionId } });
      }
      return revoked;
    });
    if (ids.length === 0) throw notFound('Session');
    await this.revoked(ids, client, 'auth.session.deleted', { userId, sessionId });
  }

  /** Every session id of a user, live or not (the guard forgets them when the account goes or changes role). */
  sessionIdsOf(userId: string): Promise<string[]> {
    return repo.sessionIdsOfUser(this.db, userId);
  }

  /**
   * Revoke every live session of a user, inside the caller's transaction when given (admin: disable an account);
   * returns their ids, which the caller hands to the session guard once the transaction has committed.
   */
  revokeAllSessions(userId: string, reason: string, tx: DbOrTx = this.db): Promise<string[]> {
    return repo.revokeAllSessions(tx, userId, reason);
  }
}
