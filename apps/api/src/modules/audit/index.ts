/**
 * The audit module (issue 18 item 5): the append-only audit log. Other modules write to it only through
 * `recordAudit(tx, entry)`, inside the transaction of the action; this module reads it (GET /admin/audit,
 * GET /users/me/audit) and purges what is older than AUDIT_RETENTION_DAYS (a job every hour).
 */
import type { JobHandlers, ScheduledJob } from '../../infra/queue/queue';
import { auditRoutes } from './audit.routes';
import { AuditService, type AuditServiceDeps } from './audit.service';

export const AUDIT_PURGE_JOB = 'audit.purge';
const PURGE_EVERY_MS = 3_600_000;

export type AuditModuleDeps = AuditServiceDeps & { log?: { info(obj: object, msg: string): void } };

export function createAuditModule(deps: AuditModuleDeps) {
  const service = new AuditService(deps);
  const jobs: JobHandlers = {
    [AUDIT_PURGE_JOB]: async () => {
      const purged = await service.purge();
      if (purged > 0) deps.log?.info({ purged, retentionDays: deps.retentionDays }, 'audit events purged');
    },
  };
  const schedule: ScheduledJob[] = [{ id: 'audit-purge', name: AUDIT_PURGE_JOB, everyMs: PURGE_EVERY_MS }];
  return { service, jobs, schedule, routes: auditRoutes(service) };
}

export { type AuditEntry, auditRow, recordAudit } from './audit.record';
