/**
 * Access tokens: short-lived JWTs (HS256 only; `none` and every other algorithm refused) that name their session.
 * Refresh tokens and one-time tokens: 256-bit random values, stored only as SHA-256 hashes.
 */
import { createHash, createHmac, createSecretKey, type KeyObject, randomBytes, timingSafeEqual } from 'node:crypto';
import { errors as joseErrors, jwtVerify } from 'jose';

const JWT_ALG = 'HS256';
export const ACCESS_TYP = 'at+jwt';
export const JWT_ISSUER = 'primetrade-tasks';
export const JWT_AUDIENCE = 'primetrade-tasks-api';

/** The protected header of every access token, encoded once. */
const JWT_HEADER = Buffer.from(JSON.stringify({ alg: JWT_ALG, typ: ACCESS_TYP })).toString('base64url');

const FOREIGN_HEADERS = ['kid', 'jku', 'jwk', 'x5u', 'x5c', 'crit'];

export interface AccessClaims {
  userId: string;
  sessionId: string;
  role: 'user' | 'admin';
}

/** What a verified access token says: its claims and when it expires (ms since the epoch). */
export interface VerifiedAccess extends AccessClaims {
  expiresAtMs: number;
}

export type VerifyFailure = 'expired' | 'invalid';

/** How far a token's `iat` may lie ahead of this clock (instances' clocks differ a little). */
const IAT_SKEW_SEC = 5;

/** Verified tokens kept (until their exp) so a busy client's token is checked by HMAC once, not per request. */
const VERIFIED_CACHE_MAX = 10_000;

export class TokenService {
  /** Imported once: jose would otherwise import a raw Uint8Array secret on every verification. */
  private readonly key: KeyObject;
  private readonly verified = new Map<string, VerifiedAccess>();
  constructor(
    secret: string,
    private readonly accessTtlSec: number,
  ) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  /**
   * A compact JWS (RFC 7515) with HS256: base64url(header) . base64url(claims) . base64url(HMAC-SHA-256 of the two).
   * Signed with node:crypto's HMAC on the calling thread: jose signs through WebCrypto, an async job on libuv's
   * threadpool (~240 µs here, queued behind the sign-in's argon2 hashes) with a CryptoKey conversion per call;
   * this is ~15 µs (bench P7). Verification stays jose's (verifyAccess), and the tests verify what this signs.
   */
  async signAccess(claims: AccessClaims, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + this.accessTtlSec;
    const payload = {
      sid: claims.sessionId,
      role: claims.role,
      sub: claims.userId,
      iss: JWT_ISSUER,
      aud: JWT_AUDIENCE,
      iat,
      exp,
      jti: randomBytes(12).toString('base64url'),
    };
    const input = `${JWT_HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    const token = `${input}.${createHmac('sha256', this.key).update(input).digest('base64url')}`;
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /**
   * Verify signature (HS256 only), exp/nbf, iss, aud and typ, and the lifetime: a token that lives longer than the
   * configured access TTL (`exp - iat`), or that claims to be issued in the future, was not made by this
   * configuration and is refused.
   */
  async verifyAccess(
    token: string,
  ): Promise<{ ok: true; claims: VerifiedAccess } | { ok: false; reason: VerifyFailure }> {
    if (token.length > 4096) return { ok: false, reason: 'invalid' };
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAtMs > Date.now()) return { ok: true, claims: known };
      this.verified.delete(token);
      return { ok: false, reason: 'expired' };
    }
    try {
      const { payload, protectedHeader } = await jwtVerify(token, this.key, {
        algorithms: [JWT_ALG],
        issuer: JWT_ISSUER,
        audience: JWT_AUDIENCE,
        typ: ACCESS_TYP,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      // We never issue key hints: a token carrying one (kid, jku, jwk, x5u, x5c) was not made here.
      if (FOREIGN_HEADERS.some((h) => h in protectedHeader)) return { ok: false, reason: 'invalid' };
      const sid = payload.sid;
      const role = payload.role;
      if (typeof payload.sub !== 'string' || typeof sid !== 'string' || (role !== 'user' && role !== 'admin')) {
        return { ok: false, reason: 'invalid' };
      }
      const { exp, iat } = payload;
      if (typeof exp !== 'number' || typeof iat !== 'number') return { ok: false, reason: 'invalid' };
      if (exp - iat > this.accessTtlSec || iat > Date.now() / 1000 + IAT_SKEW_SEC) {
        return { ok: false, reason: 'invalid' };
      }
      const claims: VerifiedAccess = { userId: payload.sub, sessionId: sid, role, expiresAtMs: exp * 1000 };
      if (this.verified.size >= VERIFIED_CACHE_MAX) this.verified.clear();
      // Only the signature/claims check is cached; whether the session is still alive is checked per request.
      this.verified.set(token, claims);
      return { ok: true, claims };
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) return { ok: false, reason: 'expired' };
      return { ok: false, reason: 'invalid' };
    }
  }
}

/** A new opaque token: 32 random bytes (256 bits), base64url. */
export const randomToken = () => randomBytes(32).toString('base64url');
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
