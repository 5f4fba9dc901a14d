/**
 * Reset and verification mails over a real SMTP server (SMTP_URL set), and their links working end to end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, drivers, type TestContext } from '../../test/context';
import { decodeQP, startSmtpServer } from '../../test/smtp';

const API = '/api/v1';

describe.each(drivers())('auth mails over SMTP on %s', (driver) => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let ctx: TestContext;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    ctx = await createTestContext(driver, { config: { smtpUrl: smtp.url } });
  });
  afterAll(async () => {
    await ctx?.close();
    await smtp?.close();
  });

  const tokenIn = (mailIndex: number, path: string) => {
    const body = decodeQP(smtp.mails[mailIndex]?.raw ?? '');
    const m = new RegExp(`${path}\\?token=([A-Za-z0-9_-]+)`).exec(body);
    if (!m?.[1]) throw new Error(`no ${path} link in mail ${mailIndex}`);
    return m[1];
  };

  it('the verification link verifies; the reset link resets the password', async () => {
    const email = `smtp-${Date.now()}@example.test`;
    const reg = await ctx.app.inject({
      method: 'POST',
      url: `${API}/auth/register`,
      payload: { name: 'Mail Reader', email, password: 'violet staple orbit lantern' },
    });
    expect(reg.statusCode).toBe(201);
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]?.to).toEqual([email]);
    const verify = await ctx.app.inject({
      method: 'POST',
      url: `${API}/auth/verify-email`,
      payload: { token: tokenIn(0, '/verify-email') },
    });
    expect(verify.statusCode).toBe(204);
    const me = await ctx.app.inject({
      method: 'GET',
      url: `${API}/users/me`,
      headers: { authorization: `Bearer ${reg.json().data.accessToken}` },
    });
    expect(me.json().data.emailVerified).toBe(true);

    const forgot = await ctx.app.inject({ method: 'POST', url: `${API}/auth/forgot-password`, payload: { email } });
    expect(forgot.statusCode).toBe(202);
    await ctx.modules.auth.credentials.settled();
    expect(smtp.mails).toHaveLength(2);
    const reset = await ctx.app.inject({
      method: 'POST',
      url: `${API}/auth/reset-password`,
      payload: { token: tokenIn(1, '/reset-password'), password: 'amber quiet harbour kettle' },
    });
    expect(reset.statusCode).toBe(204);
    const login = await ctx.app.inject({
      method: 'POST',
      url: `${API}/auth/login`,
      payload: { email, password: 'amber quiet harbour kettle' },
    });
    expect(login.statusCode).toBe(200);
    expect(smtp.mails[1]?.raw).toMatch(/Content-Type: text\/html/i);
  });
});
