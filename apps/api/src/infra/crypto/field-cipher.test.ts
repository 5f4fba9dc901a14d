/**
 * Field-level encryption: round trip, tamper detection (ciphertext, tag, IV, key id, context), key parsing, and
 * rotation (decrypt with any listed key). The `reencrypt` command's database pass is tested with the oidc module.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FieldCipher, FieldCipherError, parseFieldKeys } from './field-cipher';

const key = () => randomBytes(32).toString('base64');
const K1 = key();
const K2 = key();

describe('FieldCipher', () => {
  const cipher = FieldCipher.fromSpec(`k1:${K1}`)!;

  it('round-trips any string (seeded property), with a fresh IV every time', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 500 }), fc.string({ maxLength: 60 }), (text, context) => {
        const a = cipher.encrypt(text, context);
        const b = cipher.encrypt(text, context);
        expect(a).not.toBe(b);
        expect(a.startsWith('v1.k1.')).toBe(true);
        // The envelope is v1.<key id>.<iv>.<ciphertext>.<tag>. GCM hides everything but the length: the ciphertext
        // has exactly the plaintext's byte length, whatever the text.
        const plain = Buffer.from(text);
        const ct = Buffer.from(a.split('.')[3] ?? '', 'base64url');
        expect(ct.length).toBe(plain.length);
        // Neither the plaintext nor its base64 is in the envelope. Only claimed from 12 bytes on: a short base64
        // string turns up in random base64 by chance (1 character: ~1.6 % of envelopes); at 12 bytes (16 base64
        // characters) the chance is below 2^-90.
        if (plain.length >= 12) {
          expect(ct.equals(plain)).toBe(false);
          expect(a).not.toContain(plain.toString('base64url'));
          expect(a).not.toContain(plain.toString('base64'));
        }
        return cipher.decrypt(a, context) === text && cipher.decrypt(b, context) === text;
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('detects tampering with the ciphertext, tag, IV, key id or context', () => {
    const env = cipher.encrypt('a secret id_token', 'user_identities.id_token:1');
    const parts = env.split('.');
    const flip = (s: string) => `${s[0] === 'A' ? 'B' : 'A'}${s.slice(1)}`;
    const tampered = [
      [parts[0], parts[1], parts[2], flip(parts[3] ?? ''), parts[4]],
      [parts[0], parts[1], parts[2], parts[3], flip(parts[4] ?? '')],
      [parts[0], parts[1], flip(parts[2] ?? ''), parts[3], parts[4]],
      [parts[0], 'k9', parts[2], parts[3], parts[4]],
      ['v2', parts[1], parts[2], parts[3], parts[4]],
      [parts[0], parts[1], parts[2], parts[3]],
    ].map((p) => p.join('.'));
    for (const t of tampered) expect(() => cipher.decrypt(t, 'user_identities.id_token:1')).toThrow(FieldCipherError);
    // Moved to another row: the context (AAD) no longer matches.
    expect(() => cipher.decrypt(env, 'user_identities.id_token:2')).toThrow(FieldCipherError);
    expect(() => cipher.decrypt('plaintext', 'x')).toThrow(FieldCipherError);
    // Another key with the same id cannot open it either.
    expect(() => FieldCipher.fromSpec(`k1:${K2}`)!.decrypt(env, 'user_identities.id_token:1')).toThrow(
      FieldCipherError,
    );
  });

  it('parses FIELD_ENCRYPTION_KEYS strictly (first = current)', () => {
    const keys = parseFieldKeys(` k2:${K2} , k1:${K1} `);
    expect(keys.map((k) => k.id)).toEqual(['k2', 'k1']);
    expect(new FieldCipher(keys).currentKeyId).toBe('k2');
    for (const bad of ['', 'k1', `k1:${randomBytes(16).toString('base64')}`, `k1:${K1},k1:${K2}`, `bad id:${K1}`]) {
      expect(() => parseFieldKeys(bad), bad).toThrow(FieldCipherError);
    }
    expect(FieldCipher.fromSpec(undefined)).toBeUndefined();
  });

  it('rotation: old envelopes still decrypt; reencrypt moves them to the current key', () => {
    const old = FieldCipher.fromSpec(`k1:${K1}`)!;
    const env = old.encrypt('token', 'ctx');
    const rotated = FieldCipher.fromSpec(`k2:${K2},k1:${K1}`)!;
    expect(rotated.decrypt(env, 'ctx')).toBe('token');
    expect(rotated.isStale(env)).toBe(true);
    const moved = rotated.reencrypt(env, 'ctx');
    expect(rotated.keyIdOf(moved)).toBe('k2');
    expect(rotated.isStale(moved)).toBe(false);
    // Once k1 is removed, only the re-encrypted envelope opens.
    const k2only = FieldCipher.fromSpec(`k2:${K2}`)!;
    expect(k2only.decrypt(moved, 'ctx')).toBe('token');
    expect(() => k2only.decrypt(env, 'ctx')).toThrow(FieldCipherError);
  });
});
