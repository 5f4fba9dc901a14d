/**
 * SMTP delivery (SMTP_URL, e.g. smtp://user:pass@mail:587 or smtps://…) through nodemailer, with a pooled
 * transport and short timeouts. Each message may carry a stable Message-ID (its idempotency key) so that a
 * retried job produces the same message id and receivers can de-duplicate.
 */
import type { Transporter } from 'nodemailer';
import { lazyModule } from '../../lib/lazy-module';
import type { MailLog, MailMessage, Mailer } from './mailer';
import { maskAddress } from './mailer';

/** nodemailer, loaded by the first SMTP mailer (SMTP_URL set), not by every process at start. */
const nodemailer = lazyModule<typeof import('nodemailer')>('nodemailer');

export interface KeyedMailMessage extends MailMessage {
  /** Stable across retries of the same logical mail. */
  idempotencyKey?: string;
}

export class SmtpMailer implements Mailer {
  readonly kind = 'smtp';
  private readonly transport: Transporter;
  constructor(
    smtpUrl: string,
    private readonly from: string,
    private readonly log?: MailLog,
    private readonly domain = 'primetrade.local',
  ) {
    this.transport = nodemailer().createTransport(smtpUrl, {
      pool: true,
      maxConnections: 3,
      connectionTimeout: 5000,
      greetingTimeout: 5000,
      socketTimeout: 10_000,
    } as never);
  }

  async send(message: KeyedMailMessage): Promise<void> {
    const info = await this.transport.sendMail({
      from: this.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      ...(message.html ? { html: message.html } : {}),
      ...(message.idempotencyKey ? { messageId: `<${message.idempotencyKey}@${this.domain}>` } : {}),
    });
    this.log?.info(
      {
        event: 'mail.sent',
        to: maskAddress(message.to),
        subject: message.subject,
        transport: this.kind,
        messageId: info.messageId,
      },
      'mail sent',
    );
  }

  close(): void {
    this.transport.close();
  }
}
