/**
 * Administration: list and search users, change role or active flag (disabling revokes every session), stats,
 * background jobs.
 */
import { type AdminStats, ErrorCode, TASK_STATUSES } from '@primetrade/shared';
import type { Db } from '../../infra/db/client';
import type { JobQueue } from '../../infra/queue/queue';
import type { SessionGuard } from '../../infra/session-guard';
import { AppError, notFound } from '../../lib/errors';
import type { ClientInfo } from '../../lib/http';
import { securityEvent } from '../../lib/security-log';
import { recordAudit } from '../audit';
import { type AuthService, toUser } from '../auth';
import * as repo from './admin.repo';

export interface AdminServiceDeps {
  db: Db;
  /** Lag-tolerant reads (lists, counts): the replica when one is configured. */
  reader: Db;
  /** Disabling an account revokes its sessions; a role change makes the guard read them again. */
  auth: Pick<AuthService, 'revokeAllSessions' | 'sessionIdsOf'>;
  sessionGuard: Pick<SessionGuard, 'revoked' | 'invalidate'>;
  queue: Pick<JobQueue, 'kind' | 'counts' | 'failed'>;
}

export class AdminService {
  constructor(private readonly deps: AdminServiceDeps) {}

  async listUsers(query: { q?: string | undefined; page: number; limit: number }) {
    const { rows, total } = await repo.searchUsers(this.deps.reader, query.q, query.page, query.limit);
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
    const { auth, sessionGuard } = this.deps;
    const result = await this.deps.db.transaction(async (tx) => {
      const user = await repo.setUserFlags(tx, id, patch);
      if (!user) return null;
      const revoked = patch.isActive === false ? await auth.revokeAllSessions(id, 'account_disabled', tx) : [];
      await recordAudit(tx, {
        type: 'admin.user.updated',
        userId: id,
        actorId: actor.userId,
        client,
        details: { role: patch.role, isActive: patch.isActive, revokedSessions: revoked },
      });
      return { user, revoked };
    });
    if (!result) throw notFound('User');
    if (result.revoked.length > 0) await sessionGuard.revoked(result.revoked);
    // A role change must be seen by the next request (the guard caches the session's role for ≤ 1 s).
    sessionGuard.invalidate(await auth.sessionIdsOf(id));
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
    const { reader } = this.deps;
    const [counts, byStatus] = await Promise.all([repo.userCounts(reader), repo.taskCountsByStatus(reader)]);
    const tasksByStatus = Object.fromEntries(
      TASK_STATUSES.map((s) => [s, byStatus[s] ?? 0]),
    ) as AdminStats['tasksByStatus'];
    const tasks = Object.values(byStatus).reduce((a, b) => a + b, 0);
    return { ...counts, tasks, tasksByStatus };
  }

  /** Queue counts and the most recent failures (the failed set). */
  async jobs() {
    const { queue } = this.deps;
    const [counts, failed] = await Promise.all([queue.counts(), queue.failed(50)]);
    // The bounds the OpenAPI document states (AdminJobs): a job's error is whatever its handler threw.
    const clip = (s: string, n: number) => s.slice(0, n);
    return {
      kind: queue.kind,
      counts,
      failed: failed.map((j) => ({ ...j, id: clip(j.id, 200), name: clip(j.name, 100), error: clip(j.error, 1000) })),
    };
  }
}
