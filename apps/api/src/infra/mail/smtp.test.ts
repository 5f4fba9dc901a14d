import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeQP, startSmtpServer } from '../../test/smtp';
import { SmtpMailer } from './smtp';

describe('SmtpMailer over real SMTP', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  beforeAll(async () => {
    smtp = await startSmtpServer();
  });
  afterAll(async () => smtp?.close());

  it('delivers text and HTML with a stable Message-ID from the idempotency key', async () => {
    const mailer = new SmtpMailer(smtp.url, 'Primetrade <no-reply@primetrade.test>');
    await mailer.send({
      to: 'ann@example.test',
      subject: 'Reset your password',
      text: 'Open https://app.test/reset-password?token=abc',
      html: '<p>Open <a href="https://app.test/reset-password?token=abc">this link</a></p>',
      idempotencyKey: 'reset-123',
    });
    mailer.close();
    expect(smtp.mails).toHaveLength(1);
    const m = smtp.mails[0];
    expect(m?.to).toEqual(['ann@example.test']);
    expect(m?.subject).toBe('Reset your password');
    expect(m?.messageId).toBe('<reset-123@primetrade.local>');
    expect(decodeQP(m?.raw ?? '')).toContain('https://app.test/reset-password?token=abc');
  });

  it('fails (so the job retries) when the server is unreachable', async () => {
    const mailer = new SmtpMailer('smtp://127.0.0.1:1', 'x@y.z');
    await expect(mailer.send({ to: 'a@b.c', subject: 's', text: 't' })).rejects.toThrow();
    mailer.close();
  });
});
