/**
 * A local Web Push service for tests (issue 17 item 2), written from the RFCs with node:crypto only — no push
 * library's code:
 *
 * - RFC 8292 (VAPID): `Authorization: vapid t=<JWT>, k=<public key>`; the JWT is ES256 (ECDSA P-256 + SHA-256,
 *   the signature r‖s, 64 bytes) over `<header>.<claims>` with the key `k`; `aud` is the endpoint's origin, `exp`
 *   in the future and at most 24 hours ahead, `sub` a mailto: or https: contact. A push service compares `k` with
 *   the applicationServerKey the subscription was made with (403 when they differ).
 * - RFC 8291 (message encryption for Web Push) over RFC 8188 (aes128gcm): the body is
 *   salt(16) ‖ rs(4) ‖ idlen(1) ‖ keyid(idlen = the sender's ephemeral P-256 public key) ‖ records;
 *   ecdh_secret = ECDH(ua_private, as_public);
 *   PRK_key = HMAC-SHA-256(auth_secret, ecdh_secret);
 *   IKM = HMAC-SHA-256(PRK_key, "WebPush: info" ‖ 0x00 ‖ ua_public ‖ as_public ‖ 0x01);
 *   PRK = HMAC-SHA-256(salt, IKM);
 *   CEK = HMAC-SHA-256(PRK, "Content-Encoding: aes128gcm" ‖ 0x00 ‖ 0x01)[0..16];
 *   NONCE = HMAC-SHA-256(PRK, "Content-Encoding: nonce" ‖ 0x00 ‖ 0x01)[0..12], XORed with the record sequence number;
 *   each record is AES-128-GCM (16-byte tag at its end); its plaintext ends in the padding delimiter (0x02 for the
 *   last record, 0x01 before) followed by zero or more 0x00.
 *
 * The endpoint answers what its path asks for: /ok… 201, /gone… 410, /missing… 404, /error… 500, /slow… never.
 */
import { createDecipheriv, createECDH, createHmac, createPublicKey, type ECDH, randomBytes, verify } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const b64u = (b: Buffer) => b.toString('base64url');
const unb64u = (s: string) => Buffer.from(s, 'base64url');
const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest();

/** A browser's side of a subscription: its ECDH key pair and auth secret. */
export interface BrowserKeys {
  ecdh: ECDH;
  /** Uncompressed P-256 public key (65 bytes). */
  publicKey: Buffer;
  authSecret: Buffer;
  /** What PushSubscription.toJSON().keys gives. */
  json: { p256dh: string; auth: string };
}

export function browserKeys(): BrowserKeys {
  const ecdh = createECDH('prime256v1');
  const publicKey = ecdh.generateKeys();
  const authSecret = randomBytes(16);
  return { ecdh, publicKey, authSecret, json: { p256dh: b64u(publicKey), auth: b64u(authSecret) } };
}

/** A P-256 public key (uncompressed point, 65 bytes) as a node KeyObject. */
function p256PublicKey(raw: Buffer) {
  if (raw.length !== 65 || raw[0] !== 0x04) throw new Error('k is not an uncompressed P-256 point');
  return createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64u(raw.subarray(1, 33)), y: b64u(raw.subarray(33, 65)) },
    format: 'jwk',
  });
}

export interface VapidCheck {
  ok: boolean;
  reason?: string;
  claims?: { aud?: unknown; exp?: unknown; sub?: unknown };
  k?: string;
}

/**
 * Verify a VAPID Authorization header (RFC 8292) for a push to `origin`, made with the applicationServerKey
 * `expectedKey` (base64url), at `nowSec`.
 */
export function verifyVapid(
  authorization: string | undefined,
  origin: string,
  expectedKey: string,
  nowSec = Math.floor(Date.now() / 1000),
): VapidCheck {
  const m = /^vapid\s+(.+)$/i.exec(authorization ?? '');
  if (!m?.[1]) return { ok: false, reason: 'no vapid authorization' };
  const params = new Map<string, string>();
  for (const part of m[1].split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) params.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const jwt = params.get('t');
  const k = params.get('k');
  if (!jwt || !k) return { ok: false, reason: 't or k missing' };
  if (k.replace(/=+$/, '') !== expectedKey.replace(/=+$/, '')) {
    return { ok: false, reason: 'k is not the subscription applicationServerKey', k };
  }
  const parts = jwt.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'not a JWS compact serialisation' };
  const [h, c, s] = parts as [string, string, string];
  let header: { alg?: string; typ?: string };
  let claims: { aud?: unknown; exp?: unknown; sub?: unknown };
  try {
    header = JSON.parse(unb64u(h).toString('utf8'));
    claims = JSON.parse(unb64u(c).toString('utf8'));
  } catch {
    return { ok: false, reason: 'header or claims are not JSON' };
  }
  if (header.alg !== 'ES256') return { ok: false, reason: `alg ${header.alg}, not ES256` };
  const signature = unb64u(s);
  if (signature.length !== 64) return { ok: false, reason: 'an ES256 signature is 64 bytes (r‖s)' };
  let good: boolean;
  try {
    good = verify(
      'sha256',
      Buffer.from(`${h}.${c}`),
      { key: p256PublicKey(unb64u(k)), dsaEncoding: 'ieee-p1363' },
      signature,
    );
  } catch (err) {
    return { ok: false, reason: `bad key: ${(err as Error).message}` };
  }
  if (!good) return { ok: false, reason: 'the signature does not verify with k', claims };
  if (claims.aud !== origin) return { ok: false, reason: `aud ${String(claims.aud)} is not ${origin}`, claims };
  if (typeof claims.exp !== 'number' || !Number.isInteger(claims.exp))
    return { ok: false, reason: 'exp missing', claims };
  if (claims.exp <= nowSec) return { ok: false, reason: 'expired', claims };
  if (claims.exp > nowSec + 24 * 3600) return { ok: false, reason: 'exp more than 24 hours ahead', claims };
  if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub)) {
    return { ok: false, reason: 'sub missing or not mailto:/https:', claims };
  }
  return { ok: true, claims, k };
}

