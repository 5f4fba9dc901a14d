import { Writable } from 'node:stream';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../../app';
import { testConfig } from '../../config';
import { MemoryMailer } from '../../infra/mail/mailer';
import { MemoryRateLimitStore } from '../../infra/rate-limit';
import { ACCESS_TYP, JWT_AUDIENCE, JWT_ISSUER } from '../../infra/tokens';
import { loggerOptions } from '../../lib/logger';
import { createTestContext, drivers, openTestDatabase, type TestContext, testPlatform } from '../../test/context';
import { createUser } from '../../test/factories';
import {
  API,
  bearer,
  cookieHeader,
  cookieJar,
  GOOD_PASSWORD,
  login,
  me,
  refresh,
  register,
  uniqueEmail,
} from '../../test/auth-http';

const HOOK_TIMEOUT = 180_000;
const SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

describe.each(drivers())('auth security on %s', (driver) => {
  // One app for the cookie, CSRF and JWT tests (a known signing secret).
  let ctx: TestContext;
  let user: { id: string; sessionId: string; accessToken: string; refreshToken: string };

  beforeAll(async () => {
    ctx = await createTestContext(driver, {
      config: { secureCookies: true, rateLimit: { authIpMax: 100_000, apiMax: 100_000 } as never },
      overrides: { jwtSecret: SECRET },
    });
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
  }, HOOK_TIMEOUT);
  afterAll(async () => ctx?.close());

  describe('cookie mode and CSRF', () => {
    it('sets HttpOnly SameSite=Strict Secure cookies and keeps tokens out of the body', async () => {
      const { res, body } = await register(ctx, {}, { 'x-auth-mode': 'cookie' });
      expect(res.statusCode).toBe(201);
      expect(Object.keys(body.data)).toEqual(['user']);
      const byName = Object.fromEntries(res.cookies.map((c) => [c.name, c]));
      const access = byName.access_token;
      const refreshC = byName.refresh_token;
      const csrf = byName.csrf_token;
      expect(access).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: true, path: '/' });
      expect(access?.maxAge).toBe(ctx.config.accessTokenTtlSec);
      expect(refreshC).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: true, path: '/api/v1/auth' });
      expect(refreshC?.maxAge).toBeLessThanOrEqual(ctx.config.refreshTokenTtlSec);
      expect(csrf).toMatchObject({ sameSite: 'Strict', secure: true, path: '/' });
      expect(csrf?.httpOnly).toBeFalsy();
      expect(res.body).not.toContain(access?.value ?? 'x');
      expect(res.body).not.toContain(refreshC?.value ?? 'x');
    });

    it('accepts the cookie for reads; writes need X-CSRF-Token equal to the csrf cookie (403 CSRF_FAILED)', async () => {
      const { email } = await register(ctx);
      const res = await login(ctx, email, GOOD_PASSWORD, { 'x-auth-mode': 'cookie' });
      expect(res.statusCode).toBe(200);
      expect(Object.keys(res.json().data)).toEqual(['user']);
      const jar = cookieJar(res);
      const cookie = cookieHeader(jar);
      expect((await ctx.app.inject({ method: 'GET', url: `${API}/auth/me`, headers: { cookie } })).statusCode).toBe(
        200,
      );
      const resend = (headers: Record<string, string>) =>
        ctx.app.inject({ method: 'POST', url: `${API}/auth/resend-verification`, headers: { cookie, ...headers } });
      const missing = await resend({});
      expect(missing.statusCode).toBe(403);
      expect(missing.json().code).toBe('CSRF_FAILED');
      const wrong = await resend({ 'x-csrf-token': 'not-the-cookie-value' });
      expect(wrong.statusCode).toBe(403);
      expect(wrong.json().code).toBe('CSRF_FAILED');
      expect((await resend({ 'x-csrf-token': jar.csrf_token ?? '' })).statusCode).toBe(202);
    });

    it('refreshes from the cookie (CSRF checked) and answers with new cookies only', async () => {
      const { email } = await register(ctx);
      const jar = cookieJar(await login(ctx, email, GOOD_PASSWORD, { 'x-auth-mode': 'cookie' }));
      const url = `${API}/auth/refresh`;
      const noCsrf = await ctx.app.inject({ method: 'POST', url, headers: { cookie: cookieHeader(jar) } });
      expect(noCsrf.statusCode).toBe(403);
      const res = await ctx.app.inject({
        method: 'POST',
        url,
        headers: { cookie: cookieHeader(jar), 'x-csrf-token': jar.csrf_token ?? '' },
      });
      expect(res.statusCode).toBe(200);
      expect(Object.keys(res.json().data)).toEqual(['user']);
      const next = cookieJar(res);
      expect(next.refresh_token).toBeDefined();
      expect(next.refresh_token).not.toBe(jar.refresh_token);
      expect(next.access_token).not.toBe(jar.access_token);
      // The CSRF value survives a refresh (requests in flight in other tabs still match); a login replaces it.
      expect(next.csrf_token).toBe(jar.csrf_token);
      const again = cookieJar(await login(ctx, email, GOOD_PASSWORD, { 'x-auth-mode': 'cookie' }));
      expect(again.csrf_token).not.toBe(jar.csrf_token);
    });

    it('logout revokes the cookie session and sends expired cookies with Clear-Site-Data', async () => {
      const { email } = await register(ctx);
      const jar = cookieJar(await login(ctx, email, GOOD_PASSWORD, { 'x-auth-mode': 'cookie' }));
      const res = await ctx.app.inject({
        method: 'POST',
        url: `${API}/auth/logout`,
        headers: { cookie: cookieHeader(jar), 'x-csrf-token': jar.csrf_token ?? '' },
      });
      expect(res.statusCode).toBe(204);
      expect(res.headers['clear-site-data']).toBe('"cookies"');
      const cleared = Object.fromEntries(res.cookies.map((c) => [c.name, c]));
      for (const name of ['access_token', 'refresh_token', 'csrf_token']) {
        expect(cleared[name]?.value).toBe('');
        expect(cleared[name]?.maxAge).toBe(0);
      }
      expect(cleared.refresh_token?.path).toBe('/api/v1/auth');
      const after = await ctx.app.inject({
        method: 'GET',
        url: `${API}/auth/me`,
        headers: { cookie: `access_token=${jar.access_token}` },
      });
      expect(after.statusCode).toBe(401);
    });

    it('bearer requests need no CSRF token', async () => {
      const { body } = await register(ctx);
      const res = await ctx.app.inject({
        method: 'POST',
        url: `${API}/auth/logout-all`,
        headers: bearer(body.data.accessToken),
      });
      expect(res.statusCode).toBe(204);
    });
  });

  describe('brute force', () => {
    let ctx: TestContext;
    // A controllable clock for the limit windows: no sleeping, no timing flakiness.
    let clock = Date.now();
    beforeAll(async () => {
      ctx = await createTestContext(driver, {
        config: { rateLimit: { authIpMax: 12, apiMax: 100_000, loginFailuresMax: 5, authWindowSec: 900 } as never },
        overrides: { rateLimitStore: new MemoryRateLimitStore(100_000, () => clock) },
      });
    }, HOOK_TIMEOUT);
    afterAll(async () => ctx?.close());

    it('locks an email after 5 failures: 429 with Retry-After even with the right password, until the window ends', async () => {
      const target = await createUser(ctx.platform);
      const bystander = await createUser(ctx.platform);
      for (let i = 0; i < 5; i++) {
        const res = await login(ctx, target.email, `wrong password ${i}`);
        expect(res.statusCode).toBe(401);
      }
      const locked = await login(ctx, target.email, target.password);
      expect(locked.statusCode).toBe(429);
      expect(locked.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(locked.json().code).toBe('RATE_LIMITED');
      expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(900);
      expect(locked.headers['ratelimit-limit']).toBe('5');
      expect(locked.headers['ratelimit-remaining']).toBe('0');
      expect(Number(locked.headers['ratelimit-reset'])).toBeGreaterThan(0);
      // The email's case does not matter, and another account is not affected.
      expect((await login(ctx, target.email.toUpperCase(), target.password)).statusCode).toBe(429);
      expect((await login(ctx, bystander.email, bystander.password)).statusCode).toBe(200);
      // No permanent lockout: once the window has passed the right password works.
      clock += 901_000;
      expect((await login(ctx, target.email, target.password)).statusCode).toBe(200);
    });

    it('limits auth requests per IP across login, register and forgot-password', async () => {
      const remoteAddress = '10.1.1.1';
      const send = (url: string, payload: object, from = remoteAddress) =>
        ctx.app.inject({ method: 'POST', url: `${API}/auth/${url}`, payload, remoteAddress: from });
      const email = uniqueEmail('ip');
      expect((await send('register', { name: 'Ip', email, password: GOOD_PASSWORD })).statusCode).toBe(201);
      const first = await send('login', { email, password: GOOD_PASSWORD });
      expect(first.statusCode).toBe(200);
      expect(first.headers['ratelimit-limit']).toBe('12');
      expect(first.headers['ratelimit-remaining']).toBe('10');
      expect((await send('forgot-password', { email })).statusCode).toBe(202);
      // Malformed requests count too (the limit is taken before validation).
      for (let i = 0; i < 9; i++) expect((await send('login', { email })).statusCode).toBe(400);
      const blocked = await send('login', { email, password: GOOD_PASSWORD });
      expect(blocked.statusCode).toBe(429);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(blocked.headers['ratelimit-limit']).toBe('12');
      expect((await send('register', { name: 'Ip', email: uniqueEmail(), password: GOOD_PASSWORD })).statusCode).toBe(
        429,
      );
      // Another client address has its own budget.
      expect((await send('login', { email, password: GOOD_PASSWORD }, '10.1.1.2')).statusCode).toBe(200);
    });
  });

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

  describe('security log', () => {
    it('logs security events without passwords, tokens or cookies', async () => {
      const lines: string[] = [];
      const stream = new Writable({
        write(chunk, _enc, cb) {
          lines.push(chunk.toString());
          cb();
        },
      });
      const config = testConfig({ rateLimit: { authIpMax: 100_000, apiMax: 100_000 } as never });
      const { database, drop } = await openTestDatabase(driver);
      const mailer = new MemoryMailer();
      const platform = testPlatform(config, database, { mailer });
      const app: App = await buildApp(platform, { logger: { ...loggerOptions('info'), stream } as never });
      await app.ready();
      try {
        const ctx = { app, platform, database, config, driver, close: async () => {} } as TestContext;
        const sentinel = 'sentinel Password 4 logs!';
        const email = uniqueEmail('logged');
        const reg = await register(ctx, { email, password: sentinel });
        expect(reg.res.statusCode).toBe(201);
        const { accessToken, refreshToken } = reg.body.data;
        expect((await login(ctx, email, 'sentinel wrong password')).statusCode).toBe(401);
        const cookieRes = await login(ctx, email, sentinel, { 'x-auth-mode': 'cookie' });
        const jar = cookieJar(cookieRes);
        const r1 = await refresh(ctx, refreshToken);
        expect(r1.statusCode).toBe(200);
        expect((await refresh(ctx, refreshToken)).statusCode).toBe(401); // reuse
        await app.inject({
          method: 'POST',
          url: `${API}/auth/password`,
          headers: bearer(jar.access_token ?? ''),
          payload: { currentPassword: sentinel, newPassword: 'another sentinel phrase' },
        });
        await app.inject({ method: 'POST', url: `${API}/auth/forgot-password`, payload: { email } });
        await app.inject({
          method: 'GET',
          url: `${API}/auth/me`,
          headers: { cookie: cookieHeader(jar), authorization: `Bearer ${accessToken}` },
        });
        const log = lines.join('');
        const events = lines.map((l) => JSON.parse(l) as { event?: string }).map((l) => l.event);
        for (const e of [
          'auth.register',
          'auth.login.failed',
          'auth.login.succeeded',
          'auth.refresh.reuse_detected',
          'auth.password.changed',
          'auth.password.reset_requested',
        ]) {
          expect(events).toContain(e);
        }
        const resetToken = /token=([A-Za-z0-9_-]+)/.exec(mailer.last(email)?.text ?? '')?.[1];
        const secrets = [
          sentinel,
          'sentinel wrong password',
          'another sentinel phrase',
          accessToken,
          refreshToken,
          r1.json().data.refreshToken,
          jar.access_token,
          jar.refresh_token,
          jar.csrf_token,
          resetToken,
        ];
        for (const s of secrets) {
          expect(s).toBeTruthy();
          expect(log.includes(s as string)).toBe(false);
        }
        expect(log.includes(email)).toBe(false);
      } finally {
        await app.close();
        await drop();
      }
    }, 180_000);
  });
});
