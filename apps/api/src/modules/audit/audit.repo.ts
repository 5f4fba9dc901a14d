/** Queries of the audit log: append, page newest first, and the retention purge (the only delete path). */
import { and, desc, eq, lt, notLike, type SQL, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../infra/db/client';
import { type AuditEventRow, auditEvents, type NewAuditEvent } from '../../infra/db/schema';

export type { NewAuditEvent };

export async function insertAuditEvent(db: DbOrTx, row: NewAuditEvent): Promise<void> {
  await db.insert(auditEvents).values(row);
}

export interface AuditFilter {
  userId?: string | undefined;
  type?: string | undefined;
  /** Only events with a smaller id (the previous page's last). */
  before?: number | undefined;
  /** Leave out admin actions (a user's own activity). */
  withoutAdmin?: boolean;
  limit: number;
}

/** Newest first; `limit + 1` rows so the caller knows whether there is more. */
export function listAuditEvents(db: Db, f: AuditFilter): Promise<AuditEventRow[]> {
  const where: SQL[] = [];
  if (f.userId) where.push(eq(auditEvents.userId, f.userId));
  if (f.type) where.push(eq(auditEvents.type, f.type));
  if (f.before !== undefined) where.push(lt(auditEvents.id, f.before));
  if (f.withoutAdmin) where.push(notLike(auditEvents.type, 'admin.%'));
  return db
    .select()
    .from(auditEvents)
    .where(and(...where))
    .orderBy(desc(auditEvents.id))
    .limit(f.limit + 1);
}

/** Delete the events older than `cutoff` through audit_purge (migration 0012); returns how many went. */
export async function purgeAuditEvents(db: Db, cutoff: Date): Promise<number> {
  const result = (await db.execute(sql`select audit_purge(${cutoff.toISOString()}::timestamptz) as n`)) as unknown as {
    rows: Array<{ n: string | number }>;
  };
  return Number(result.rows[0]?.n ?? 0);
}
