/**
 * POST /tasks Idempotency-Key bookkeeping: a key's request hash and stored response, per user, for a TTL.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../infra/db/client';
import { idempotencyKeys } from '../../infra/db/schema/tasks';

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
 * Claim a key inside the creating transaction. A live row held by another transaction makes this wait for it
 * (unique index), then return false; an expired row is taken over. True when this transaction owns the key.
 */
export async function claimIdempotencyKey(
  db: DbOrTx,
  userId: string,
  key: string,
  requestHash: string,
  ttlSec: number,
): Promise<boolean> {
  const expires = sql`now() + make_interval(secs => ${ttlSec})`;
  const rows = await db
    .insert(idempotencyKeys)
    .values({ userId, key, requestHash, expiresAt: expires })
    .onConflictDoUpdate({
      target: [idempotencyKeys.userId, idempotencyKeys.key],
      set: { requestHash, statusCode: null, response: null, createdAt: sql`now()`, expiresAt: expires },
      setWhere: sql`${idempotencyKeys.expiresAt} <= now()`,
    })
    .returning({ key: idempotencyKeys.key })
    .prepare('idempotency_claim')
    .execute();
  return rows.length > 0;
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
