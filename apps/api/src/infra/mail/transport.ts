/**
 * What really delivers mail, the same in the API and the worker: SMTP when SMTP_URL is set, else one JSON file per
 * message in DATA_DIR/outbox (the embedded mode). Tests pass a MemoryMailer instead.
 */
import type { MailLog, Mailer } from './mailer';
import { OutboxMailer } from './mailer';
import { SmtpMailer } from './smtp';

export interface MailTransportConfig {
  smtpUrl?: string | undefined;
  mailFrom: string;
  dataDir: string;
}

export function createMailTransport(config: MailTransportConfig, log?: MailLog): Mailer {
  if (config.smtpUrl) return new SmtpMailer(config.smtpUrl, config.mailFrom, log);
  return new OutboxMailer(config.dataDir, config.mailFrom, log);
}
