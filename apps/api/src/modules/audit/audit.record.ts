/**
 * The one way to write the audit log: `recordAudit(tx, entry)`, called by any module inside the transaction of the
 * action it records (a rolled-back action leaves no event). Details are facts about the action (ids, flags,
 * reasons), never a secret: keys that name one (password, token, secret, code, challenge, otp, cookie) are
 * dropped whatever their value, except ids and counts (`tokenId`, `recoveryCodesLeft`), and long strings are clipped.
 */
import type { DbOrTx } from '../../infra/db/client';
import { insertAuditEvent, type NewAuditEvent } from './audit.repo';

export interface AuditEntry {
  /** `area.thing.what`, e.g. `auth.login.succeeded` (AUDIT_EVENT_TYPES in @primetrade/shared lists the known ones). */
  type: string;
  /** The account the event is about; null when there is none (a failed sign-in for an unknown email). */
  userId: string | null;
  /** Who did it; defaults to `userId` (a user acting on their own account). Null: anonymous or the system. */
  actorId?: string | null;
  /** The caller (ClientInfo of lib/http fits). */
  client?: { ip: string | null; userAgent: string | null } | undefined;
  details?: Record<string, unknown>;
}

const SECRET_KEY = /(password|passwd|secret|token|code|challenge|otp|cookie|authorization)/i;
const HARMLESS_SUFFIX = /(Id|Ids|Count|Left|Name|Names|Kind)$/;
const MAX_STRING = 200;

const isSecretKey = (key: string) => SECRET_KEY.test(key) && !HARMLESS_SUFFIX.test(key);

/** A copy of `value` without secret-named keys, strings clipped, depth bounded. */
export function scrubDetails(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= 4) return '[…]';
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => scrubDetails(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || isSecretKey(k)) continue;
    out[k] = scrubDetails(v, depth + 1);
  }
  return out;
}

const clip = (s: string | null | undefined, n: number) => (s ? s.slice(0, n) : null);

/**
 * The row an entry is stored as (details scrubbed, strings clipped): for a statement that writes the event together
 * with its action in one round trip (the sign-in's session, auth.repo's insertLoginSession).
 */
export function auditRow(entry: AuditEntry): NewAuditEvent {
  return {
    type: entry.type,
    userId: entry.userId,
    actorId: entry.actorId === undefined ? entry.userId : entry.actorId,
    ip: clip(entry.client?.ip, 64),
    userAgent: clip(entry.client?.userAgent, 512),
    details: scrubDetails(entry.details ?? {}) as Record<string, unknown>,
  };
}

/** Append one audit event in `db` (pass the action's transaction). */
export async function recordAudit(db: DbOrTx, entry: AuditEntry): Promise<void> {
  await insertAuditEvent(db, auditRow(entry));
}
