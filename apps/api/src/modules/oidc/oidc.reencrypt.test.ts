/**
 * The `reencrypt` command's database pass: stored id_tokens sealed with an old FIELD_ENCRYPTION_KEYS key move to
 * the current one, idempotently, on a real database (the cipher itself is tested in infra/crypto).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../../config';
import { FieldCipher } from '../../infra/crypto/field-cipher';
import { openPglite } from '../../infra/db/client';
import { runMigrations } from '../../infra/db/migrate';
import { userIdentities } from '../../infra/db/schema';
import { testPlatform } from '../../test/context';
import { createUser } from '../../test/factories';
import { identityContext, reencryptIdTokens } from './oidc.id-tokens';

const key = () => randomBytes(32).toString('base64');
const K1 = key();
const K2 = key();

describe('reencrypt', () => {
  it('reencryptIdTokens (the `reencrypt` CLI command) rewrites stale rows in the database, and is idempotent', async () => {
    const database = await openPglite(undefined, testConfig().testPgliteTemplate);
    try {
      await runMigrations(database);
      const platform = testPlatform(testConfig(), database);
      const user = await createUser(platform);
      const old = FieldCipher.fromSpec(`k1:${K1}`)!;
      const ids = [randomUUID(), randomUUID()];
      for (const [i, id] of ids.entries()) {
        await database.db.insert(userIdentities).values({
          id,
          userId: user.id,
          provider: 'p',
          subject: `sub-${i}`,
          idTokenEnc: old.encrypt(`id-token-${i}`, identityContext(id)),
        });
      }
      const spec = `k2:${K2},k1:${K1}`;
      expect(await reencryptIdTokens(database.db, spec)).toEqual({ scanned: 2, reencrypted: 2 });
      expect(await reencryptIdTokens(database.db, spec)).toEqual({ scanned: 2, reencrypted: 0 });
      const k2only = FieldCipher.fromSpec(`k2:${K2}`)!;
      for (const [i, id] of ids.entries()) {
        const [row] = await database.db.select().from(userIdentities).where(eq(userIdentities.id, id));
        expect(k2only.decrypt(row?.idTokenEnc ?? '', identityContext(id))).toBe(`id-token-${i}`);
      }
      await expect(reencryptIdTokens(database.db, undefined)).rejects.toThrow(/FIELD_ENCRYPTION_KEYS/);
    } finally {
      await database.close();
    }
  }, 180_000);
});
