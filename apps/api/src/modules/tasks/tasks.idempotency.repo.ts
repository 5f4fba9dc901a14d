/**
 * POST /tasks Idempotency-Key bookkeeping: a key's request hash and stored response, per user, for a TTL.
 */
import { and, eq, sql } from 'drizzle-orm';
import { type DbOrTx, executorOf } from '../../infra/db/client';
import { idempotencyKeys } from '../../infra/db/schema/tasks';
import { columnLocked, columnLockText } from './tasks.board.repo';

export interface IdempotencyRecord {
  requestHash: string;
  statusCode: number | null;
  response: { body: unknown; headers: Record<string, string> } | null;
}

/** The live (unexpired) record of a key. */
export async function findIdempotencyKey(db: DbOrTx, userId: string, key: string): Promise<IdempotencyRecord | null> {
  const rows = await db
    .select({
      requestHash: idempotencyKeys.requestHash,
      statusCode: idempotencyKeys.statusCode,
      response: idempotencyKeys.response,
    })
    .from(idempotencyKeys)
    .where(
      and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key), sql`${idempotencyKeys.expiresAt} > now()`),
    )
    // Every POST /tasks with a key asks it first (the web client sends one with each creation): parsed once per
    // connection.
    .prepare('idempotency_find')
    .execute();
  return rows[0] ?? null;
}

/**
 * Claim a key inside the creating transaction and, only when this transaction now owns it, take the (shared) lock
 * of the board column the new task goes to — one statement for what were two round trips (issue 20: the web
 * client's create). A live row held by another transaction makes the claim wait for it (unique index), then
 * return nothing; an expired row is taken over. True when this transaction owns the key (and holds the lock).
 */
const CLAIM_LOCKING_COLUMN = {
  name: 'idempotency_claim_column',
  text: `with c as (
    insert into idempotency_keys (user_id, key, request_hash, expires_at)
    values ($1::uuid, $2::text, $3::text, now() + make_interval(secs => $4::int))
    on conflict (user_id, key) do update
      set request_hash = excluded.request_hash, status_code = null, response = null, created_at = now(),
        expires_at = excluded.expires_at
      where idempotency_keys.expires_at <= now()
    returning key
  )
  select c.key, ${columnLockText('$5::uuid', '$6::text', 'shared')}::text from c`,
};

export async function claimIdempotencyKeyLockingColumn(
  tx: DbOrTx,
  claim: { userId: string; key: string; requestHash: string; ttlSec: number },
  column: { projectId: string; status: string },
): Promise<boolean> {
  const rows = await executorOf(tx)(CLAIM_LOCKING_COLUMN, [
    claim.userId,
    claim.key,
    claim.requestHash,
    claim.ttlSec,
    column.projectId,
    column.status,
  ]);
  if (rows.length === 0) return false;
  columnLocked(tx, column.projectId, column.status, 'shared');
  return true;
}

export async function storeIdempotentResponse(
  db: DbOrTx,
  userId: string,
  key: string,
  statusCode: number,
  response: { body: unknown; headers: Record<string, string> },
): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({ statusCode, response })
    .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)))
    .prepare('idempotency_store')
    .execute();
}

export async function purgeExpiredIdempotencyKeys(db: DbOrTx, userId: string): Promise<void> {
  await db
    .delete(idempotencyKeys)
    .where(and(eq(idempotencyKeys.userId, userId), sql`${idempotencyKeys.expiresAt} <= now()`));
}
