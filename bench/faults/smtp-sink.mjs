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
  // A client killed mid-session (R5 SIGKILLs the worker inside SMTP DATA) resets its connection: smtp-server emits
  // that on the server, and unhandled it ended the whole fault run (ECONNRESET, a CI run of 2026-12-06).
  server.on('error', (err) => {
    if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') console.error(`smtp sink: ${err.message}`);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `smtp://127.0.0.1:${server.server.address().port}`,
    close: () => new Promise((r) => server.close(r)),
  };
}