/** Decrypt an aes128gcm Web Push body (RFC 8188 + RFC 8291) with the browser's keys; throws when it does not open. */
export function decryptWebPush(body: Buffer, keys: BrowserKeys): Buffer {
  if (body.length < 21) throw new Error('shorter than the aes128gcm header');
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20] ?? 0;
  if (rs < 18) throw new Error(`record size ${rs} too small`);
  const asPublic = body.subarray(21, 21 + idlen);
  if (asPublic.length !== 65) throw new Error('keyid is not the sender’s P-256 public key');
  const ecdhSecret = keys.ecdh.computeSecret(asPublic);
  // RFC 8291 section 3.3/3.4: the input keying material, bound to both public keys and the auth secret.
  const prkKey = hmac(keys.authSecret, ecdhSecret);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0', 'latin1'), keys.publicKey, asPublic]);
  const ikm = hmac(prkKey, Buffer.concat([keyInfo, Buffer.from([1])]));
  // RFC 8188 section 2.2/2.3: content-encryption key and nonce.
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01', 'latin1')).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01', 'latin1')).subarray(0, 12);
  const records = body.subarray(21 + idlen);
  const out: Buffer[] = [];
  let seq = 0;
  for (let at = 0; at < records.length; at += rs, seq++) {
    const record = records.subarray(at, at + rs);
    const last = at + rs >= records.length;
    if (record.length < 17) throw new Error('record shorter than its tag');
    const iv = Buffer.from(nonce);
    // The record sequence number XORed into the nonce (big-endian; seq < 2^32 here, so the low 4 bytes; JS
    // bitwise operators are 32-bit, so XOR a 48-bit field whole and it is corrupted).
    iv.writeUInt32BE((iv.readUInt32BE(8) ^ seq) >>> 0, 8);
    const decipher = createDecipheriv('aes-128-gcm', cek, iv);
    decipher.setAuthTag(record.subarray(record.length - 16));
    const plain = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
    let end = plain.length - 1;
    while (end >= 0 && plain[end] === 0) end--;
    const delimiter = plain[end];
    if (delimiter !== (last ? 2 : 1)) throw new Error(`padding delimiter ${delimiter} (expected ${last ? 2 : 1})`);
    out.push(plain.subarray(0, end));
  }
  return Buffer.concat(out);
}

export interface ReceivedPush {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  vapid: VapidCheck;
  /** The decrypted payload, when the subscription's keys are known and it opened. */
  plaintext?: string;
  decryptError?: string;
  status: number;
}

export interface PushReceiver {
  origin: string;
  /** An endpoint URL on this receiver (`kind` picks the answer: ok, gone, missing, error, slow). */
  endpoint(kind: 'ok' | 'gone' | 'missing' | 'error' | 'slow', keys?: BrowserKeys): string;
  received: ReceivedPush[];
  close(): Promise<void>;
}

/** Start a push service on 127.0.0.1 that accepts pushes made with the VAPID public key `applicationServerKey`. */
export async function startPushReceiver(applicationServerKey: string): Promise<PushReceiver> {
  const received: ReceivedPush[] = [];
  const keysByPath = new Map<string, BrowserKeys>();
  const open = new Set<http.ServerResponse>();
  let n = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const body = Buffer.concat(chunks);
      const vapid = verifyVapid(req.headers.authorization, origin, applicationServerKey);
      const entry: ReceivedPush = { path, headers: req.headers, body, vapid, status: 0 };
      received.push(entry);
      if (path.startsWith('/slow')) {
        open.add(res);
        return;
      }
      if (!vapid.ok) {
        entry.status = vapid.reason?.startsWith('k is not') ? 403 : 401;
        res.writeHead(entry.status).end(vapid.reason);
        return;
      }
      if (req.headers['content-encoding'] !== 'aes128gcm' || !req.headers.ttl) {
        entry.status = 400;
        res.writeHead(400).end('content-encoding aes128gcm and TTL are required');
        return;
      }
      const keys = keysByPath.get(path);
      if (keys) {
        try {
          entry.plaintext = decryptWebPush(body, keys).toString('utf8');
        } catch (err) {
          entry.decryptError = (err as Error).message;
        }
      }
      entry.status = path.startsWith('/gone')
        ? 410
        : path.startsWith('/missing')
          ? 404
          : path.startsWith('/error')
            ? 500
            : 201;
      res.writeHead(entry.status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    received,
    endpoint(kind, keys) {
      const path = `/${kind}/${++n}-${randomBytes(6).toString('hex')}`;
      if (keys) keysByPath.set(path, keys);
      return `${origin}${path}`;
    },
    async close() {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A VAPID key pair and subject for a test config (`config.push.vapid`). */
export function testVapidKeys(): { publicKey: string; privateKey: string; subject: string } {
  const ecdh = createECDH('prime256v1');
  const publicKey = b64u(ecdh.generateKeys());
  return { publicKey, privateKey: b64u(ecdh.getPrivateKey()), subject: 'mailto:ops@primetrade.example' };
}

/** A browser subscription body (PushSubscription.toJSON()) with real keys on a made-up FCM endpoint (never sent to). */
export function sampleSubscriptionBody(): {
  endpoint: string;
  expirationTime: null;
  keys: { p256dh: string; auth: string };
} {
  return {
    endpoint: `https://fcm.googleapis.com/fcm/send/test-${randomBytes(12).toString('base64url')}`,
    expirationTime: null,
    keys: browserKeys().json,
  };
}
