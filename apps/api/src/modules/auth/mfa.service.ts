/**
 * Multi-factor sign-in with TOTP (issue 18 item 1): enrol (a pending secret, sealed with the field cipher),
 * confirm with a first code (TOTP on, 10 single-use recovery codes, stored hashed), disable (password and a code),
 * and the second step of a sign-in (POST /auth/mfa/verify: the login's challenge and a code or a recovery code).
 * A code is accepted once: its 30-second step is recorded and that step or an earlier one is refused after.
 * Every change is audited and revokes the user's other sessions, in the transaction of the change.
 */
import { randomBytes } from 'node:crypto';
import { ErrorCode } from '@primetrade/shared';
import type { Db, Tx } from '../../infra/db/client';
import type { FieldCipher } from '../../infra/crypto/field-cipher';
import { verifyPassword } from '../../infra/passwords';
import type { SessionGuard } from '../../infra/session-guard';
import { hashToken } from '../../infra/tokens';
import { AppError, unauthenticated } from '../../lib/errors';
import type { ClientInfo } from '../../lib/http';
import { lazyModule } from '../../lib/lazy-module';
import { securityEvent } from '../../lib/security-log';
import { recordAudit } from '../audit';
import * as repo from './auth.repo';
import type { AuthService, Issued } from './auth.service';
import * as mfaRepo from './mfa.repo';

/** otplib, loaded by the first second-factor request, not at start. */
const otp = lazyModule<typeof import('otplib')>('otplib');

export const RECOVERY_CODE_COUNT = 10;
const ISSUER = 'Primetrade Tasks';
/** A code of the previous or the next 30-second step is accepted too (clock drift). */
const EPOCH_TOLERANCE_SEC = 30;

export interface MfaServiceDeps {
  db: Db;
  auth: Pick<AuthService, 'account' | 'startSession'>;
  sessionGuard: Pick<SessionGuard, 'revoked'>;
  /** Seals the TOTP secrets at rest. */
  cipher: FieldCipher;
}

const badCode = () => new AppError(ErrorCode.INVALID_CREDENTIALS, 'The code is not correct');
const badChallenge = () => unauthenticated('The sign-in step has expired, sign in again');
const secretContext = (userId: string) => `user_totp.secret:${userId}`;
/** Recovery codes are random (50 bits each), so a plain SHA-256 is enough; bound to the user. */
const recoveryHash = (userId: string, code: string) => hashToken(`recovery:${userId}:${code}`);

/** `xxxxx-xxxxx` from the 32 letters and digits that cannot be mistaken for each other. */
function newRecoveryCode(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(10);
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}
const normaliseRecovery = (code: string) => code.toLowerCase().replace(/[\s-]+/g, '');

export class MfaService {
  private readonly db: Db;
  constructor(private readonly deps: MfaServiceDeps) {
    this.db = deps.db;
  }

  async status(userId: string) {
    const row = await mfaRepo.findTotp(this.db, userId);
    const totp = !row ? ('off' as const) : row.enabledAt ? ('on' as const) : ('pending' as const);
    return { totp, recoveryCodesLeft: totp === 'on' ? await mfaRepo.recoveryCodesLeft(this.db, userId) : 0 };
  }

  /** A new pending secret (409 while TOTP is on: disable it first). */
  async enrol(userId: string, client: ClientInfo): Promise<{ secret: string; otpauthUrl: string }> {
    const user = await this.deps.auth.account(userId);
    const secret = otp().generateSecret();
    const sealed = this.deps.cipher.encrypt(secret, secretContext(user.id));
    await this.db.transaction(async (tx) => {
      const current = await mfaRepo.findTotp(tx, user.id);
      if (current?.enabledAt) {
        throw new AppError(ErrorCode.CONFLICT, 'Two-factor authentication is already on; turn it off first');
      }
      await mfaRepo.upsertPendingTotp(tx, user.id, sealed);
      await recordAudit(tx, { type: 'mfa.totp.enrolment_started', userId: user.id, client });
    });
    securityEvent(client.log, 'mfa.totp.enrolment_started', { userId: user.id, ip: client.ip });
    return { secret, otpauthUrl: otp().generateURI({ issuer: ISSUER, label: user.email, secret }) };
  }

  /** The time step of a correct code of this secret not used before, else null. */
  private async stepOf(row: { userId: string; secretEnc: string; lastUsedStep: number | null }, code: string) {
    const secret = this.deps.cipher.decrypt(row.secretEnc, secretContext(row.userId));
    const result = await otp().verify({
      secret,
      token: code,
      epochTolerance: EPOCH_TOLERANCE_SEC,
      ...(row.lastUsedStep !== null ? { afterTimeStep: row.lastUsedStep } : {}),
    });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  }

  /** Spend a code inside `tx` (another request may have used this step meanwhile: then it is a replay). */
  private async spendCode(tx: Tx, userId: string, step: number) {
    if (!(await mfaRepo.useTotpStep(tx, userId, step))) throw badCode();
  }

