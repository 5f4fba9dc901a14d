/** Queries of the tokens module: a user's API tokens, and the lookup of a presented secret by its hash. */
import { and, asc, count, eq, isNull, lt, or } from 'drizzle-orm';
import type { DbOrTx } from '../../infra/db/client';
import { type ApiTokenRow, apiTokens, users } from '../../infra/db/schema';

export type { ApiTokenRow };

export async function listTokens(db: DbOrTx, userId: string): Promise<ApiTokenRow[]> {
  return db
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .orderBy(asc(apiTokens.createdAt), asc(apiTokens.id));
}

/** Serialise token creation per user (the per-user limit): lock the account row until the transaction ends. */
export async function lockUser(db: DbOrTx, userId: string): Promise<boolean> {
  const rows = await db.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');
  return rows.length > 0;
}

export async function countTokens(db: DbOrTx, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(apiTokens).where(eq(apiTokens.userId, userId));
  return Number(row?.n ?? 0);
}

export async function insertToken(
  db: DbOrTx,
  values: { userId: string; name: string; scopes: string[]; tokenHash: string; expiresAt: Date | null },
): Promise<ApiTokenRow> {
  const [row] = await db.insert(apiTokens).values(values).returning();
  if (!row) throw new Error('api token insert returned nothing');
  return row;
}

/** Delete one of the user's tokens; the deleted row, or undefined when it is not theirs or gone. */
export async function deleteToken(db: DbOrTx, userId: string, id: string): Promise<ApiTokenRow | undefined> {
  const [row] = await db
    .delete(apiTokens)
    .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId)))
    .returning();
  return row;
}

/** What a presented secret stands for: the token and its owner's standing. */
export interface TokenGrant {
  id: string;
  userId: string;
  scopes: string[];
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  role: 'user' | 'admin';
  userActive: boolean;
}

export async function findGrantByHash(db: DbOrTx, tokenHash: string): Promise<TokenGrant | undefined> {
  const [row] = await db
    .select({
      id: apiTokens.id,
      userId: apiTokens.userId,
      scopes: apiTokens.scopes,
      expiresAt: apiTokens.expiresAt,
      lastUsedAt: apiTokens.lastUsedAt,
      role: users.role,
      userActive: users.isActive,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.tokenHash, tokenHash))
    .limit(1);
  return row;
}

/**
 * Record a use at `now` unless one was recorded after `notBefore` (at most one write per token per interval, on
 * every instance together). True when this call wrote.
 */
export async function touchToken(db: DbOrTx, id: string, now: Date, notBefore: Date): Promise<boolean> {
  const rows = await db
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(and(eq(apiTokens.id, id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, notBefore))))
    .returning({ id: apiTokens.id });
  return rows.length > 0;
}
