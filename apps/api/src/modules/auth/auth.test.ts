import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshTokens, sessions, users, userTokens } from '../../infra/db/schema';
import { MemoryMailer } from '../../infra/mail/mailer';
import { hashPassword } from '../../infra/passwords';
import { hashToken } from '../../infra/tokens';
import { buildApp } from '../../app';
import { createTestContext, drivers, type TestContext, testPlatform } from '../../test/context';
import { API, bearer, GOOD_PASSWORD, login, me, refresh, register, uniqueEmail } from '../../test/auth-http';

const tokenFrom = (text: string) => {
  const m = /token=([A-Za-z0-9_-]+)/.exec(text);
  if (!m?.[1]) throw new Error('no token in mail');
  return decodeURIComponent(m[1]);
};

describe.each(drivers())('auth on %s', (driver) => {
  let ctx: TestContext;
  const mailer = new MemoryMailer();
  beforeAll(async () => {
    ctx = await createTestContext(driver, {
      config: { rateLimit: { authIpMax: 100_000, apiMax: 100_000 } as never },
      overrides: { mailer },
    });
  }, 180_000);
  afterAll(async () => ctx?.close());

  describe('POST /auth/register', () => {
    it('creates the account, signs in (201) and mails a verification link', async () => {
      const email = uniqueEmail('Reg').replace('reg', 'REG');
      const { res, body } = await register(ctx, { email: `  ${email}  ` });
      expect(res.statusCode).toBe(201);
      expect(body.success).toBe(true);
      const d = body.data;
      expect(d.user).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Ada Lovelace',
        email: email.toLowerCase(),
        role: 'user',
        emailVerified: false,
        isActive: true,
        timezone: 'UTC',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(d.accessToken.split('.')).toHaveLength(3);
      expect(d.refreshToken.length).toBeGreaterThanOrEqual(43);
      expect(Date.parse(d.accessTokenExpiresAt)).toBeGreaterThan(Date.now());
      expect(Date.parse(d.refreshTokenExpiresAt)).toBeGreaterThan(Date.parse(d.accessTokenExpiresAt));
      expect((await me(ctx, d.accessToken)).json().data.email).toBe(email.toLowerCase());
      const mail = mailer.last(email.toLowerCase());
      expect(mail?.subject).toMatch(/confirm/i);
      expect(mail?.text).toContain(`${ctx.config.appUrl}/verify-email?token=`);
      // Only the hash of the refresh token is stored.
      const rows = await ctx.database.db.select().from(refreshTokens).where(eq(refreshTokens.userId, d.user.id));
      expect(rows).toHaveLength(1);
      expect(rows[0]?.tokenHash).toBe(hashToken(d.refreshToken));
    });

    it('refuses a taken email, whatever its case (409 EMAIL_TAKEN)', async () => {
      const { email } = await register(ctx);
      const { res } = await register(ctx, { email: email.toUpperCase() });
      expect(res.statusCode).toBe(409);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json().code).toBe('EMAIL_TAKEN');
    });

    it.each([
      ['missing name', { name: undefined }],
      ['empty name', { name: '' }],
      ['name over 100', { name: 'x'.repeat(101) }],
      ['bad email', { email: 'not-an-email' }],
      ['CRLF in email', { email: 'a@b.test\r\nBcc: x@y.test' }],
      ['7-char password', { password: 'abcdefg' }],
      ['129-char password', { password: 'a'.repeat(129) }],
      ['non-string password', { password: 12345678 }],
    ])('400 VALIDATION_FAILED for %s', async (_label, patch) => {
      const payload: Record<string, unknown> = {
        name: 'Ada',
        email: uniqueEmail(),
        password: GOOD_PASSWORD,
        ...patch,
      };
      for (const k of Object.keys(payload)) if (payload[k] === undefined) delete payload[k];
      const res = await ctx.app.inject({ method: 'POST', url: `${API}/auth/register`, payload });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
      expect(res.json().errors.length).toBeGreaterThan(0);
    });

    it('answers 413 for a 1 MiB password and 415 for a body that is not JSON', async () => {
      const huge = await ctx.app.inject({
        method: 'POST',
        url: `${API}/auth/register`,
        payload: { name: 'Big', email: uniqueEmail(), password: 'p'.repeat(1024 * 1024) },
      });
      expect(huge.statusCode).toBe(413);
      const text = await ctx.app.inject({
        method: 'POST',
        url: `${API}/auth/register`,
        headers: { 'content-type': 'text/plain' },
        payload: 'name=x&email=y&password=z',
      });
      expect(text.statusCode).toBe(415);
    });

    it('refuses unknown fields such as role (no mass assignment) and creates nothing', async () => {
      const email = uniqueEmail();
      const res = await ctx.app.inject({
        method: 'POST',
        url: `${API}/auth/register`,
        payload: { name: 'Eve', email, password: GOOD_PASSWORD, role: 'admin' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
      expect(await ctx.database.db.select().from(users).where(eq(users.email, email))).toHaveLength(0);
    });

    it('counts password length in code points: 8 emoji and 128 characters are accepted', async () => {
      expect((await register(ctx, { password: '🦊🦊🦊🦊🐙🐙🐙🐙' })).res.statusCode).toBe(201);
      expect((await register(ctx, { password: 'q'.repeat(60) + 'z'.repeat(68) })).res.statusCode).toBe(201);
      expect((await register(ctx, { password: '🦊🦊🦊🦊🐙🐙🐙' })).res.statusCode).toBe(400);
    });

    it.each([
      ['password'],
      ['12345678'],
      ['iloveyou1'],
      ['Qwertyuiop'],
      ['baseball'],
      ['trustno1'],
      ['primetrade'],
      ['Primetrade-2024!'],
    ])('refuses the common or context password %s with a reason', async (password) => {
      const { res } = await register(ctx, { password });
      expect(res.statusCode).toBe(400);
      const body = res.json();
      expect(body.code).toBe('VALIDATION_FAILED');
      expect(body.errors[0].path).toBe('password');
      expect(body.errors[0].message.length).toBeGreaterThan(10);
    });

    it("refuses the user's own email or name as the password", async () => {
      const email = uniqueEmail('grace');
      expect((await register(ctx, { email, password: email })).res.statusCode).toBe(400);
      expect((await register(ctx, { name: 'Grace Hopper', password: 'gracehopper' })).res.statusCode).toBe(400);
    });
  });

  describe('POST /auth/login', () => {
    it('signs in with the same shape as register (email case-insensitive)', async () => {
      const { email } = await register(ctx);
      const res = await login(ctx, email.toUpperCase(), GOOD_PASSWORD);
      expect(res.statusCode).toBe(200);
      const d = res.json().data;
      expect(d.user.email).toBe(email);
      expect(Object.keys(d).sort()).toEqual(
        ['accessToken', 'accessTokenExpiresAt', 'refreshToken', 'refreshTokenExpiresAt', 'user'].sort(),
      );
      expect((await me(ctx, d.accessToken)).statusCode).toBe(200);
    });

    it('answers a wrong password and an unknown email identically (401 INVALID_CREDENTIALS)', async () => {
      const { email } = await register(ctx);
      const wrong = await login(ctx, email, 'not the password at all');
      const unknown = await login(ctx, uniqueEmail('nobody'), 'not the password at all');
      for (const res of [wrong, unknown]) {
        expect(res.statusCode).toBe(401);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      }
      const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
      expect(strip(wrong.json())).toEqual(strip(unknown.json()));
      expect(wrong.json().code).toBe('INVALID_CREDENTIALS');
    });

    it('says ACCOUNT_DISABLED (403) only once the password is right', async () => {
      const { email, body } = await register(ctx);
      await ctx.database.db.update(users).set({ isActive: false }).where(eq(users.id, body.data.user.id));
      expect((await login(ctx, email, 'wrong password here')).statusCode).toBe(401);
      const res = await login(ctx, email, GOOD_PASSWORD);
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('ACCOUNT_DISABLED');
    });

    it('re-hashes a hash made with weaker parameters at the next login', async () => {
      const { email, body } = await register(ctx);
      const { hash } = await import('@node-rs/argon2');
      const weak = await hash(GOOD_PASSWORD, { algorithm: 2, memoryCost: 8192, timeCost: 1, parallelism: 1 });
      await ctx.database.db.update(users).set({ passwordHash: weak }).where(eq(users.id, body.data.user.id));
      expect((await login(ctx, email, GOOD_PASSWORD)).statusCode).toBe(200);
      const [row] = await ctx.database.db.select().from(users).where(eq(users.id, body.data.user.id));
      expect(row?.passwordHash.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true);
    });

    it('400 for a missing password or unknown field', async () => {
      const res = await ctx.app.inject({ method: 'POST', url: `${API}/auth/login`, payload: { email: 'a@b.test' } });
      expect(res.statusCode).toBe(400);
      const extra = await ctx.app.inject({
        method: 'POST',
        url: `${API}/auth/login`,
        payload: { email: 'a@b.test', password: 'x', remember: true },
      });
      expect(extra.statusCode).toBe(400);
    });
  });

  describe('POST /auth/refresh', () => {
    it('rotates 20 times; every superseded token is then refused', async () => {
      const { body } = await register(ctx);
      const seen = new Set<string>();
      let current = body.data.refreshToken as string;
      const superseded: string[] = [];
      seen.add(current);
      for (let i = 0; i < 20; i++) {
        const res = await refresh(ctx, current);
        expect(res.statusCode).toBe(200);
        const next = res.json().data.refreshToken as string;
        expect(seen.has(next)).toBe(false);
        seen.add(next);
        superseded.push(current);
        current = next;
      }
      expect(superseded).toHaveLength(20);
      // The first replay is reuse and kills the family; every later one is refused as well.
      for (const old of superseded) expect((await refresh(ctx, old)).statusCode).toBe(401);
      expect((await refresh(ctx, current)).statusCode).toBe(401);
    });

    it('a replayed token revokes its whole family (and its access tokens), not other logins', async () => {
      const { email, body } = await register(ctx);
      const rt0 = body.data.refreshToken;
      const r1 = (await refresh(ctx, rt0)).json().data;
      const r2 = (await refresh(ctx, r1.refreshToken)).json().data;
      const r3 = (await refresh(ctx, r2.refreshToken)).json().data;
      const other = (await login(ctx, email, GOOD_PASSWORD)).json().data;
      expect((await me(ctx, r3.accessToken)).statusCode).toBe(200);

      const replay = await refresh(ctx, rt0);
      expect(replay.statusCode).toBe(401);
      expect(replay.json().code).toBe('UNAUTHENTICATED');
      expect((await refresh(ctx, r3.refreshToken)).statusCode).toBe(401);
      expect((await me(ctx, r3.accessToken)).statusCode).toBe(401);
      expect((await me(ctx, body.data.accessToken)).statusCode).toBe(401);
      // Family B is unaffected.
      expect((await me(ctx, other.accessToken)).statusCode).toBe(200);
      expect((await refresh(ctx, other.refreshToken)).statusCode).toBe(200);
    });

    it('serialises concurrent refreshes of one token: exactly one succeeds', async () => {
      const { body } = await register(ctx);
      const results = await Promise.all(Array.from({ length: 6 }, () => refresh(ctx, body.data.refreshToken)));
      const ok = results.filter((r) => r.statusCode === 200);
      expect(ok).toHaveLength(1);
      expect(results.filter((r) => r.statusCode === 401)).toHaveLength(5);
      // With no grace window the losers count as reuse: the family holds no live token.
      const liveSessions = await ctx.database.db.select().from(sessions).where(eq(sessions.userId, body.data.user.id));
      expect(liveSessions.every((s) => s.revokedAt !== null)).toBe(true);
    });

    it('401 without a token, for an unknown token, and for an expired session', async () => {
      const none = await ctx.app.inject({ method: 'POST', url: `${API}/auth/refresh` });
      expect(none.statusCode).toBe(401);
      expect((await refresh(ctx, 'garbage-token')).statusCode).toBe(401);
      const { body } = await register(ctx);
      await ctx.database.db
        .update(sessions)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(sessions.userId, body.data.user.id));
      expect((await refresh(ctx, body.data.refreshToken)).statusCode).toBe(401);
    });

    it('moves the idle expiry forward but never past the absolute session lifetime', async () => {
      const { body } = await register(ctx);
      const cap = new Date(Date.now() + 60_000);
      await ctx.database.db
        .update(sessions)
        .set({ absoluteExpiresAt: cap })
        .where(eq(sessions.userId, body.data.user.id));
      const res = await refresh(ctx, body.data.refreshToken);
      expect(res.statusCode).toBe(200);
      expect(Date.parse(res.json().data.refreshTokenExpiresAt)).toBeLessThanOrEqual(cap.getTime());
      await ctx.database.db
        .update(sessions)
        .set({ absoluteExpiresAt: new Date(Date.now() - 1) })
        .where(eq(sessions.userId, body.data.user.id));
      expect((await refresh(ctx, res.json().data.refreshToken)).statusCode).toBe(401);
    });

    it('within REFRESH_REUSE_GRACE_SECONDS a just-rotated token is refused without ending the session', async () => {
      // An app with a grace period, on the same database (the shared one has none).
      const app = await buildApp(testPlatform({ ...ctx.config, refreshReuseGraceSec: 30 }, ctx.database));
      const graced = { ...ctx, app };
      try {
        const { body } = await register(graced);
        const next = await refresh(graced, body.data.refreshToken);
        expect(next.statusCode).toBe(200);
        expect((await refresh(graced, body.data.refreshToken)).statusCode).toBe(401);
        expect((await me(graced, next.json().data.accessToken)).statusCode).toBe(200);
        expect((await refresh(graced, next.json().data.refreshToken)).statusCode).toBe(200);
      } finally {
        await app.close();
      }
    });

    it('refuses an unknown body field', async () => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: `${API}/auth/refresh`,
        payload: { refreshToken: 'x', extra: 1 },
      });
      expect(res.statusCode).toBe(400);
    });
  });

  describe('logout, logout-all, sessions', () => {
    it('logout revokes the session of the given refresh token; its access token dies at once', async () => {
      const { body } = await register(ctx);
      const res = await ctx.app.inject({
        method: 'POST',
        url: `${API}/auth/logout`,
        payload: { refreshToken: body.data.refreshToken },
      });
      expect(res.statusCode).toBe(204);
      expect((await me(ctx, body.data.accessToken)).statusCode).toBe(401);
      expect((await refresh(ctx, body.data.refreshToken)).statusCode).toBe(401);
    });

    it("logout without a refresh token revokes the caller's current session only", async () => {
      const { email, body } = await register(ctx);
      const other = (await login(ctx, email, GOOD_PASSWORD)).json().data;
      const res = await ctx.app.inject({
        method: 'POST',
        url: `${API}/auth/logout`,
        headers: bearer(body.data.accessToken),
      });
      expect(res.statusCode).toBe(204);
      expect((await me(ctx, body.data.accessToken)).statusCode).toBe(401);
      expect((await me(ctx, other.accessToken)).statusCode).toBe(200);
      // Nothing to revoke is still 204 (idempotent).
      expect((await ctx.app.inject({ method: 'POST', url: `${API}/auth/logout` })).statusCode).toBe(204);
    });

    it('logout-all revokes every session (401 without auth)', async () => {
      const { email, body } = await register(ctx);
      const other = (await login(ctx, email, GOOD_PASSWORD)).json().data;
      expect((await ctx.app.inject({ method: 'POST', url: `${API}/auth/logout-all` })).statusCode).toBe(401);
      const res = await ctx.app.inject({
        method: 'POST',
        url: `${API}/auth/logout-all`,
        headers: bearer(body.data.accessToken),
      });
      expect(res.statusCode).toBe(204);
      for (const t of [body.data.accessToken, other.accessToken]) expect((await me(ctx, t)).statusCode).toBe(401);
      expect((await refresh(ctx, other.refreshToken)).statusCode).toBe(401);
    });

    it('GET /auth/me answers the user (401 without a token)', async () => {
      const { body } = await register(ctx);
      const res = await me(ctx, body.data.accessToken);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ success: true, data: body.data.user });
      expect((await ctx.app.inject({ method: 'GET', url: `${API}/auth/me` })).statusCode).toBe(401);
    });

    it('lists live sessions with the current one flagged; deleting one revokes it; others are 404', async () => {
      const { email, body } = await register(ctx, {}, { 'user-agent': 'first-device' });
      const second = (await login(ctx, email, GOOD_PASSWORD, { 'user-agent': 'second-device' })).json().data;
      const list = await ctx.app.inject({
        method: 'GET',
        url: `${API}/auth/sessions`,
        headers: bearer(body.data.accessToken),
      });
      expect(list.statusCode).toBe(200);
      const items = list.json().data as Array<Record<string, unknown>>;
      expect(items).toHaveLength(2);
      expect(Object.keys(items[0] ?? {}).sort()).toEqual(
        ['createdAt', 'current', 'expiresAt', 'id', 'ip', 'lastUsedAt', 'userAgent'].sort(),
      );
      const current = items.find((s) => s.current);
      const otherSession = items.find((s) => !s.current);
      expect(current?.userAgent).toBe('first-device');
      expect(otherSession?.userAgent).toBe('second-device');

      const stranger = await register(ctx);
      const foreign = await ctx.app.inject({
        method: 'DELETE',
        url: `${API}/auth/sessions/${otherSession?.id}`,
        headers: bearer(stranger.body.data.accessToken),
      });
      expect(foreign.statusCode).toBe(404);
      expect((await me(ctx, second.accessToken)).statusCode).toBe(200);
      const unknown = await ctx.app.inject({
        method: 'DELETE',
        url: `${API}/auth/sessions/00000000-0000-4000-8000-000000000000`,
        headers: bearer(body.data.accessToken),
      });
      expect(unknown.statusCode).toBe(404);
      const bad = await ctx.app.inject({
        method: 'DELETE',
        url: `${API}/auth/sessions/not-a-uuid`,
        headers: bearer(body.data.accessToken),
      });
      expect(bad.statusCode).toBe(400);

      const del = await ctx.app.inject({
        method: 'DELETE',
        url: `${API}/auth/sessions/${otherSession?.id}`,
        headers: bearer(body.data.accessToken),
      });
      expect(del.statusCode).toBe(204);
      expect((await me(ctx, second.accessToken)).statusCode).toBe(401);
      expect((await me(ctx, body.data.accessToken)).statusCode).toBe(200);
      expect((await ctx.app.inject({ method: 'GET', url: `${API}/auth/sessions` })).statusCode).toBe(401);
    });
  });

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

  it('stores argon2id hashes at OWASP parameters with distinct salts', async () => {
    const a = await register(ctx);
    const b = await register(ctx);
    const rows = await Promise.all(
      [a, b].map(async (r) => (await ctx.database.db.select().from(users).where(eq(users.email, r.email)))[0]),
    );
    const [ha, hb] = rows.map((r) => r?.passwordHash ?? '');
    for (const h of [ha, hb]) expect(h?.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true);
    expect(ha?.split('$')[4]).not.toBe(hb?.split('$')[4]);
    expect(ha).not.toContain(GOOD_PASSWORD);
    expect(await hashPassword('x')).not.toBe(await hashPassword('x'));
  });
});
