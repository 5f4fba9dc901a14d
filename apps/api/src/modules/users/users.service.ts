/**
 * The signed-in user's own account: profile, email change (current password required, takes effect at once,
 * unverified until the new address is confirmed), deletion (the user, their tasks and sessions).
 */
import { ErrorCode, type Preferences } from '@primetrade/shared';
import { eq } from 'drizzle-orm';
import type { Deps } from '../../deps';
import { users } from '../../infra/db/schema';
import { AppError, unauthenticated } from '../../lib/errors';
import { emailChangedNotice } from '../auth/auth-mails';
import * as authRepo from '../auth/auth.repo';
import { AuthService, type ClientInfo, isUniqueViolation, securityEvent } from '../auth/auth.service';
import { toUser } from './user-dto';

const emailTaken = () => new AppError(ErrorCode.EMAIL_TAKEN, 'An account with this email already exists');

export class UsersService {
  private readonly auth: AuthService;
  constructor(private readonly deps: Deps) {
    this.auth = new AuthService(deps);
  }

  private get db() {
    return this.deps.database.db;
  }

  private async load(userId: string) {
    const user = await authRepo.findUserById(this.db, userId);
    if (!user) throw unauthenticated();
    return user;
  }

  async me(userId: string) {
    return toUser(await this.load(userId));
  }

  async preferences(userId: string): Promise<Preferences> {
    const u = await this.load(userId);
    return { remindersEnabled: u.remindersEnabled, reminderLeadMinutes: u.reminderLeadMinutes };
  }

  async updatePreferences(
    userId: string,
    body: { remindersEnabled?: boolean | undefined; reminderLeadMinutes?: number | undefined },
  ): Promise<Preferences> {
    const [u] = await this.db
      .update(users)
      .set({
        ...(body.remindersEnabled !== undefined ? { remindersEnabled: body.remindersEnabled } : {}),
        ...(body.reminderLeadMinutes !== undefined ? { reminderLeadMinutes: body.reminderLeadMinutes } : {}),
        updatedAt: new Date(),
      })
      .where(eq(users.id, userId))
      .returning({ remindersEnabled: users.remindersEnabled, reminderLeadMinutes: users.reminderLeadMinutes });
    if (!u) throw unauthenticated();
    return u;
  }

  async update(
    userId: string,
    body: {
      name?: string | undefined;
      timezone?: string | undefined;
      email?: string | undefined;
      currentPassword?: string | undefined;
    },
    client: ClientInfo,
  ) {
    const user = await this.load(userId);
    const changeEmail = body.email !== undefined && body.email !== user.email;
    if (body.email !== undefined) {
      await this.auth.confirmPassword(user, body.currentPassword ?? '', client, 'email_change');
    }
    if (changeEmail && (await authRepo.findUserByEmail(this.db, body.email!))) throw emailTaken();
    const patch = {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.timezone !== undefined ? { timezone: body.timezone } : {}),
      ...(changeEmail ? { email: body.email!, emailVerified: false } : {}),
    };
    if (Object.keys(patch).length === 0) return toUser(user);
    let updated: typeof user | undefined;
    try {
      updated = await authRepo.updateUser(this.db, user.id, patch);
    } catch (err) {
      if (isUniqueViolation(err)) throw emailTaken();
      throw err;
    }
    if (!updated) throw unauthenticated();
    // Task statistics are computed in the user's timezone and cached per task-data version: a new timezone
    // makes them a new version (the cached stats never need to read the profile).
    if (updated.timezone !== user.timezone) await this.deps.cache.bump(`tasks:${user.id}`);
    if (changeEmail) {
      securityEvent(client.log, 'user.email_changed', { userId: user.id, ip: client.ip });
      await this.auth.sendVerification(updated, client);
      await this.deps.mailer.send(emailChangedNotice(user.email, user.name, updated.email));
    }
    return toUser(updated);
  }

  /** Delete the account after checking its password; sessions, tokens and tasks go with it (ON DELETE CASCADE). */
  async remove(userId: string, password: string, client: ClientInfo): Promise<void> {
    const user = await this.load(userId);
    await this.auth.confirmPassword(user, password, client, 'account_deletion');
    const sessionIds = await authRepo.sessionIdsOfUser(this.db, user.id);
    await this.db.delete(users).where(eq(users.id, user.id));
    await this.deps.sessionGuard.revoked(sessionIds);
    securityEvent(client.log, 'user.deleted', { userId: user.id, revokedSessions: sessionIds, ip: client.ip });
  }
}
