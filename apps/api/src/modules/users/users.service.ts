/**
 * The signed-in user's own account: profile, email change (current password required, takes effect at once,
 * unverified until the new address is confirmed), deletion (the user, their tasks and sessions).
 */
import type { Preferences } from '@primetrade/shared';
import type { Cache } from '../../infra/cache/cache';
import type { Db } from '../../infra/db/client';
import { isUniqueViolation } from '../../infra/db/errors';
import type { SessionGuard } from '../../infra/session-guard';
import { unauthenticated } from '../../lib/errors';
import type { ClientInfo } from '../../lib/http';
import { securityEvent } from '../../lib/security-log';
import { recordAudit } from '../audit';
import { type AuthService, type CredentialService, emailTaken, toUser, type UserRow } from '../auth';
import type { ProjectsService } from '../projects';
import * as repo from './users.repo';

export interface UsersServiceDeps {
  db: Db;
  /** The account itself and its sessions. */
  auth: Pick<AuthService, 'account' | 'findUserByEmail' | 'updateAccount' | 'sessionIdsOf'>;
  /** The password re-check, and the mails of an email change. */
  credentials: Pick<CredentialService, 'confirmPassword' | 'emailChanged'>;
  sessionGuard: Pick<SessionGuard, 'revoked'>;
  /** Task statistics are cached per user and time zone. */
  cache: Pick<Cache, 'bump'>;
  /** The account's projects: what happens to them when it is deleted (issue 15). */
  projects: Pick<ProjectsService, 'beforeAccountDeletion'>;
}

export class UsersService {
  private readonly db: Db;
  constructor(private readonly deps: UsersServiceDeps) {
    this.db = deps.db;
  }

  async me(userId: string) {
    return toUser(await this.deps.auth.account(userId));
  }

  async preferences(userId: string): Promise<Preferences> {
    const u = await this.deps.auth.account(userId);
    return { remindersEnabled: u.remindersEnabled, reminderLeadMinutes: u.reminderLeadMinutes };
  }

  async updatePreferences(
    userId: string,
    body: { remindersEnabled?: boolean | undefined; reminderLeadMinutes?: number | undefined },
  ): Promise<Preferences> {
    const u = await this.deps.auth.updateAccount(userId, {
      ...(body.remindersEnabled !== undefined ? { remindersEnabled: body.remindersEnabled } : {}),
      ...(body.reminderLeadMinutes !== undefined ? { reminderLeadMinutes: body.reminderLeadMinutes } : {}),
    });
    if (!u) throw unauthenticated();
    return { remindersEnabled: u.remindersEnabled, reminderLeadMinutes: u.reminderLeadMinutes };
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
    const { auth, credentials } = this.deps;
    const user = await auth.account(userId);
    const changeEmail = body.email !== undefined && body.email !== user.email;
    if (body.email !== undefined) {
      await credentials.confirmPassword(user, body.currentPassword ?? '', client, 'email_change');
    }
    if (changeEmail && (await auth.findUserByEmail(body.email!))) throw emailTaken();
    const patch = {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.timezone !== undefined ? { timezone: body.timezone } : {}),
      ...(changeEmail ? { email: body.email!, emailVerified: false } : {}),
    };
    if (Object.keys(patch).length === 0) return toUser(user);
    let updated: UserRow | undefined;
    try {
      updated = await auth.updateAccount(
        user.id,
        patch,
        changeEmail ? { type: 'auth.email.changed', client, details: { emailVerified: false } } : undefined,
      );
    } catch (err) {
      if (isUniqueViolation(err)) throw emailTaken();
      throw err;
    }
    if (!updated) throw unauthenticated();
    // Task statistics are computed in the user's timezone and cached per task-data version: a new timezone
    // makes them a new version (the cached stats never need to read the profile).
    if (updated.timezone !== user.timezone) await this.deps.cache.bump(`tasks:${user.id}`);
    if (changeEmail) await credentials.emailChanged(user, updated, client);
    return toUser(updated);
  }

  /** Delete the account after checking its password; sessions, tokens and tasks go with it (ON DELETE CASCADE). */
  async remove(userId: string, password: string, client: ClientInfo): Promise<void> {
    const { auth, credentials } = this.deps;
    const user = await auth.account(userId);
    await credentials.confirmPassword(user, password, client, 'account_deletion');
    const sessionIds = await auth.sessionIdsOf(user.id);
    // Its inbox and the projects only it belonged to go; in shared ones, the earliest-joined member inherits the
    // last owner's role and the tasks it created (issue 15; api.md "Projects, members, sharing").
    const { affected, notices } = await this.db.transaction(async (tx) => {
      const kept = await this.deps.projects.beforeAccountDeletion(tx, user.id);
      await repo.deleteUser(tx, user.id);
      await recordAudit(tx, {
        type: 'account.deleted',
        userId: user.id,
        client,
        details: { revokedSessions: sessionIds },
      });
      return kept;
    });
    await Promise.all(affected.map((u) => this.deps.cache.bump(`tasks:${u}`)));
    for (const notice of notices) notice();
    await this.deps.sessionGuard.revoked(sessionIds);
    securityEvent(client.log, 'user.deleted', { userId: user.id, revokedSessions: sessionIds, ip: client.ip });
  }
}
