/**
 * Outgoing mail behind one small interface. Embedded mode writes each message to DATA_DIR/outbox (one .json file
 * per message) and logs a single line without the body (bodies carry one-time tokens); tests capture messages in
 * memory. SMTP plugs in behind the same interface.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  readonly kind: string;
  send(message: MailMessage): Promise<void>;
  /** Release connections (the SMTP pool); absent when there is nothing to release. */
  close?(): void;
}

/** The part of a pino logger the mailer uses. */
export interface MailLog {
  info(obj: Record<string, unknown>, msg: string): void;
}

/** Keeps only the domain of an address for logs (the local part is personal data). */
export const maskAddress = (to: string) => {
  const at = to.lastIndexOf('@');
  return at > 0 ? `***${to.slice(at)}` : '***';
};

export class OutboxMailer implements Mailer {
  readonly kind = 'outbox';
  readonly dir: string;
  constructor(
    dataDir: string,
    private readonly from: string,
    private readonly log?: MailLog,
  ) {
    this.dir = path.resolve(dataDir, 'outbox');
  }

  async send(message: MailMessage): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const id = randomUUID();
    const createdAt = new Date().toISOString();
    const file = path.join(this.dir, `${createdAt.replace(/[:.]/g, '-')}-${id}.json`);
    await writeFile(file, `${JSON.stringify({ id, from: this.from, createdAt, ...message }, null, 2)}\n`, {
      mode: 0o600,
    });
    this.log?.info(
      { event: 'mail.queued', mailId: id, to: maskAddress(message.to), subject: message.subject, transport: this.kind },
      'mail written to outbox',
    );
  }
}

/** Captures messages (tests; also a safe no-op sink). */
export class MemoryMailer implements Mailer {
  readonly kind = 'memory';
  readonly messages: MailMessage[] = [];
  async send(message: MailMessage): Promise<void> {
    this.messages.push(message);
  }
  /** The most recent message to an address. */
  last(to: string): MailMessage | undefined {
    for (let i = this.messages.length - 1; i >= 0; i--) if (this.messages[i]?.to === to) return this.messages[i];
    return undefined;
  }
  clear(): void {
    this.messages.length = 0;
  }
}
