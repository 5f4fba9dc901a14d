/** Queries of the oidc module: the identities that link a provider's subject to a user, and their sealed id_tokens. */
import { and, eq, isNotNull } from 'drizzle-orm';
import type { DbOrTx } from '../../infra/db/client';
import { userIdentities } from '../../infra/db/schema';

export async function findIdentity(db: DbOrTx, provider: string, subject: string) {
  const [row] = await db
    .select()
    .from(userIdentities)
    .where(and(eq(userIdentities.provider, provider), eq(userIdentities.subject, subject)))
    .limit(1);
  return row;
}

/** A sign-in through a known identity: the provider's current email, the time, the new sealed id_token. */
export async function touchIdentity(
  db: DbOrTx,
  id: string,
  values: { email: string | null; lastLoginAt: Date; idTokenEnc: string | null },
): Promise<void> {
  await db.update(userIdentities).set(values).where(eq(userIdentities.id, id));
}

/** Link a (provider, subject) to a user; a concurrent link of the same pair wins and this one is dropped. */
export async function insertIdentity(
  db: DbOrTx,
  values: {
    id: string;
    userId: string;
    provider: string;
    subject: string;
    email: string | null;
    idTokenEnc: string | null;
  },
): Promise<void> {
  await db.insert(userIdentities).values(values).onConflictDoNothing();
}

/** Every stored id_token envelope (the re-encryption after a key rotation reads them all). */
export async function listSealedIdTokens(db: DbOrTx): Promise<Array<{ id: string; idTokenEnc: string }>> {
  const rows = await db
    .select({ id: userIdentities.id, idTokenEnc: userIdentities.idTokenEnc })
    .from(userIdentities)
    .where(isNotNull(userIdentities.idTokenEnc));
  return rows.flatMap((r) => (r.idTokenEnc ? [{ id: r.id, idTokenEnc: r.idTokenEnc }] : []));
}

export async function setSealedIdToken(db: DbOrTx, id: string, idTokenEnc: string): Promise<void> {
  await db.update(userIdentities).set({ idTokenEnc }).where(eq(userIdentities.id, id));
}
