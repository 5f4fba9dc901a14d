/** Queries of passkeys (WebAuthn credentials) and the single-use challenges of their ceremonies. */
import { and, asc, count, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../infra/db/client';
import { type PasskeyRow, passkeys, webauthnChallenges } from '../../infra/db/schema';

export type ChallengePurpose = 'registration' | 'login';

export async function listPasskeys(db: DbOrTx, userId: string): Promise<PasskeyRow[]> {
  return db.select().from(passkeys).where(eq(passkeys.userId, userId)).orderBy(asc(passkeys.createdAt));
}

export async function countPasskeys(db: DbOrTx, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(passkeys).where(eq(passkeys.userId, userId));
  return Number(row?.n ?? 0);
}

export async function findByCredentialId(db: DbOrTx, credentialId: string): Promise<PasskeyRow | undefined> {
  const [row] = await db.select().from(passkeys).where(eq(passkeys.credentialId, credentialId));
  return row;
}

/** The new credential, or undefined when this credential id is registered already (to anyone). */
export async function insertPasskey(
  db: DbOrTx,
  values: {
    userId: string;
    credentialId: string;
    publicKey: string;
    counter: number;
    transports: string[];
    name: string;
  },
): Promise<PasskeyRow | undefined> {
  const [row] = await db.insert(passkeys).values(values).onConflictDoNothing().returning();
  return row;
}

export async function renamePasskey(db: DbOrTx, userId: string, id: string, name: string) {
  const [row] = await db
    .update(passkeys)
    .set({ name })
    .where(and(eq(passkeys.id, id), eq(passkeys.userId, userId)))
    .returning();
  return row;
}

export async function deletePasskey(db: DbOrTx, userId: string, id: string) {
  const [row] = await db
    .delete(passkeys)
    .where(and(eq(passkeys.id, id), eq(passkeys.userId, userId)))
    .returning({ id: passkeys.id, name: passkeys.name });
  return row;
}

/**
 * Record a verified assertion: the counter moves to `counter` only if it is still the value the verification
 * compared against (a concurrent assertion of a cloned authenticator loses). False when it moved meanwhile.
 */
export async function useCredential(db: DbOrTx, id: string, expectedCounter: number, counter: number) {
  const rows = await db
    .update(passkeys)
    .set({ counter, lastUsedAt: new Date() })
    .where(and(eq(passkeys.id, id), eq(passkeys.counter, expectedCounter)))
    .returning({ id: passkeys.id });
  return rows.length === 1;
}

export async function insertChallenge(
  db: DbOrTx,
  values: {
    challengeHash: string;
    purpose: ChallengePurpose;
    userId: string | null;
    mfaChallengeHash: string | null;
    expiresAt: Date;
  },
): Promise<void> {
  // Expired challenges are swept as new ones come (useless and short-lived).
  await db.delete(webauthnChallenges).where(lt(webauthnChallenges.expiresAt, sql`now() - interval '1 hour'`));
  await db.insert(webauthnChallenges).values(values);
}

/** An open (unused, unexpired) challenge of this purpose, without spending it. */
export async function findOpenChallenge(db: DbOrTx, challengeHash: string, purpose: ChallengePurpose) {
  const [row] = await db
    .select()
    .from(webauthnChallenges)
    .where(
      and(
        eq(webauthnChallenges.challengeHash, challengeHash),
        eq(webauthnChallenges.purpose, purpose),
        isNull(webauthnChallenges.usedAt),
        gt(webauthnChallenges.expiresAt, new Date()),
      ),
    );
  return row;
}

/** Spend a challenge: true once, false when used or expired meanwhile. */
export async function useChallenge(db: DbOrTx, id: string): Promise<boolean> {
  const rows = await db
    .update(webauthnChallenges)
    .set({ usedAt: new Date() })
    .where(
      and(
        eq(webauthnChallenges.id, id),
        isNull(webauthnChallenges.usedAt),
        gt(webauthnChallenges.expiresAt, new Date()),
      ),
    )
    .returning({ id: webauthnChallenges.id });
  return rows.length === 1;
}
