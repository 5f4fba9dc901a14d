/** The security log: auth events are logged, and no password, token or cookie value ever is. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type App, buildApp } from '../../app';
import { testConfig } from '../../config';
import { MemoryMailer } from '../../infra/mail/mailer';
import { loggerOptions } from '../../lib/logger';
import { drivers, openTestDatabase, type TestContext, testPlatform } from '../../test/context';
import {
  API,
  bearer,
  cookieHeader,
  cookieJar,
  login,
  MANY_SIGN_UPS,
  refresh,
  register,
  uniqueEmail,
} from '../../test/auth-http';

describe.each(drivers())('auth security on %s', (driver) => {
  describe('security log', () => {
    it('logs security events without passwords, tokens or cookies', async () => {
      const lines: string[] = [];
      const stream = new Writable({
        write(chunk, _enc, cb) {
          lines.push(chunk.toString());
          cb();
        },
      });
      const config = testConfig({ rateLimit: MANY_SIGN_UPS });
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
        // The reset token and its mail are made after the answer.
        await expect
          .poll(() => mailer.messages.some((m) => m.to === email && m.text.includes('/reset-password?token=')))
          .toBe(true);
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
