/** GET /api/v1/server-info: public, says whether mail is sent or kept in the outbox folder, and nothing more. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context';

describe('GET /server-info', () => {
  let plain: TestContext;
  let smtp: TestContext;
  beforeAll(async () => {
    plain = await createTestContext('pglite');
    smtp = await createTestContext('pglite', { config: { smtpUrl: 'smtp://127.0.0.1:2525' } });
  });
  afterAll(async () => {
    await plain?.close();
    await smtp?.close();
  });

  it('answers anyone, without a session: outbox when SMTP_URL is unset, smtp when it is set', async () => {
    const a = await plain.app.inject({ method: 'GET', url: '/api/v1/server-info' });
    expect(a.statusCode).toBe(200);
    expect(a.json()).toEqual({ success: true, data: { mail: { delivery: 'outbox' } } });
    expect(a.headers['cache-control']).toBe('public, max-age=60');
    const b = await smtp.app.inject({ method: 'GET', url: '/api/v1/server-info' });
    expect(b.json().data.mail.delivery).toBe('smtp');
    // No folder, host or version reaches an anonymous caller.
    expect(a.body).not.toMatch(/\/|outbox\/|smtp:/);
  });
});
