/** Auth: registration, sign-in, and how passwords are stored. Sessions and passwords have their own files. */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshTokens, users } from '../../infra/db/schema';
import { MemoryMailer } from '../../infra/mail/mailer';
import { hashPassword } from '../../infra/passwords';
import { hashToken } from '../../infra/tokens';
import { drivers, type TestContext } from '../../test/context';
import { API, createAuthContext, GOOD_PASSWORD, login, me, register, uniqueEmail } from '../../test/auth-http';

describe.each(drivers())('auth on %s', (driver) => {
  let ctx: TestContext;
  const mailer = new MemoryMailer();
  beforeAll(async () => {
    ctx = await createAuthContext(driver, { mailer });
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
      expect((await register(ctx, { password: '🦊🐙🦉🐝🐢🦀🐳🦋' })).res.statusCode).toBe(201);
      const long = 'violet staple orbit lantern amber quiet harbour kettle mossy granite fjord tulip cobalt whistle ';
      expect((await register(ctx, { password: (long + long.toUpperCase()).slice(0, 128) })).res.statusCode).toBe(201);
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
