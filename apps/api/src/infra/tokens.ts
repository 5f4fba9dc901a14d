/**
 * Access tokens: short-lived JWTs (HS256 only; `none` and every other algorithm refused) that name their session.
 * Refresh tokens and one-time tokens: 256-bit random values, stored only as SHA-256 hashes.
 */
import { createHash, createSecretKey, type KeyObject, randomBytes, timingSafeEqual } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';

const JWT_ALG = 'HS256';
export const ACCESS_TYP = 'at+jwt';
export const JWT_ISSUER = 'primetrade-tasks';
export const JWT_AUDIENCE = 'primetrade-tasks-api';

const FOREIGN_HEADERS = ['kid', 'jku', 'jwk', 'x5u', 'x5c', 'crit'];

export interface AccessClaims {
  userId: string;
  sessionId: string;
  role: 'user' | 'admin';
}

export type VerifyFailure = 'expired' | 'invalid';

/** Verified tokens kept (until their exp) so a busy client's token is checked by HMAC once, not per request. */
const VERIFIED_CACHE_MAX = 10_000;

export class TokenService {
  /** Imported once: jose would otherwise import a raw Uint8Array secret on every verification. */
  private readonly key: KeyObject;
  private readonly verified = new Map<string, { claims: AccessClaims; expMs: number }>();
  constructor(
    secret: string,
    private readonly accessTtlSec: number,
  ) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  async signAccess(claims: AccessClaims, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + this.accessTtlSec;
    const token = await new SignJWT({ sid: claims.sessionId, role: claims.role })
      .setProtectedHeader({ alg: JWT_ALG, typ: ACCESS_TYP })
      .setSubject(claims.userId)
      .setIssuer(JWT_ISSUER)
      .setAudience(JWT_AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(randomBytes(12).toString('base64url'))
      .sign(this.key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** Verify signature (HS256 only), exp/nbf, iss, aud and typ. */
  async verifyAccess(
    token: string,
  ): Promise<{ ok: true; claims: AccessClaims } | { ok: false; reason: VerifyFailure }> {
    if (token.length > 4096) return { ok: false, reason: 'invalid' };
    const known = this.verified.get(token);
    if (known) {
      if (known.expMs > Date.now()) return { ok: true, claims: known.claims };
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
      const claims: AccessClaims = { userId: payload.sub, sessionId: sid, role };
      if (this.verified.size >= VERIFIED_CACHE_MAX) this.verified.clear();
      // Only the signature/claims check is cached; whether the session is still alive is checked per request.
      if (typeof payload.exp === 'number') this.verified.set(token, { claims, expMs: payload.exp * 1000 });
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
