/**
 * Key rotation for stored envelopes: after a new key is put first in FIELD_ENCRYPTION_KEYS, re-encrypt every value
 * made with an older key, so the old key can then be removed. The caller (the module that owns the column) reads
 * the values and writes them back; this holds only the crypto. Idempotent; safe to re-run.
 */
import type { FieldCipher } from './field-cipher';

/** One stored envelope: its row, the context (AAD) it was sealed with, and its value. */
export interface SealedValue {
  id: string;
  context: string;
  value: string;
}

/** Re-encrypt the stale values with the current key through `write`; counts what was seen and what moved. */
export async function reencryptStale(
  cipher: FieldCipher,
  values: SealedValue[],
  write: (id: string, value: string) => Promise<void>,
): Promise<{ scanned: number; reencrypted: number }> {
  let reencrypted = 0;
  for (const v of values) {
    if (!cipher.isStale(v.value)) continue;
    await write(v.id, cipher.reencrypt(v.value, v.context));
    reencrypted++;
  }
  return { scanned: values.length, reencrypted };
}
