import { randomUUID } from 'node:crypto';
import type { KeyedMailMessage } from '../mail/smtp';
import type { Mailer } from '../mail/mailer';
import type { JobHandlers, JobQueue } from './queue';

/** The job that delivers one queued mail. */
const MAIL_SEND_JOB = 'mail.send';

/**
 * The handler of MAIL_SEND_JOB, run by whichever process runs jobs (the in-process queue, or the worker). It is
 * idempotent towards receivers: the message carries a stable idempotency key, sent as its Message-ID.
 */
export function mailJobs(transport: Mailer): JobHandlers {
  return {
    [MAIL_SEND_JOB]: async (data) => {
      await transport.send(data as KeyedMailMessage);
    },
  };
}

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
      await this.queue.add(MAIL_SEND_JOB, keyed, { jobId: keyed.idempotencyKey });
    } catch {
      await this.direct.send(keyed);
    }
  }
}
