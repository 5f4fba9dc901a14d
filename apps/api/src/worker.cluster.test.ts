/**
 * The production mail path, end to end: two API instances with Redis queue their mail (QueuedMailer → BullMQ, sealed
 * job data); the real worker process (apps/api/src/worker.ts) takes the jobs and delivers over SMTP to a local SMTP
 * server. The verification and reset mails arrive once each, and their links work on the other instance.
 * Until a worker runs nothing is delivered (the jobs wait in Redis): the worker is the step that sends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BullQueue } from './infra/queue/bullmq';
import type { MemoryMailer } from './infra/mail/mailer';
import { decodeQP, type ReceivedMail, startSmtpServer } from './test/smtp';
import {
  clusterServices,
  startTwoInstances,
  startWorkerProcess,
  type TwoInstances,
  waitFor,
  type WorkerProcess,
} from './test/two-instances';

const API = '/api/v1';
const PASSWORD = 'violet staple orbit lantern';

function linkToken(mail: ReceivedMail | undefined, page: string): string {
  const m = new RegExp(`${page}\\?token=([A-Za-z0-9_-]+)`).exec(decodeQP(mail?.raw ?? ''));
  if (!m?.[1]) throw new Error(`no ${page} link in ${mail?.subject ?? 'a missing mail'}`);
  return m[1];
}

describe.runIf(clusterServices)('mail: API (BullMQ) → worker process → SMTP', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let c: TwoInstances;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    c = await startTwoInstances({ queuedMail: true, config: { smtpUrl: smtp.url } });
  });
  afterAll(async () => {
    await worker?.stop();
    await c?.close();
    await smtp?.close();
  });

  const mailJobs = async (state: 'completed' | 'waiting') =>
    (await (c.a.platform.queue as BullQueue).queue.getJobs([state])).filter((j) => j.name === 'mail.send');
  const mailsTo = (email: string) => smtp.mails.filter((m) => m.to.includes(email));

  it('verification and reset mails arrive once each, sent by the worker, with links that work', async () => {
    expect(c.a.platform.queue.kind).toBe('bullmq');
    const email = `cluster-mail-${Date.now()}@example.test`;
    const reg = await c.a.app.inject({
      method: 'POST',
      url: `${API}/auth/register`,
      payload: { name: 'Mail Reader', email, password: PASSWORD },
    });
    expect(reg.statusCode).toBe(201);
    // No worker yet: the verification mail waits in Redis, sealed (no usable link at rest), and nothing is sent.
    const waiting = await mailJobs('waiting');
    expect(waiting).toHaveLength(1);
    expect(JSON.stringify(waiting[0]?.data)).not.toMatch(/token=|verify-email|@example\.test/);
    expect(smtp.mails).toHaveLength(0);

    worker = await startWorkerProcess(c, { SMTP_URL: smtp.url, APP_URL: c.config.appUrl });
    await waitFor(() => mailsTo(email).length >= 1, 'the verification mail', 30_000);
    const verify = await c.b.app.inject({
      method: 'POST',
      url: `${API}/auth/verify-email`,
      payload: { token: linkToken(mailsTo(email)[0], '/verify-email') },
    });
    expect(verify.statusCode).toBe(204);

    const forgot = await c.b.app.inject({ method: 'POST', url: `${API}/auth/forgot-password`, payload: { email } });
    expect(forgot.statusCode).toBe(202);
    await waitFor(() => mailsTo(email).length >= 2, 'the reset mail', 30_000);
    const resetMail = mailsTo(email)[1];
    const reset = await c.a.app.inject({
      method: 'POST',
      url: `${API}/auth/reset-password`,
      payload: { token: linkToken(resetMail, '/reset-password'), password: 'amber quiet harbour kettle' },
    });
    expect(reset.statusCode).toBe(204);
    const login = await c.b.app.inject({
      method: 'POST',
      url: `${API}/auth/login`,
      payload: { email, password: 'amber quiet harbour kettle' },
    });
    expect(login.statusCode).toBe(200);

    // Once: every mail job the API queued has completed, and each reached SMTP exactly once.
    const queued = smtp.mails.length;
    await waitFor(async () => (await mailJobs('completed')).length >= queued, 'the mail jobs to complete', 30_000);
    await waitFor(async () => (await mailJobs('waiting')).length === 0, 'no mail job waiting', 30_000);
    const completed = await mailJobs('completed');
    expect(smtp.mails).toHaveLength(completed.length);
    const subjects = mailsTo(email).map((m) => m.subject);
    console.info(`mails through the worker: ${subjects.join(' | ')}`);
    expect(new Set(subjects).size).toBe(subjects.length);
    expect(new Set(smtp.mails.map((m) => m.messageId)).size).toBe(smtp.mails.length);
    // The instances' own transport (used only if queueing failed) sent nothing.
    for (const i of [c.a, c.b]) expect((i.platform.mailTransport as MemoryMailer).messages).toHaveLength(0);
    expect(worker.output()).toMatch(/"job":"mail\.send"/);
  });
});
