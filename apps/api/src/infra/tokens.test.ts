/**
 * The access token's signer (node:crypto HMAC, not jose): what it writes must be a compact HS256 JWS that jose —
 * the verifier — accepts with exactly the header and claims the API has always issued, and nothing it did not sign.
 */
import { createSecretKey } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { ACCESS_TYP, JWT_AUDIENCE, JWT_ISSUER, TokenService } from './tokens';

const SECRET = 'tokens-unit-test-secret-0123456789abcdef0123456789';
const claims = { userId: '7c1f3e2a-0000-4000-8000-000000000001', sessionId: 'session-1', role: 'user' as const };

describe('TokenService.signAccess', () => {
  const service = new TokenService(SECRET, 900);

  it('writes an HS256 JWS that jose verifies, with the header and claims the API issues', async () => {
    const now = new Date('2026-12-07T10:00:00Z');
    const { token, expiresAt } = await service.signAccess(claims, now);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: ACCESS_TYP });
    const { payload } = await jwtVerify(token, createSecretKey(Buffer.from(SECRET)), {
      algorithms: ['HS256'],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      typ: ACCESS_TYP,
      currentDate: now,
    });
    const iat = now.getTime() / 1000;
    expect(payload).toEqual({
      sub: claims.userId,
      sid: claims.sessionId,
      role: 'user',
      iss: JWT_ISSUER,
      aud: JWT_AUDIENCE,
      iat,
      exp: iat + 900,
      jti: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/),
    });
    expect(expiresAt.getTime()).toBe((iat + 900) * 1000);
  });

  it('is accepted by verifyAccess, and every token gets its own jti', async () => {
    const a = await service.signAccess(claims);
    const b = await service.signAccess(claims);
    expect(a.token).not.toBe(b.token);
    const verified = await service.verifyAccess(a.token);
    expect(verified).toMatchObject({ ok: true, claims: { ...claims } });
  });

  it('signs with its own secret only: another key, or one changed character, is refused', async () => {
    const { token } = await new TokenService(`${SECRET}-other`, 900).signAccess(claims);
    expect(await service.verifyAccess(token)).toEqual({ ok: false, reason: 'invalid' });
    const own = (await service.signAccess(claims)).token;
    const [h, p, s] = own.split('.') as [string, string, string];
    const flipped = `${h}.${p}.${s.slice(0, -2)}${s.at(-2) === 'A' ? 'B' : 'A'}${s.at(-1)}`;
    expect(await service.verifyAccess(flipped)).toEqual({ ok: false, reason: 'invalid' });
  });
});
