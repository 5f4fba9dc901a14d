import { randomUUID } from 'node:crypto';
import type { KeyedMailMessage } from '../mail/smtp';
import type { Mailer } from '../mail/mailer';
import type { JobQueue } from './queue';

/**
 * Mail sent by a request goes through the job queue (retries with backoff, visible failures, the request never
 * waits on SMTP). If the queue itself cannot take the job (Redis down), the mail is sent directly instead.
 */
export class QueuedMailer implements Mailer {
  readonly kind: string;
  constructor(
    private readonly queue: JobQueue,
    private readonly direct: Mailer,
  ) {
    this.kind = `queued(${direct.kind})`;
  }

  async send(message: KeyedMailMessage): Promise<void> {
    const keyed = { ...message, idempotencyKey: message.idempotencyKey ?? `mail-${randomUUID()}` };
    try {
      await this.queue.add('mail.send', keyed, { jobId: keyed.idempotencyKey });
    } catch {
      await this.direct.send(keyed);
    }
  }
}
