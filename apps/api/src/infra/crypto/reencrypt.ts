/**
 * `npm run cli -- reencrypt`: after a new key is put first in FIELD_ENCRYPTION_KEYS, re-encrypt every stored
 * envelope made with an older key, so the old key can then be removed. Idempotent; safe to re-run.
 */
import { eq, isNotNull } from 'drizzle-orm';
import type { Database } from '../db/client';
import { userIdentities } from '../db/schema';
import { FieldCipher } from './field-cipher';

/** The AAD of the id_token envelope (kept in step with modules/oidc). */
export const identityContext = (identityId: string) => `user_identities.id_token:${identityId}`;

export async function reencryptAll(
  database: Database,
  keysSpec: string | undefined,
): Promise<{ scanned: number; reencrypted: number }> {
  const cipher = FieldCipher.fromSpec(keysSpec);
  if (!cipher) throw new Error('FIELD_ENCRYPTION_KEYS is not set');
  const db = database.db;
  const rows = await db
    .select({ id: userIdentities.id, idTokenEnc: userIdentities.idTokenEnc })
    .from(userIdentities)
    .where(isNotNull(userIdentities.idTokenEnc));
  let reencrypted = 0;
  for (const row of rows) {
    if (!row.idTokenEnc || !cipher.isStale(row.idTokenEnc)) continue;
    const next = cipher.reencrypt(row.idTokenEnc, identityContext(row.id));
    await db.update(userIdentities).set({ idTokenEnc: next }).where(eq(userIdentities.id, row.id));
    reencrypted++;
  }
  return { scanned: rows.length, reencrypted };
}
