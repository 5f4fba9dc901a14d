/**
 * Credentials of an account: the password (policy, re-check, change, forgotten-password reset) and the email address
 * (verification, change notices). Throws AppErrors; HTTP details live in the routes.
 */
import { ErrorCode } from '@primetrade/shared';
import type { Db } from '../../infra/db/client';
import type { Mailer } from '../../infra/mail/mailer';
import { hashPassword, verifyPassword } from '../../infra/passwords';
import type { SessionGuard } from '../../infra/session-guard';
import { hashToken, randomToken } from '../../infra/tokens';
import { AppError, unauthenticated, validation } from '../../lib/errors';
import type { ClientInfo } from '../../lib/http';
import { securityEvent } from '../../lib/security-log';
import { recordAudit } from '../audit';
import { emailChangedNotice, passwordChangedNotice, resetMail, verificationMail } from './auth-mails';
import * as repo from './auth.repo';
import type { UserRow, UserTokenKind } from './auth.repo';
import { checkPassword } from './password-policy';

export const RESET_TOKEN_TTL_SEC = 30 * 60;
export const VERIFY_TOKEN_TTL_SEC = 24 * 3600;

/** A short, non-reversible reference to an email for the logs (correlate attempts without storing addresses). */
export const emailRef = (email: string) => hashToken(`email:${email}`).slice(0, 16);

export const invalidCredentials = () =>
  new AppError(ErrorCode.INVALID_CREDENTIALS, 'The email or password is not correct');

export interface CredentialServiceDeps {
  db: Db;
  sessionGuard: Pick<SessionGuard, 'revoked'>;
  mailer: Mailer;
  /** The web app's origin, for the links in mails. */
  appUrl: string;
}

export class CredentialService {
  private readonly db: Db;
  constructor(private readonly deps: CredentialServiceDeps) {
    this.db = deps.db;
  }

  /** Refuse a password that is common or made of the user's own details (400 with the reason). */
  assertPasswordAllowed(password: string, path: string, context: { email?: string; name?: string }): void {
    const problems = checkPassword(password, path, context);
    if (problems) throw validation(problems, 'The password is not allowed');
  }

  /** Check a password the signed-in user typed again (password change, email change, account deletion). */
  async confirmPassword(user: UserRow, password: string, client: ClientInfo, action: string): Promise<void> {
    if (!(await verifyPassword(user.passwordHash, password))) {
      securityEvent(client.log, 'auth.reauth.failed', { userId: user.id, action, ip: client.ip }, 'warn');
      await recordAudit(this.db, { type: 'auth.reauth.failed', userId: user.id, client, details: { action } });
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
      const revoked = await repo.revokeOtherSessions(tx, user.id, auth.sessionId, 'password_change');
      await recordAudit(tx, {
        type: 'auth.password.changed',
        userId: user.id,
        client,
        details: { sessionId: auth.sessionId, revokedSessions: revoked },
      });
      return revoked;
    });
    await this.deps.sessionGuard.revoked(ids);
    securityEvent(client.log, 'auth.password.changed', {
      userId: user.id,
      sessionId: auth.sessionId,
      revokedSessions: ids,
      ip: client.ip,
    });
    await this.deps.mailer.send(passwordChangedNotice(user.email, user.name));
  }

  /** Always succeeds from the caller's view; mails a single-use reset link when the account exists and is active. */
  /**
   * Forgot-password, answered before any work is done: the lookup, the token insert and the mail run after the
   * response (setImmediate), so a real account answers as fast as an unknown address (no timing oracle). A failure
   * of that work is logged with the request's logger, never lost; settled() waits for it (shutdown, tests).
   */
  forgotPassword(email: string, client: ClientInfo): void {
    this.afterResponse('auth.password.reset_request', client, async () => {
      const user = await repo.findUserByEmail(this.db, email);
      if (!user?.isActive) {
        securityEvent(client.log, 'auth.password.reset_requested', {
          emailRef: emailRef(email),
          ip: client.ip,
          sent: false,
        });
        return;
      }
      const token = await this.issueUserToken(user, 'password_reset', RESET_TOKEN_TTL_SEC);
      securityEvent(client.log, 'auth.password.reset_requested', { userId: user.id, ip: client.ip, sent: true });
      await this.deps.mailer.send(resetMail(this.deps.appUrl, user.email, user.name, token));
    });
  }

  private readonly pending = new Set<Promise<void>>();

  /** Run `work` once the current response is on its way; its failure is logged, not thrown. */
  private afterResponse(what: string, client: ClientInfo, work: () => Promise<void>): void {
    const run = new Promise<void>((resolve) => setImmediate(resolve))
      .then(work)
      .catch((err: unknown) => client.log.error({ err, work: what }, 'background work after the response failed'))
      .finally(() => this.pending.delete(run));
    this.pending.add(run);
  }

  /** Resolves when every piece of work started after a response has finished (graceful shutdown, tests). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
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
      await recordAudit(tx, {
        type: 'auth.password.reset',
        userId: user.id,
        client,
        details: { revokedSessions: ids },
      });
      return { userId: user.id, ids };
    });
    if (!result) {
      securityEvent(client.log, 'auth.password.reset_failed', { ip: client.ip, reason: 'invalid_token' }, 'warn');
      throw validation([{ path: 'token', message: 'The reset link is invalid, used or expired' }]);
    }
    await this.deps.sessionGuard.revoked(result.ids);
    securityEvent(client.log, 'auth.password.reset', {
      userId: result.userId,
      revokedSessions: result.ids,
      ip: client.ip,
    });
  }

  async sendVerification(user: UserRow, client: ClientInfo): Promise<void> {
    const token = await this.issueUserToken(user, 'email_verification', VERIFY_TOKEN_TTL_SEC);
    securityEvent(client.log, 'auth.email.verification_sent', { userId: user.id });
    await this.deps.mailer.send(verificationMail(this.deps.appUrl, user.email, user.name, token));
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
      await recordAudit(tx, { type: 'auth.email.verified', userId: user.id, client });
      return user.id;
    });
    if (!userId) throw validation([{ path: 'token', message: 'The verification link is invalid, used or expired' }]);
    securityEvent(client.log, 'auth.email.verified', { userId });
  }

  /** After an account's address changed (users module): verify the new address, tell the old one. */
  async emailChanged(before: UserRow, after: UserRow, client: ClientInfo): Promise<void> {
    securityEvent(client.log, 'user.email_changed', { userId: after.id, ip: client.ip });
    await this.sendVerification(after, client);
    await this.deps.mailer.send(emailChangedNotice(before.email, before.name, after.email));
  }

  /**
   * A new single-use token of this kind for the user's current address (stored hashed, valid `ttlSec`); the older
   * ones of that kind stop working. The caller mails it.
   */
  private async issueUserToken(user: UserRow, kind: UserTokenKind, ttlSec: number): Promise<string> {
    const token = randomToken();
    await this.db.transaction(async (tx) => {
      await repo.voidUserTokens(tx, user.id, kind);
      await repo.insertUserToken(tx, {
        userId: user.id,
        kind,
        tokenHash: hashToken(token),
        email: user.email,
        expiresAt: new Date(Date.now() + ttlSec * 1000),
      });
    });
    return token;
  }
}
