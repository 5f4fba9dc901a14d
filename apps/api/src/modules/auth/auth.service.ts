/**
 * Authentication rules: accounts, sessions (one refresh-token family each), rotation with reuse detection,
 * revocation, password change and reset, email verification. Throws AppErrors; HTTP details live in the routes.
 */
import { ErrorCode } from '@primetrade/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { Deps } from '../../deps';
import type { UserRow } from '../../infra/db/schema';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from '../../infra/passwords';
import { hashToken, randomToken } from '../../infra/tokens';
import { AppError, notFound, unauthenticated, validation } from '../../lib/errors';
import { passwordChangedNotice, resetMail, verificationMail } from './auth-mails';
import * as repo from './auth.repo';
import { checkPassword } from './password-policy';

export const RESET_TOKEN_TTL_SEC = 30 * 60;
export const VERIFY_TOKEN_TTL_SEC = 24 * 3600;

/** Who is asking, for the session row and the security log. */
export interface ClientInfo {
  ip: string;
  userAgent: string | null;
  log: FastifyBaseLogger;
}

export interface Issued {
  user: UserRow;
  sessionId: string;
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
}

/** A short, non-reversible reference to an email for the logs (correlate attempts without storing addresses). */
export const emailRef = (email: string) => hashToken(`email:${email}`).slice(0, 16);

/** One structured security event; callers never pass secrets (passwords, tokens, cookies). */
export function securityEvent(
  log: FastifyBaseLogger,
  event: string,
  fields: Record<string, unknown> = {},
  level: 'info' | 'warn' = 'info',
): void {
  log[level]({ security: true, event, ...fields }, event);
}

export const invalidCredentials = () =>
  new AppError(ErrorCode.INVALID_CREDENTIALS, 'The email or password is not correct');

