/**
 * The id_token kept per identity (id_token_hint for a logout at the provider): only as an AES-256-GCM envelope bound
 * to its identity row, never in plaintext, and nothing at all when no FIELD_ENCRYPTION_KEYS is set.
 */
import type { Db } from '../../infra/db/client';
import { FieldCipher } from '../../infra/crypto/field-cipher';
import { reencryptStale } from '../../infra/crypto/reencrypt';
import * as repo from './oidc.repo';

/** The AAD of an identity's id_token envelope: the envelope opens only on the row it was sealed for. */
export const identityContext = (identityId: string) => `user_identities.id_token:${identityId}`;

/** The id_token as an envelope, or null when there is none or no key is configured. */
export function sealIdToken(cipher: FieldCipher | undefined, idToken: string | undefined, identityId: string) {
  if (!idToken || !cipher) return null;
  return cipher.encrypt(idToken, identityContext(identityId));
}

/** `npm run cli -- reencrypt`: move every stored id_token envelope made with an older key to the current one. */
export async function reencryptIdTokens(
  db: Db,
  keysSpec: string | undefined,
): Promise<{ scanned: number; reencrypted: number }> {
  const cipher = FieldCipher.fromSpec(keysSpec);
  if (!cipher) throw new Error('FIELD_ENCRYPTION_KEYS is not set');
  const rows = await repo.listSealedIdTokens(db);
  return reencryptStale(
    cipher,
    rows.map((r) => ({ id: r.id, context: identityContext(r.id), value: r.idTokenEnc })),
    (id, value) => repo.setSealedIdToken(db, id, value),
  );
}
