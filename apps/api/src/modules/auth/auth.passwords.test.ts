/** Auth passwords and email: change, forgotten-password reset by mailed link, email verification. */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userTokens } from '../../infra/db/schema';
import { MemoryMailer } from '../../infra/mail/mailer';
import { hashToken } from '../../infra/tokens';
import { drivers, type TestContext } from '../../test/context';
import {
  API,
  bearer,
  createAuthContext,
  GOOD_PASSWORD,
  login,
  me,
  refresh,
  register,
  uniqueEmail,
} from '../../test/auth-http';

const tokenFrom = (text: string) => {
  const m = /token=([A-Za-z0-9_-]+)/.exec(text);
  if (!m?.[1]) throw new Error('no token in mail');
  return decodeURIComponent(m[1]);
};

describe.each(drivers())('auth on %s', (driver) => {
  let ctx: TestContext;
  const mailer = new MemoryMailer();
  beforeAll(async () => {
    ctx = await createAuthContext(driver, { mailer });
  }, 180_000);
  afterAll(async () => ctx?.close());

  describe('passwords', () => {
    it('POST /auth/password keeps this session, revokes the others, and needs the current password', async () => {
      const { email, body } = await register(ctx);
      const other = (await login(ctx, email, GOOD_PASSWORD)).json().data;
      const url = `${API}/auth/password`;
      const headers = bearer(body.data.accessToken);
      const wrong = await ctx.app.inject({
        method: 'POST',
        url,
        headers,
        payload: { currentPassword: 'not it at all', newPassword: 'brand new secret words' },
      });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json().code).toBe('INVALID_CREDENTIALS');
      const common = await ctx.app.inject({
        method: 'POST',
        url,
        headers,
        payload: { currentPassword: GOOD_PASSWORD, newPassword: 'password123' },
      });
      expect(common.statusCode).toBe(400);
      expect(common.json().errors[0].path).toBe('newPassword');
      const tooLong = await ctx.app.inject({
        method: 'POST',
        url,
        headers,
        payload: { currentPassword: GOOD_PASSWORD, newPassword: 'b'.repeat(129) },
      });
      expect(tooLong.statusCode).toBe(400);
      expect((await ctx.app.inject({ method: 'POST', url, payload: {} })).statusCode).toBe(401);

      const ok = await ctx.app.inject({
        method: 'POST',
        url,
        headers,
        payload: { currentPassword: GOOD_PASSWORD, newPassword: 'brand new secret words' },
      });
      expect(ok.statusCode).toBe(204);
      expect((await me(ctx, body.data.accessToken)).statusCode).toBe(200);
      expect((await me(ctx, other.accessToken)).statusCode).toBe(401);
      expect((await refresh(ctx, other.refreshToken)).statusCode).toBe(401);
      expect((await login(ctx, email, GOOD_PASSWORD)).statusCode).toBe(401);
      expect((await login(ctx, email, 'brand new secret words')).statusCode).toBe(200);
    });

    it('forgot-password is 202 for any address; the mailed single-use link resets and revokes every session', async () => {
      const { email, body } = await register(ctx);
      const unknown = await ctx.app.inject({
        method: 'POST',
        url: `${API}/auth/forgot-password`,
        payload: { email: uniqueEmail('ghost') },
      });
      const known = await ctx.app.inject({
        method: 'POST',
        url: `${API}/auth/forgot-password`,
        payload: { email: email.toUpperCase() },
      });
      expect(unknown.statusCode).toBe(202);
      expect(known.statusCode).toBe(202);
      expect(known.json()).toEqual(unknown.json());
      // The token and the mail are made after the answer (no timing oracle): wait for that work.
      await ctx.modules.auth.credentials.settled();
      const mail = mailer.last(email);
      expect(mail?.text).toContain(`${ctx.config.appUrl}/reset-password?token=`);
      const token = tokenFrom(mail?.text ?? '');
      // Stored hashed, valid 30 minutes.
      const [row] = await ctx.database.db
        .select()
        .from(userTokens)
        .where(eq(userTokens.tokenHash, hashToken(token)));
      expect(row?.kind).toBe('password_reset');
      const ttl = (row?.expiresAt.getTime() ?? 0) - Date.now();
      expect(ttl).toBeGreaterThan(29 * 60_000);
      expect(ttl).toBeLessThanOrEqual(30 * 60_000);

      const weak = await ctx.app.inject({
        method: 'POST',
        url: `${API}/auth/reset-password`,
        payload: { token, password: 'football' },
      });
      expect(weak.statusCode).toBe(400);
      const res = await ctx.app.inject({
        method: 'POST',
        url: `${API}/auth/reset-password`,
        payload: { token, password: 'a fresh start today' },
      });
      expect(res.statusCode).toBe(204);
      expect((await me(ctx, body.data.accessToken)).statusCode).toBe(401);
      expect((await refresh(ctx, body.data.refreshToken)).statusCode).toBe(401);
      expect((await login(ctx, email, 'a fresh start today')).statusCode).toBe(200);
      const again = await ctx.app.inject({
        method: 'POST',
        url: `${API}/auth/reset-password`,
        payload: { token, password: 'another fresh start' },
      });
      expect(again.statusCode).toBe(400);
      expect(again.json().errors[0].path).toBe('token');
    });

    it('refuses an expired reset token and a malformed body', async () => {
      const { email } = await register(ctx);
      await ctx.app.inject({ method: 'POST', url: `${API}/auth/forgot-password`, payload: { email } });
      await ctx.modules.auth.credentials.settled();
      const token = tokenFrom(mailer.last(email)?.text ?? '');
      await ctx.database.db
        .update(userTokens)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(userTokens.tokenHash, hashToken(token)));
      const res = await ctx.app.inject({
        method: 'POST',
        url: `${API}/auth/reset-password`,
        payload: { token, password: 'a fresh start today' },
      });
      expect(res.statusCode).toBe(400);
      const bad = await ctx.app.inject({
        method: 'POST',
        url: `${API}/auth/forgot-password`,
        payload: { email: 'nope' },
      });
      expect(bad.statusCode).toBe(400);
    });
  });

  describe('email verification', () => {
    it('verifies with the mailed token once (204), then 400', async () => {
      const { email, body } = await register(ctx);
      const token = tokenFrom(mailer.last(email)?.text ?? '');
      const url = `${API}/auth/verify-email`;
      expect((await ctx.app.inject({ method: 'POST', url, payload: { token } })).statusCode).toBe(204);
      expect((await me(ctx, body.data.accessToken)).json().data.emailVerified).toBe(true);
      expect((await ctx.app.inject({ method: 'POST', url, payload: { token } })).statusCode).toBe(400);
      expect((await ctx.app.inject({ method: 'POST', url, payload: { token: 'garbage' } })).statusCode).toBe(400);
      expect((await ctx.app.inject({ method: 'POST', url, payload: {} })).statusCode).toBe(400);
    });

    it('resend-verification is 202 with a new mail (auth required); the older link stops working', async () => {
      const { email, body } = await register(ctx);
      const first = tokenFrom(mailer.last(email)?.text ?? '');
      const url = `${API}/auth/resend-verification`;
      expect((await ctx.app.inject({ method: 'POST', url })).statusCode).toBe(401);
      const res = await ctx.app.inject({ method: 'POST', url, headers: bearer(body.data.accessToken) });
      expect(res.statusCode).toBe(202);
      const second = tokenFrom(mailer.last(email)?.text ?? '');
      expect(second).not.toBe(first);
      const verify = (token: string) =>
        ctx.app.inject({ method: 'POST', url: `${API}/auth/verify-email`, payload: { token } });
      expect((await verify(first)).statusCode).toBe(400);
      expect((await verify(second)).statusCode).toBe(204);
    });
  });
});
