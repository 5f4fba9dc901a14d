/**
 * Auth in cookie mode: the cookies' attributes, CSRF on writes and refresh, logout clearing them; bearer needs no CSRF.
 * Secure cookies, so the names carry the `__Host-`/`__Secure-` prefixes; writes come from the app's origin (the
 * origin check itself is auth-origin.test.ts).
 */
import { authCookieNames } from '@primetrade/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers, type TestContext } from '../../test/context';
import {
  API,
  bearer,
  cookieHeader,
  cookieJar,
  createAuthContext,
  GOOD_PASSWORD,
  login,
  register,
} from '../../test/auth-http';

describe.each(drivers())('auth security on %s', (driver) => {
  let ctx: TestContext;
  const N = authCookieNames(true);
  let origin: string;
  beforeAll(async () => {
    ctx = await createAuthContext(driver, { config: { secureCookies: true } });
    origin = new URL(ctx.config.appUrl).origin;
  }, 180_000);
  afterAll(async () => ctx?.close());

  describe('cookie mode and CSRF', () => {
    it('sets HttpOnly SameSite=Strict Secure cookies and keeps tokens out of the body', async () => {
      const { res, body } = await register(ctx, {}, { 'x-auth-mode': 'cookie' });
      expect(res.statusCode).toBe(201);
      expect(Object.keys(body.data)).toEqual(['user']);
      const byName = Object.fromEntries(res.cookies.map((c) => [c.name, c]));
      const access = byName[N.access];
      const refreshC = byName[N.refresh];
      const csrf = byName[N.csrf];
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
        ctx.app.inject({
          method: 'POST',
          url: `${API}/auth/resend-verification`,
          headers: { cookie, origin, ...headers },
        });
      const missing = await resend({});
      expect(missing.statusCode).toBe(403);
      expect(missing.json().code).toBe('CSRF_FAILED');
      const wrong = await resend({ 'x-csrf-token': 'not-the-cookie-value' });
      expect(wrong.statusCode).toBe(403);
      expect(wrong.json().code).toBe('CSRF_FAILED');
      expect((await resend({ 'x-csrf-token': jar[N.csrf] ?? '' })).statusCode).toBe(202);
    });

    it('refreshes from the cookie (CSRF checked) and answers with new cookies only', async () => {
      const { email } = await register(ctx);
      const jar = cookieJar(await login(ctx, email, GOOD_PASSWORD, { 'x-auth-mode': 'cookie' }));
      const url = `${API}/auth/refresh`;
      const noCsrf = await ctx.app.inject({ method: 'POST', url, headers: { cookie: cookieHeader(jar), origin } });
      expect(noCsrf.statusCode).toBe(403);
      const res = await ctx.app.inject({
        method: 'POST',
        url,
        headers: { cookie: cookieHeader(jar), 'x-csrf-token': jar[N.csrf] ?? '', origin },
      });
      expect(res.statusCode).toBe(200);
      expect(Object.keys(res.json().data)).toEqual(['user']);
      const next = cookieJar(res);
      expect(next[N.refresh]).toBeDefined();
      expect(next[N.refresh]).not.toBe(jar[N.refresh]);
      expect(next[N.access]).not.toBe(jar[N.access]);
      // The CSRF value survives a refresh (requests in flight in other tabs still match); a login replaces it.
      expect(next[N.csrf]).toBe(jar[N.csrf]);
      const again = cookieJar(await login(ctx, email, GOOD_PASSWORD, { 'x-auth-mode': 'cookie' }));
      expect(again[N.csrf]).not.toBe(jar[N.csrf]);
    });

    it('logout revokes the cookie session and sends expired cookies with Clear-Site-Data', async () => {
      const { email } = await register(ctx);
      const jar = cookieJar(await login(ctx, email, GOOD_PASSWORD, { 'x-auth-mode': 'cookie' }));
      const res = await ctx.app.inject({
        method: 'POST',
        url: `${API}/auth/logout`,
        headers: { cookie: cookieHeader(jar), 'x-csrf-token': jar[N.csrf] ?? '', origin },
      });
      expect(res.statusCode).toBe(204);
      expect(res.headers['clear-site-data']).toBe('"cookies"');
      const cleared = Object.fromEntries(res.cookies.map((c) => [c.name, c]));
      for (const name of [N.access, N.refresh, N.csrf]) {
        expect(cleared[name]?.value).toBe('');
        expect(cleared[name]?.maxAge).toBe(0);
      }
      expect(cleared[N.refresh]?.path).toBe('/api/v1/auth');
      const after = await ctx.app.inject({
        method: 'GET',
        url: `${API}/auth/me`,
        headers: { cookie: `${N.access}=${jar[N.access]}` },
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
});
