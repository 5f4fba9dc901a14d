/**
 * Field-level encryption: AES-256-GCM envelopes for the few stored values that are secrets in their own right
 * (see docs/security.md "Field-level encryption" for which ones and why the others stay plaintext).
 *
 * Keys come from FIELD_ENCRYPTION_KEYS = "k2:<base64 32 bytes>,k1:<base64 32 bytes>": the first is the current key
 * (every new envelope), the rest only decrypt, so a key can be rotated without downtime and the old envelopes
 * re-encrypted afterwards (`npm run cli -- reencrypt`).
 *
 * Envelope: `v1.<keyId>.<iv b64url>.<ciphertext b64url>.<tag b64url>`; a 96-bit random IV per value; the key id
 * and a caller-chosen context (e.g. "user_identities.id_token:<row id>") are authenticated as AAD, so an envelope
 * cannot be moved to another row or column, or relabelled with another key id, without failing to decrypt.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const KEY_ID_RE = /^[A-Za-z0-9_-]{1,32}$/;

export class FieldCipherError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldCipherError';
  }
}

export interface FieldKey {
  id: string;
  key: Buffer;
}

/** Parse "k2:base64,k1:base64" into keys (first = current). Throws on a malformed list, a short key or a duplicate id. */
export function parseFieldKeys(spec: string): FieldKey[] {
  const keys: FieldKey[] = [];
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const i = part.indexOf(':');
    const id = i > 0 ? part.slice(0, i) : '';
    const material = i > 0 ? part.slice(i + 1) : '';
    if (!KEY_ID_RE.test(id)) throw new FieldCipherError('FIELD_ENCRYPTION_KEYS: each entry is <id>:<base64 key>');
    const key = Buffer.from(material, 'base64');
    if (key.length !== 32) throw new FieldCipherError(`FIELD_ENCRYPTION_KEYS: key ${id} must be 32 bytes (base64)`);
    if (keys.some((k) => k.id === id)) throw new FieldCipherError(`FIELD_ENCRYPTION_KEYS: duplicate key id ${id}`);
    keys.push({ id, key });
  }
  if (keys.length === 0) throw new FieldCipherError('FIELD_ENCRYPTION_KEYS: no key');
  return keys;
}

export class FieldCipher {
  private readonly byId: Map<string, Buffer>;
  readonly currentKeyId: string;

  constructor(keys: FieldKey[]) {
    if (keys.length === 0) throw new FieldCipherError('no key');
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
    this.currentKeyId = keys[0]!.id;
  }

  /** A cipher from the config value, or undefined when none is configured. */
  static fromSpec(spec: string | undefined): FieldCipher | undefined {
    return spec ? new FieldCipher(parseFieldKeys(spec)) : undefined;
  }

  encrypt(plaintext: string, context: string): string {
    const keyId = this.currentKeyId;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.byId.get(keyId)!, iv);
    cipher.setAAD(aad(keyId, context));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      VERSION,
      keyId,
      iv.toString('base64url'),
      ct.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
    ].join('.');
  }

  /** The plaintext; throws FieldCipherError for an unknown key id, a malformed envelope or any tampering. */
  decrypt(envelope: string, context: string): string {
    const parts = envelope.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION) throw new FieldCipherError('not a field envelope');
    const [, keyId = '', ivText = '', ctText = '', tagText = ''] = parts;
    const key = this.byId.get(keyId);
    if (!key) throw new FieldCipherError(`unknown key id ${keyId}`);
    const iv = Buffer.from(ivText, 'base64url');
    const tag = Buffer.from(tagText, 'base64url');
    if (iv.length !== 12 || tag.length !== 16) throw new FieldCipherError('not a field envelope');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
      decipher.setAAD(aad(keyId, context));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(ctText, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new FieldCipherError('the envelope does not authenticate');
    }
  }

  /** The key id an envelope was made with (undefined when it is not an envelope). */
  keyIdOf(envelope: string): string | undefined {
    const parts = envelope.split('.');
    return parts.length === 5 && parts[0] === VERSION ? parts[1] : undefined;
  }

  /** True when the envelope was made with an older key and should be re-encrypted. */
  isStale(envelope: string): boolean {
    return this.keyIdOf(envelope) !== this.currentKeyId;
  }

  /** Decrypt with whichever listed key made it, encrypt with the current one. */
  reencrypt(envelope: string, context: string): string {
    return this.encrypt(this.decrypt(envelope, context), context);
  }
}

const aad = (keyId: string, context: string) => Buffer.from(`${VERSION}|${keyId}|${context}`, 'utf8');
