/**
 * The password sign-in's database work (issue 20 item 5, bench P7: nothing but the hash should cost). Every
 * statement the API runs is counted on both drivers (test/statement-counter.ts: node-postgres' Client#query, or
 * the protocol messages PGlite is given; BEGIN and COMMIT count): a successful POST /auth/login takes at most 3 —
 * the durable failure counter, the account with its second-factor flag, and one statement writing the last
 * sign-in, the session, its refresh token and the audit event. Planted fault (inside the test): the transactional
 * session start (`startSession`, BEGIN, three inserts, COMMIT), as the login used before, exceeds the bound. On
 * both drivers: what that one statement wrote.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, refreshTokens, sessions, users } from '../../infra/db/schema';
import { hashToken } from '../../infra/tokens';
import { drivers, type TestContext } from '../../test/context';
import { createAuthContext, GOOD_PASSWORD, login, register } from '../../test/auth-http';
import { statementCounter } from '../../test/statement-counter';

const LOGIN_MAX = 3;

describe.each(drivers())('password sign-in writes on %s', (driver) => {
  let ctx: TestContext;
  const counter = statementCounter(() => ctx?.database.pglite);

  beforeAll(async () => {
    ctx = await createAuthContext(driver);
    await counter.install();
  }, 180_000);
  afterAll(async () => {
    counter.uninstall();
    await ctx?.close();
  });

  const count = counter.count;

  it('writes the last sign-in, the session, its refresh token and the audit event together', async () => {
    const { email, body: reg } = await register(ctx);
    const userId = reg.data.user.id as string;
    const res = await login(ctx, email, GOOD_PASSWORD, { 'user-agent': 'roundtrip-test' });
    expect(res.statusCode).toBe(200);
    const d = res.json().data;
    const db = ctx.database.db;
    const sessionId = (
      await db
        .select()
        .from(refreshTokens)
        .where(eq(refreshTokens.tokenHash, hashToken(d.refreshToken)))
    )[0]?.sessionId;
    expect(sessionId).toBeDefined();
    const [session] = await db
      .select()
      .from(sessions)
      .where(eq(sessions.id, sessionId as string));
    expect(session).toMatchObject({ userId, userAgent: 'roundtrip-test', revokedAt: null });
    expect(session?.expiresAt.toISOString()).toBe(d.refreshTokenExpiresAt);
    const [user] = await db.select().from(users).where(eq(users.id, userId));
    expect(user?.lastLoginAt).toBeInstanceOf(Date);
    const events = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.userId, userId), eq(auditEvents.type, 'auth.login.succeeded')));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorId: userId,
      userAgent: 'roundtrip-test',
      details: { sessionId, method: 'password' },
    });
    // The access token names that session.
    expect(
      (
        await ctx.app.inject({
          method: 'GET',
          url: '/api/v1/auth/me',
          headers: { authorization: `Bearer ${d.accessToken}` },
        })
      ).statusCode,
    ).toBe(200);
  });

  it(`a successful login takes at most ${LOGIN_MAX} statements`, async () => {
    const { email, body: reg } = await register(ctx);
    await login(ctx, email, GOOD_PASSWORD); // warm
    let status = 0;
    const sent = await count(async () => {
      status = (await login(ctx, email, GOOD_PASSWORD)).statusCode;
    });
    expect(status).toBe(200);
    expect(sent.length, sent.join('\n')).toBeLessThanOrEqual(LOGIN_MAX);

    // Planted fault: the session started the transactional way (the login's path before) exceeds the bound.
    const auth = ctx.modules.auth.service;
    const user = await auth.account(reg.data.user.id);
    const slow = await count(() =>
      auth.startSession(
        user,
        { ip: '127.0.0.1', userAgent: null, log: ctx.app.log, connected: () => true },
        { type: 'auth.login.succeeded', details: { method: 'password' } },
      ),
    );
    expect(slow.length).toBeGreaterThan(LOGIN_MAX);
  });
});
