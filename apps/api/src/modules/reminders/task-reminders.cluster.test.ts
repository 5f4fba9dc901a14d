/**
 * Per-task reminders claimed by two instances at once (issue 17 item 2): instance A and instance B — each its own
 * database pool on one PostgreSQL — run the due-reminders job at the same moment, over ROUNDS rounds, with a mailer
 * slow enough for their runs to overlap; every reminder is mailed once. The planted fault is a zero lease, which
 * makes a claimed row claimable again at once (the claim condition no longer excludes the other instance): then
 * some reminders are mailed twice.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mailer, MailMessage } from '../../infra/mail/mailer';
import { createUser } from '../../test/factories';
import { clusterServices, type Instance, startTwoInstances, type TwoInstances } from '../../test/two-instances';
import { pushNotConfigured, TaskReminderService } from './task-reminders.service';

const ROUNDS = 4;
const PER_ROUND = 10;

describe.runIf(clusterServices)('per-task reminders fired by two instances at once', () => {
  let c: TwoInstances;
  beforeAll(async () => {
    c = await startTwoInstances();
  });
  afterAll(async () => {
    await c?.close();
  });

  async function round(n: number, leaseSeconds: number): Promise<number[]> {
    const u = await createUser(c.a.platform);
    const at = new Date(Date.now() - 5_000).toISOString();
    for (let i = 0; i < PER_ROUND; i++) {
      const r = await c.a.app.inject({
        method: 'POST',
        url: '/api/v1/tasks',
        headers: u.headers,
        payload: { title: `r${n}-${i}`, reminders: [{ at }] },
      });
      expect(r.statusCode).toBe(201);
    }
    const sent: MailMessage[] = [];
    const slow: Mailer = {
      kind: 'slow',
      send: async (m) => {
        await new Promise((r) => setTimeout(r, 15));
        sent.push(m);
      },
    };
    const run = (i: Instance, delayMs: number) =>
      new Promise((r) => setTimeout(r, delayMs)).then(() =>
        new TaskReminderService(i.database.db, slow, pushNotConfigured, {
          appUrl: 'http://app.test',
          leaseSeconds,
        }).fireDue(),
      );
    await Promise.all([run(c.a, 0), run(c.b, 30), run(c.a, 60), run(c.b, 0)]);
    return Array.from(
      { length: PER_ROUND },
      (_, i) => sent.filter((m) => m.to === u.email && m.subject === `Reminder: r${n}-${i}`).length,
    );
  }

  it('each reminder mailed once per round; a zero lease (planted fault) mails some twice', async () => {
    for (let n = 0; n < ROUNDS; n++) expect(await round(n, 300)).toEqual(Array(PER_ROUND).fill(1));
    await c.a.database.db.execute(sql`update task_reminder_schedule set sent_at = now() where sent_at is null`);
    const broken = await round(ROUNDS, 0);
    expect(broken.some((k) => k > 1)).toBe(true);
  }, 120_000);
});
