/** Administration: list and search users, change role or active flag (disabling revokes every session), stats. */
import { type AdminStats, ErrorCode, TASK_STATUSES } from '@primetrade/shared';
import type { Deps } from '../../deps';
import { AppError, notFound } from '../../lib/errors';
import * as authRepo from '../auth/auth.repo';
import { type ClientInfo, securityEvent } from '../auth/auth.service';
import { toUser } from '../users/user-dto';
import * as repo from './admin.repo';

export class AdminService {
  constructor(private readonly deps: Deps) {}

  async listUsers(query: { q?: string | undefined; page: number; limit: number }) {
    const { rows, total } = await repo.searchUsers(this.deps.database.reader, query.q, query.page, query.limit);
    return {
      data: rows.map(toUser),
      meta: { page: query.page, limit: query.limit, total, totalPages: Math.ceil(total / query.limit) },
    };
  }

  async updateUser(
    actor: { userId: string },
    id: string,
    patch: { role?: 'user' | 'admin' | undefined; isActive?: boolean | undefined },
    client: ClientInfo,
  ) {
    if (id === actor.userId && (patch.role === 'user' || patch.isActive === false)) {
      throw new AppError(ErrorCode.CONFLICT, 'Administrators cannot demote or disable their own account');
    }
    const db = this.deps.database.db;
    const result = await db.transaction(async (tx) => {
      const user = await repo.setUserFlags(tx, id, patch);
      if (!user) return null;
      const revoked = patch.isActive === false ? await authRepo.revokeAllSessions(tx, id, 'account_disabled') : [];
      return { user, revoked };
    });
    if (!result) throw notFound('User');
    if (result.revoked.length > 0) await this.deps.sessionGuard.revoked(result.revoked);
    // A role change must be seen by the next request (the guard caches the session's role for ≤ 1 s).
    this.deps.sessionGuard.invalidate(await authRepo.sessionIdsOfUser(db, id));
    securityEvent(client.log, 'admin.user_updated', {
      actorId: actor.userId,
      userId: id,
      role: patch.role,
      isActive: patch.isActive,
      revokedSessions: result.revoked,
    });
    return toUser(result.user);
  }

  async stats(): Promise<AdminStats> {
    const reader = this.deps.database.reader;
    const [counts, byStatus] = await Promise.all([repo.userCounts(reader), repo.taskCountsByStatus(reader)]);
    const tasksByStatus = Object.fromEntries(
      TASK_STATUSES.map((s) => [s, byStatus[s] ?? 0]),
    ) as AdminStats['tasksByStatus'];
    const tasks = Object.values(byStatus).reduce((a, b) => a + b, 0);
    return { ...counts, tasks, tasksByStatus };
  }
}