  /** Confirm the pending secret with a code: TOTP on, new recovery codes (returned once), other sessions revoked. */
  async confirm(auth: { userId: string; sessionId: string }, code: string, client: ClientInfo) {
    const row = await mfaRepo.findTotp(this.db, auth.userId);
    if (!row) throw new AppError(ErrorCode.CONFLICT, 'Start the set-up first (POST /auth/mfa/totp)');
    if (row.enabledAt) throw new AppError(ErrorCode.CONFLICT, 'Two-factor authentication is already on');
    const step = await this.stepOf(row, code);
    if (step === null) {
      await this.failed(auth.userId, 'confirm', client);
      throw badCode();
    }
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    const revoked = await this.db.transaction(async (tx) => {
      await this.spendCode(tx, auth.userId, step);
      if (!(await mfaRepo.enableTotp(tx, auth.userId))) throw new AppError(ErrorCode.CONFLICT, 'Already confirmed');
      await mfaRepo.replaceRecoveryCodes(
        tx,
        auth.userId,
        codes.map((c) => recoveryHash(auth.userId, normaliseRecovery(c))),
      );
      const ids = await repo.revokeOtherSessions(tx, auth.userId, auth.sessionId, 'mfa_enabled');
      await recordAudit(tx, {
        type: 'mfa.totp.enabled',
        userId: auth.userId,
        client,
        details: { recoveryCodeCount: codes.length, revokedSessions: ids },
      });
      return ids;
    });
    await this.deps.sessionGuard.revoked(revoked);
    securityEvent(client.log, 'mfa.totp.enabled', { userId: auth.userId, ip: client.ip, revokedSessions: revoked });
    return { recoveryCodes: codes };
  }

  /** TOTP off: needs the password and a current code; the secret and recovery codes go, other sessions too. */
  async disable(
    auth: { userId: string; sessionId: string },
    body: { password: string; code: string },
    client: ClientInfo,
  ) {
    const user = await this.deps.auth.account(auth.userId);
    const row = await mfaRepo.findTotp(this.db, user.id);
    if (!row?.enabledAt) throw new AppError(ErrorCode.CONFLICT, 'Two-factor authentication is not on');
    const passwordOk = await verifyPassword(user.passwordHash, body.password);
    const step = passwordOk ? await this.stepOf(row, body.code) : null;
    if (step === null) {
      await this.failed(user.id, passwordOk ? 'disable_code' : 'disable_password', client);
      throw passwordOk ? badCode() : new AppError(ErrorCode.INVALID_CREDENTIALS, 'The password is not correct');
    }
    const revoked = await this.db.transaction(async (tx) => {
      await this.spendCode(tx, user.id, step);
      await mfaRepo.deleteMfa(tx, user.id);
      const ids = await repo.revokeOtherSessions(tx, user.id, auth.sessionId, 'mfa_disabled');
      await recordAudit(tx, { type: 'mfa.totp.disabled', userId: user.id, client, details: { revokedSessions: ids } });
      return ids;
    });
    await this.deps.sessionGuard.revoked(revoked);
    securityEvent(client.log, 'mfa.totp.disabled', { userId: user.id, ip: client.ip, revokedSessions: revoked });
  }

  /** The account an open sign-in challenge belongs to (401 when unknown, used or expired): the limit's key. */
  async challengeUser(challenge: string): Promise<string> {
    const row = await mfaRepo.findOpenChallenge(this.db, hashToken(challenge));
    if (!row) throw badChallenge();
    return row.userId;
  }

  /**
   * Finish a sign-in: the challenge, and a TOTP code or a recovery code. The challenge, the code and the session
   * are spent and made in one transaction, audited as `auth.login.succeeded` (method password+totp or
   * password+recovery_code).
   */
  async verify(
    body: { challenge: string; code?: string | undefined; recoveryCode?: string | undefined },
    client: ClientInfo,
  ): Promise<Issued> {
    const open = await mfaRepo.findOpenChallenge(this.db, hashToken(body.challenge));
    if (!open) throw badChallenge();
    const user = await this.deps.auth.account(open.userId);
    if (!user.isActive) throw new AppError(ErrorCode.ACCOUNT_DISABLED, 'This account is disabled');
    const row = await mfaRepo.findTotp(this.db, user.id);
    if (!row?.enabledAt) throw badChallenge();
    let within: (tx: Tx) => Promise<void>;
    let method: string;
    if (body.code !== undefined) {
      const step = await this.stepOf(row, body.code);
      if (step === null) {
        await this.failed(user.id, 'verify_code', client);
        throw badCode();
      }
      method = 'password+totp';
      within = (tx) => this.spendCode(tx, user.id, step);
    } else {
      const hash = recoveryHash(user.id, normaliseRecovery(body.recoveryCode ?? ''));
      method = 'password+recovery_code';
      within = async (tx) => {
        if (!(await mfaRepo.useRecoveryCode(tx, user.id, hash))) throw badCode();
        await recordAudit(tx, { type: 'mfa.recovery_code.used', userId: user.id, client });
      };
    }
    try {
      const issued = await this.deps.auth.startSession(user, client, {
        type: 'auth.login.succeeded',
        details: { method },
        within: async (tx) => {
          if (!(await mfaRepo.useChallenge(tx, open.id))) throw badChallenge();
          await within(tx);
        },
      });
      securityEvent(client.log, 'auth.login.succeeded', { userId: user.id, sessionId: issued.sessionId, method });
      return issued;
    } catch (err) {
      if ((err as { code?: string }).code === ErrorCode.INVALID_CREDENTIALS) {
        await this.failed(user.id, body.code !== undefined ? 'verify_code' : 'verify_recovery_code', client);
      }
      throw err;
    }
  }

  private async failed(userId: string, step: string, client: ClientInfo) {
    securityEvent(client.log, 'mfa.verify.failed', { userId, step, ip: client.ip }, 'warn');
    await recordAudit(this.db, { type: 'mfa.verify.failed', userId, actorId: null, client, details: { step } });
  }
}
