import { createHmac, randomUUID } from 'node:crypto';
import { FieldCipher } from '../crypto/field-cipher';
import type { KeyedMailMessage } from '../mail/smtp';
import type { Mailer } from '../mail/mailer';
import type { JobHandlers, JobQueue } from './queue';

/** The job that delivers one queued mail. */
const MAIL_SEND_JOB = 'mail.send';

/**
 * The key that seals queued mail (AES-256-GCM): derived from the signing secret, so the API and the worker that
 * share the secret share it. A queued mail holds one-time links (password reset, e-mail verification, invitations)
 * and stays in the job store for up to a day, or longer when it failed: at rest it is only ever an envelope.
 */
export function mailJobKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('primetrade:mail-job:v1').digest();
}

/** What a mail job stores: the message's idempotency key (a random id) and the sealed message. */
interface SealedMail {
  id: string;
  sealed: string;
}

function cipherOf(key: Buffer): FieldCipher {
  return new FieldCipher([{ id: 'm1', key }]);
}

const contextOf = (id: string) => `mail.send:${id}`;

/**
 * The handler of MAIL_SEND_JOB, run by whichever process runs jobs (the in-process queue, or the worker). It is
 * idempotent towards receivers: the message carries a stable idempotency key, sent as its Message-ID. A job
 * queued before mail was sealed (plain message data) is still delivered.
 */
export function mailJobs(transport: Mailer, key: Buffer): JobHandlers {
  const cipher = cipherOf(key);
  return {
    [MAIL_SEND_JOB]: async (data) => {
      const d = data as Partial<SealedMail>;
      const message =
        typeof d.sealed === 'string' && typeof d.id === 'string'
          ? (JSON.parse(cipher.decrypt(d.sealed, contextOf(d.id))) as KeyedMailMessage)
          : (data as KeyedMailMessage);
      await transport.send(message);
    },
  };
}

/**
 * Mail sent by a request goes through the job queue (retries with backoff, visible failures, the request never
 * waits on SMTP), sealed with `key` (mailJobKey). If the queue itself cannot take the job (Redis down), the mail
 * is sent directly instead.
 */
export class QueuedMailer implements Mailer {
  readonly kind: string;
  private readonly cipher: FieldCipher;
  constructor(
    private readonly queue: JobQueue,
    private readonly direct: Mailer,
    key: Buffer,
  ) {
    this.kind = `queued(${direct.kind})`;
    this.cipher = cipherOf(key);
  }

  async send(message: KeyedMailMessage): Promise<void> {
    const keyed = { ...message, idempotencyKey: message.idempotencyKey ?? `mail-${randomUUID()}` };
    const id = keyed.idempotencyKey;
    const job: SealedMail = { id, sealed: this.cipher.encrypt(JSON.stringify(keyed), contextOf(id)) };
    try {
      await this.queue.add(MAIL_SEND_JOB, job, { jobId: id });
    } catch {
      await this.direct.send(keyed);
    }
  }
}
