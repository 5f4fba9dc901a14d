/** Access-token negatives: every crafted, expired, mis-addressed or mis-signed JWT is refused with one generic 401. */
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_TYP, JWT_AUDIENCE, JWT_ISSUER } from '../../infra/tokens';
import { drivers, type TestContext } from '../../test/context';
import { API, bearer, createAuthContext, me, register } from '../../test/auth-http';

const SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

describe.each(drivers())('auth security on %s', (driver) => {
  // A known signing secret, and a real user and session for the tokens to name.
  let ctx: TestContext;
  let user: { id: string; sessionId: string; accessToken: string; refreshToken: string };

  beforeAll(async () => {
    ctx = await createAuthContext(driver, { overrides: { jwtSecret: SECRET } });
    const { body } = await register(ctx);
    const list = await ctx.app.inject({
      method: 'GET',
      url: `${API}/auth/sessions`,
      headers: bearer(body.data.accessToken),
    });
    user = {
      id: body.data.user.id,
      sessionId: list.json().data[0].id,
      accessToken: body.data.accessToken,
      refreshToken: body.data.refreshToken,
    };
  }, 180_000);
  afterAll(async () => ctx?.close());

  describe('JWT negatives', () => {
    const key = (s: string) => new TextEncoder().encode(s);
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const sign = async (
      opts: Partial<{
        secret: string;
        iss: string;
        aud: string;
        typ: string;
        exp: number;
        nbf: number;
        sid: string;
      }> & {
        header?: Record<string, unknown>;
      } = {},
    ) => {
      const now = Math.floor(Date.now() / 1000);
      const jwt = new SignJWT({ sid: opts.sid ?? user.sessionId, role: 'admin' })
        .setProtectedHeader({ alg: 'HS256', typ: opts.typ ?? ACCESS_TYP, ...(opts.header ?? {}) })
        .setSubject(user.id)
        .setIssuer(opts.iss ?? JWT_ISSUER)
        .setAudience(opts.aud ?? JWT_AUDIENCE)
        .setIssuedAt(now - 10)
        .setExpirationTime(opts.exp ?? now + 600);
      if (opts.nbf) jwt.setNotBefore(opts.nbf);
      return jwt.sign(key(opts.secret ?? SECRET));
    };

    it('accepts a well-formed token (control)', async () => {
      expect((await me(ctx, await sign())).statusCode).toBe(200);
    });

    it('refuses every crafted token with a generic 401', async () => {
      const now = Math.floor(Date.now() / 1000);
      const valid = await sign();
      const [h, p, sig] = valid.split('.');
      const flipped = `${h}.${p}.${(sig ?? '').slice(0, -2)}${(sig ?? '').endsWith('AA') ? 'BB' : 'AA'}`;
      const crafted: Record<string, string> = {
        algNone: `${b64({ alg: 'none', typ: ACCESS_TYP })}.${p}.`,
        algNoneNoDot: `${b64({ alg: 'none', typ: ACCESS_TYP })}.${p}`,
        hs512: await new SignJWT({ sid: user.sessionId })
          .setProtectedHeader({ alg: 'HS512', typ: ACCESS_TYP })
          .setSubject(user.id)
          .setIssuer(JWT_ISSUER)
          .setAudience(JWT_AUDIENCE)
          .setIssuedAt()
          .setExpirationTime('10m')
          .sign(key(SECRET)),
        wrongSecret: await sign({ secret: 'another-secret-that-is-long-enough-0123456789abcdef' }),
        flippedSignature: flipped,
        expired: await sign({ exp: now - 1 }),
        notYetValid: await sign({ nbf: now + 60 }),
        wrongIssuer: await sign({ iss: 'someone-else' }),
        wrongAudience: await sign({ aud: 'another-api' }),
        wrongTyp: await sign({ typ: 'JWT' }),
        unknownKid: await sign({ header: { kid: 'other-key' } }),
        jku: await sign({ header: { jku: 'https://evil.example/keys' } }),
        unknownSession: await sign({ sid: '00000000-0000-4000-8000-000000000000' }),
        refreshTokenAsAccess: user.refreshToken,
        garbage: 'not.a.jwt',
        hugeGarbage: 'x'.repeat(16 * 1024),
      };
      for (const [name, token] of Object.entries(crafted)) {
        const res = await me(ctx, token);
        expect([name, res.statusCode]).toEqual([name, 401]);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(['UNAUTHENTICATED', 'TOKEN_EXPIRED']).toContain(res.json().code);
      }
      // The role claim is not trusted: the database says this user is not an admin.
      const adminTry = await ctx.app.inject({ method: 'GET', url: `${API}/admin/stats`, headers: bearer(valid) });
      expect(adminTry.statusCode).toBe(403);
    });
  });
});
