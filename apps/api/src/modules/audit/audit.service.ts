/** Reading the audit log (administrators: everyone's, filtered; a user: their own) and its retention purge. */
import type { AdminAuditQuery, AuditEvent } from '@primetrade/shared';
import type { Db } from '../../infra/db/client';
import type { AuditEventRow } from '../../infra/db/schema';
import * as repo from './audit.repo';

export interface AuditServiceDeps {
  db: Db;
  /** AUDIT_RETENTION_DAYS. */
  retentionDays: number;
}

const toEvent = (r: AuditEventRow): AuditEvent => ({
  id: String(r.id),
  at: r.at.toISOString(),
  userId: r.userId,
  actorId: r.actorId,
  type: r.type,
  ip: r.ip,
  userAgent: r.userAgent,
  details: r.details,
});

export class AuditService {
  constructor(private readonly deps: AuditServiceDeps) {}

  private async page(filter: repo.AuditFilter) {
    const rows = await repo.listAuditEvents(this.deps.db, filter);
    const hasMore = rows.length > filter.limit;
    const data = rows.slice(0, filter.limit).map(toEvent);
    return {
      data,
      meta: { limit: filter.limit, hasMore, nextBefore: hasMore ? (data.at(-1)?.id ?? null) : null },
    };
  }

  /** GET /admin/audit. */
  list(q: AdminAuditQuery) {
    return this.page({
      userId: q.userId,
      type: q.type,
      before: q.before === undefined ? undefined : Number(q.before),
      limit: q.limit,
    });
  }

  /** GET /users/me/audit: the caller's own events, admin actions left out. */
  listMine(userId: string, q: { before?: string | undefined; limit: number }) {
    return this.page({
      userId,
      before: q.before === undefined ? undefined : Number(q.before),
      withoutAdmin: true,
      limit: q.limit,
    });
  }

  /** Delete what is older than the retention; the number of events purged. */
  purge(now = new Date()): Promise<number> {
    return repo.purgeAuditEvents(this.deps.db, new Date(now.getTime() - this.deps.retentionDays * 86_400_000));
  }
}
