/**
 * A local SMTP sink for the fault scripts (smtp-server on a free port, no TLS, any sender). Each message goes to
 * `onMail({ subject, messageId, to }, accept)`: `accept()` answers it 250; a handler that does not call it yet holds
 * the message inside SMTP DATA (R5 kills the worker there).
 */
import { SMTPServer } from 'smtp-server';

export async function smtpSink(onMail) {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const header = (name) => new RegExp(`^${name}: (.*)$`, 'im').exec(raw)?.[1]?.trim();
        const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        onMail({ subject: header('Subject') ?? '', messageId: header('Message-ID'), to }, () => callback());
      });
    },
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `smtp://127.0.0.1:${server.server.address().port}`,
    close: () => new Promise((r) => server.close(r)),
  };
}
