/** Queries of multi-factor sign-in: the TOTP secret, recovery codes, and the challenges between password and code. */
import { and, count, eq, gt, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../infra/db/client';
import { mfaChallenges, mfaRecoveryCodes, type UserTotpRow, userTotp } from '../../infra/db/schema';

export async function findTotp(db: DbOrTx, userId: string): Promise<UserTotpRow | undefined> {
  const [row] = await db.select().from(userTotp).where(eq(userTotp.userId, userId));
  return row;
}

/** Is a confirmed TOTP on for this account (the login asks). */
export async function totpEnabled(db: DbOrTx, userId: string): Promise<boolean> {
  const [row] = await db
    .select({ userId: userTotp.userId })
    .from(userTotp)
    .where(and(eq(userTotp.userId, userId), isNotNull(userTotp.enabledAt)));
  return Boolean(row);
}

/** A new pending secret (replaces a pending one; never an enabled one: the caller checked). */
export async function upsertPendingTotp(db: DbOrTx, userId: string, secretEnc: string): Promise<void> {
  await db
    .insert(userTotp)
    .values({ userId, secretEnc })
    .onConflictDoUpdate({
      target: userTotp.userId,
      set: { secretEnc, enabledAt: null, lastUsedStep: null, createdAt: new Date() },
      setWhere: isNull(userTotp.enabledAt),
    });
}

/**
 * Record that the code of `step` was used: only when no code of this step or a later one was (no replay). False
 * when another request got there first.
 */
export async function useTotpStep(db: DbOrTx, userId: string, step: number): Promise<boolean> {
  const rows = await db
    .update(userTotp)
    .set({ lastUsedStep: step })
    .where(and(eq(userTotp.userId, userId), or(isNull(userTotp.lastUsedStep), lt(userTotp.lastUsedStep, step))))
    .returning({ userId: userTotp.userId });
  return rows.length === 1;
}

export async function enableTotp(db: DbOrTx, userId: string): Promise<boolean> {
  const rows = await db
    .update(userTotp)
    .set({ enabledAt: new Date() })
    .where(and(eq(userTotp.userId, userId), isNull(userTotp.enabledAt)))
    .returning({ userId: userTotp.userId });
  return rows.length === 1;
}

/** TOTP off: the secret, the recovery codes and the open challenges go. */
export async function deleteMfa(db: DbOrTx, userId: string): Promise<void> {
  await db.delete(userTotp).where(eq(userTotp.userId, userId));
  await db.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId));
  await db.delete(mfaChallenges).where(eq(mfaChallenges.userId, userId));
}

export async function replaceRecoveryCodes(db: DbOrTx, userId: string, codeHashes: string[]): Promise<void> {
  await db.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId));
  await db.insert(mfaRecoveryCodes).values(codeHashes.map((codeHash) => ({ userId, codeHash })));
}

/** Spend a recovery code: true once, false for an unknown or already used one. */
export async function useRecoveryCode(db: DbOrTx, userId: string, codeHash: string): Promise<boolean> {
  const rows = await db
    .update(mfaRecoveryCodes)
    .set({ usedAt: new Date() })
    .where(
      and(
        eq(mfaRecoveryCodes.userId, userId),
        eq(mfaRecoveryCodes.codeHash, codeHash),
        isNull(mfaRecoveryCodes.usedAt),
      ),
    )
    .returning({ id: mfaRecoveryCodes.id });
  return rows.length === 1;
}

export async function recoveryCodesLeft(db: DbOrTx, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(mfaRecoveryCodes)
    .where(and(eq(mfaRecoveryCodes.userId, userId), isNull(mfaRecoveryCodes.usedAt)));
  return Number(row?.n ?? 0);
}

export async function insertChallenge(
  db: DbOrTx,
  values: { userId: string; tokenHash: string; expiresAt: Date },
): Promise<void> {
  // Expired challenges are swept as new ones come (they are useless and short-lived).
  await db.delete(mfaChallenges).where(lt(mfaChallenges.expiresAt, sql`now() - interval '1 hour'`));
  await db.insert(mfaChallenges).values(values);
}

/** The user of an open challenge (unused, unexpired), without spending it. */
export async function findOpenChallenge(
  db: DbOrTx,
  tokenHash: string,
): Promise<{ id: string; userId: string } | undefined> {
  const [row] = await db
    .select({ id: mfaChallenges.id, userId: mfaChallenges.userId })
    .from(mfaChallenges)
    .where(
      and(
        eq(mfaChallenges.tokenHash, tokenHash),
        isNull(mfaChallenges.usedAt),
        gt(mfaChallenges.expiresAt, new Date()),
      ),
    );
  return row;
}

/** Spend a challenge: true once (the sign-in it finishes), false when used or expired meanwhile. */
export async function useChallenge(db: DbOrTx, id: string): Promise<boolean> {
  const rows = await db
    .update(mfaChallenges)
    .set({ usedAt: new Date() })
    .where(and(eq(mfaChallenges.id, id), isNull(mfaChallenges.usedAt), gt(mfaChallenges.expiresAt, new Date())))
    .returning({ id: mfaChallenges.id });
  return rows.length === 1;
}