export function isUniqueViolation(err: unknown): boolean {
  let e: unknown = err;
  for (let i = 0; i < 4 && e; i++) {
    if ((e as { code?: string }).code === '23505') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

const clip = (s: string | null, n: number) => (s && s.length > n ? s.slice(0, n) : s);

export class AuthService {
  constructor(private readonly deps: Deps) {}

  private get db() {
    return this.deps.database.db;
  }

  private get config() {
    return this.deps.config;
  }

  /** Refuse a password that is common or made of the user's own details (400 with the reason). */
  assertPasswordAllowed(password: string, path: string, context: { email?: string; name?: string }): void {
    const problems = checkPassword(password, path, context);
    if (problems) throw validation(problems, 'The password is not allowed');
  }

  /** A new session (refresh-token family) with its first refresh token and an access token. */
  async startSession(user: UserRow, client: ClientInfo): Promise<Issued> {
    const now = Date.now();
    const absoluteExpiresAt = new Date(now + this.config.sessionAbsoluteTtlSec * 1000);
    const expiresAt = new Date(Math.min(now + this.config.refreshTokenTtlSec * 1000, absoluteExpiresAt.getTime()));
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
      return s;
    });
    const access = await this.deps.tokens.signAccess({ userId: user.id, sessionId: session.id, role: user.role });
    return {
      user,
      sessionId: session.id,
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken,
      refreshTokenExpiresAt: expiresAt,
    };
  }

  async register(body: { name: string; email: string; password: string }, client: ClientInfo): Promise<Issued> {
    this.assertPasswordAllowed(body.password, 'password', { email: body.email, name: body.name });
    if (await repo.findUserByEmail(this.db, body.email)) {
      throw new AppError(ErrorCode.EMAIL_TAKEN, 'An account with this email already exists');
    }
    const passwordHash = await hashPassword(body.password);
    const user = await repo.insertUser(this.db, { name: body.name, email: body.email, passwordHash });
    if (!user) throw new AppError(ErrorCode.EMAIL_TAKEN, 'An account with this email already exists');
    securityEvent(client.log, 'auth.register', { userId: user.id, ip: client.ip });
    await this.sendVerification(user, client);
    return this.startSession(user, client);
  }

  /** Check the credentials; INVALID_CREDENTIALS for an unknown email or a wrong password alike. */
  async login(body: { email: string; password: string }, client: ClientInfo): Promise<Issued> {
    const user = await repo.findUserByEmail(this.db, body.email);
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
      throw invalidCredentials();
    }
    if (!user.isActive) {
      securityEvent(client.log, 'auth.login.disabled', { userId: user.id, ip: client.ip }, 'warn');
      throw new AppError(ErrorCode.ACCOUNT_DISABLED, 'This account is disabled');
    }
    const rehash = needsRehash(user.passwordHash) ? await hashPassword(body.password) : undefined;
    await repo.touchLogin(this.db, user.id, rehash);
    const issued = await this.startSession(user, client);
    securityEvent(client.log, 'auth.login.succeeded', {
      userId: user.id,
      sessionId: issued.sessionId,
      ip: client.ip,
      rehashed: Boolean(rehash),
    });
    return issued;
  }

  /**
   * Exchange a refresh token for a new pair. The token row is locked (SELECT … FOR UPDATE) so concurrent
   * refreshes of one token run one after the other: the first rotates it, the others see it rotated (reuse).
   */
  async refresh(token: string, client: ClientInfo): Promise<Issued> {
    const now = new Date();
    const grace = this.config.refreshReuseGraceSec;
    const newToken = randomToken();
    const outcome = await this.db.transaction(async (tx) => {
      const row = await repo.lockRefreshToken(tx, hashToken(token));
      if (!row) return { kind: 'unknown' as const };
      const session = await repo.lockSession(tx, row.sessionId);
      if (!session || session.revokedAt) return { kind: 'revoked' as const, sessionId: row.sessionId };
      if (row.rotatedAt) {
        if (grace > 0 && now.getTime() - row.rotatedAt.getTime() <= grace * 1000) {
          return { kind: 'grace' as const, sessionId: session.id };
        }
        const ids = await repo.revokeSession(tx, session.id, 'refresh_reuse');
        return { kind: 'reuse' as const, sessionId: session.id, userId: session.userId, ids };
      }
      if (row.expiresAt <= now || session.expiresAt <= now || session.absoluteExpiresAt <= now) {
        return { kind: 'expired' as const, sessionId: session.id };
      }
      const user = await repo.findUserById(tx, session.userId);
      if (!user?.isActive) return { kind: 'revoked' as const, sessionId: session.id };
      const expiresAt = new Date(
        Math.min(now.getTime() + this.config.refreshTokenTtlSec * 1000, session.absoluteExpiresAt.getTime()),
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
    const ids = await repo.revokeSession(this.db, sessionId, 'logout');
    await this.revoked(ids, client, 'auth.logout', { userId, sessionId });
  }

  async logoutAll(userId: string, client: ClientInfo): Promise<void> {
    const ids = await repo.revokeAllSessions(this.db, userId, 'logout_all');
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
    const ids = await repo.revokeUserSession(this.db, userId, sessionId, 'deleted');
    if (ids.length === 0) throw notFound('Session');
    await this.revoked(ids, client, 'auth.session.deleted', { userId, sessionId });
  }

  /** Check a password the signed-in user typed again (password change, email change, account deletion). */
  async confirmPassword(user: UserRow, password: string, client: ClientInfo, action: string): Promise<void> {
    if (!(await verifyPassword(user.passwordHash, password))) {
      securityEvent(client.log, 'auth.reauth.failed', { userId: user.id, action, ip: client.ip }, 'warn');
      throw invalidCredentials();
    }
  }

  async changePassword(
    auth: { userId: string; sessionId: string },
    body: { currentPassword: string; newPassword: string },
    client: ClientInfo,
  ): Promise<void> {
    const user = await repo.findUserById(this.db, auth.userId);
    if (!user) throw unauthenticated();
    await this.confirmPassword(user, body.currentPassword, client, 'password_change');
    this.assertPasswordAllowed(body.newPassword, 'newPassword', { email: user.email, name: user.name });
    const passwordHash = await hashPassword(body.newPassword);
    const ids = await this.db.transaction(async (tx) => {
      await repo.updateUser(tx, user.id, { passwordHash });
      await repo.voidUserTokens(tx, user.id, 'password_reset');
      return repo.revokeOtherSessions(tx, user.id, auth.sessionId, 'password_change');
    });
    await this.revoked(ids, client, 'auth.password.changed', { userId: user.id, sessionId: auth.sessionId });
    await this.deps.mailer.send(passwordChangedNotice(user.email, user.name));
  }

  /** Always succeeds from the caller's view; mails a single-use reset link when the account exists and is active. */
  async forgotPassword(email: string, client: ClientInfo): Promise<void> {
    const user = await repo.findUserByEmail(this.db, email);
    if (!user?.isActive) {
      securityEvent(client.log, 'auth.password.reset_requested', {
        emailRef: emailRef(email),
        ip: client.ip,
        sent: false,
      });
      return;
    }
    const token = randomToken();
    await this.db.transaction(async (tx) => {
      await repo.voidUserTokens(tx, user.id, 'password_reset');
      await repo.insertUserToken(tx, {
        userId: user.id,
        kind: 'password_reset',
        tokenHash: hashToken(token),
        email: user.email,
        expiresAt: new Date(Date.now() + RESET_TOKEN_TTL_SEC * 1000),
      });
    });
    securityEvent(client.log, 'auth.password.reset_requested', { userId: user.id, ip: client.ip, sent: true });
    await this.deps.mailer.send(resetMail(this.config.appUrl, user.email, user.name, token));
  }

  async resetPassword(body: { token: string; password: string }, client: ClientInfo): Promise<void> {
    const passwordHashFor = async (user: UserRow) => {
      this.assertPasswordAllowed(body.password, 'password', { email: user.email, name: user.name });
      return hashPassword(body.password);
    };
    const result = await this.db.transaction(async (tx) => {
      const row = await repo.lockUsableUserToken(tx, hashToken(body.token), 'password_reset');
      if (!row) return null;
      const user = await repo.findUserById(tx, row.userId);
      if (!user) return null;
      const passwordHash = await passwordHashFor(user);
      await repo.useUserToken(tx, row.id);
      await repo.updateUser(tx, user.id, {
        passwordHash,
        ...(row.email === user.email ? { emailVerified: true } : {}),
      });
      const ids = await repo.revokeAllSessions(tx, user.id, 'password_reset');
      return { userId: user.id, ids };
    });
    if (!result) {
      securityEvent(client.log, 'auth.password.reset_failed', { ip: client.ip, reason: 'invalid_token' }, 'warn');
      throw validation([{ path: 'token', message: 'The reset link is invalid, used or expired' }]);
    }
    await this.revoked(result.ids, client, 'auth.password.reset', { userId: result.userId });
  }

  async sendVerification(user: UserRow, client: ClientInfo): Promise<void> {
    const token = randomToken();
    await this.db.transaction(async (tx) => {
      await repo.voidUserTokens(tx, user.id, 'email_verification');
      await repo.insertUserToken(tx, {
        userId: user.id,
        kind: 'email_verification',
        tokenHash: hashToken(token),
        email: user.email,
        expiresAt: new Date(Date.now() + VERIFY_TOKEN_TTL_SEC * 1000),
      });
    });
    securityEvent(client.log, 'auth.email.verification_sent', { userId: user.id });
    await this.deps.mailer.send(verificationMail(this.config.appUrl, user.email, user.name, token));
  }

  async resendVerification(userId: string, client: ClientInfo): Promise<void> {
    const user = await repo.findUserById(this.db, userId);
    if (!user) throw unauthenticated();
    if (user.emailVerified) return;
    await this.sendVerification(user, client);
  }

  async verifyEmail(token: string, client: ClientInfo): Promise<void> {
    const userId = await this.db.transaction(async (tx) => {
      const row = await repo.lockUsableUserToken(tx, hashToken(token), 'email_verification');
      if (!row) return null;
      const user = await repo.findUserById(tx, row.userId);
      if (!user || row.email !== user.email) return null;
      await repo.useUserToken(tx, row.id);
      await repo.updateUser(tx, user.id, { emailVerified: true });
      return user.id;
    });
    if (!userId) throw validation([{ path: 'token', message: 'The verification link is invalid, used or expired' }]);
    securityEvent(client.log, 'auth.email.verified', { userId });
  }
}
