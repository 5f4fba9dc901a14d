import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Mailer, MemoryMailer } from '../../infra/mail/mailer';
import { createTestContext, drivers, type TestContext } from '../../test/context';
import { createUser, type TestUser } from '../../test/factories';
import { decodeQP, startSmtpServer } from '../../test/smtp';
import { SmtpMailer } from '../../infra/mail/smtp';
import { createRemindersModule } from './index';
import { ReminderService } from './reminders.service';

const HOUR = 3_600_000;

describe.each(drivers())('reminders on %s', (driver) => {
  let ctx: TestContext;
  let mailer: MemoryMailer;
  let now: Date;
  beforeAll(async () => {
    ctx = await createTestContext(driver);
  });
  afterAll(async () => ctx?.close());
  beforeEach(async () => {
    mailer = new MemoryMailer();
    now = new Date();
    await ctx.database.db.execute(sql`delete from task_reminders`);
    await ctx.database.db.execute(sql`delete from tasks`);
  });

  const service = (m: Mailer = mailer, leaseSeconds = 300) =>
    new ReminderService(ctx.database.db, m, { appUrl: 'http://app.test', leaseSeconds, now: () => now });

  async function task(user: TestUser, title: string, dueInMs: number | null, status = 'pending') {
    const due = dueInMs === null ? null : new Date(now.getTime() + dueInMs);
    await ctx.database.db.execute(
      sql`insert into tasks (user_id, title, status, due_date, completed_at)
          values (${user.id}, ${title}, ${status}, ${due}, ${status === 'completed' ? now : null})`,
    );
  }

  it('reminds once of a task due in 23 h, not of one due in 25 h, completed, cancelled or undated', async () => {
    const u = await createUser(ctx.platform);
    await task(u, 'soon', 23 * HOUR);
    await task(u, 'later', 25 * HOUR);
    await task(u, 'done', 1 * HOUR, 'completed');
    await task(u, 'dropped', 1 * HOUR, 'cancelled');
    await task(u, 'undated', null);
    const r = await service().scan();
    expect(r).toMatchObject({ claimed: 1, mailed: 1 });
    expect(mailer.messages).toHaveLength(1);
    expect(mailer.messages[0]?.subject).toBe('Due soon: soon');
    expect(mailer.messages[0]?.to).toBe(u.email);
    // a re-run sends nothing more
    await service().scan();
    await service().scan();
    expect(mailer.messages).toHaveLength(1);
  });

  it('reminds of an overdue task separately from its due-soon reminder', async () => {
    const u = await createUser(ctx.platform);
    await task(u, 'late', -2 * HOUR);
    await service().scan();
    expect(mailer.messages.map((m) => m.subject)).toEqual(['Overdue: late']);
  });

  it("uses the user's lead time, time zone and opt-out", async () => {
    const tokyo = await createUser(ctx.platform, { timezone: 'Asia/Tokyo' });
    await ctx.database.db.execute(sql`update users set reminder_lead_minutes = 120 where id = ${tokyo.id}`);
    const out = await createUser(ctx.platform);
    await ctx.database.db.execute(sql`update users set reminders_enabled = false where id = ${out.id}`);
    await task(tokyo, 'in 1h', HOUR);
    await task(tokyo, 'in 3h', 3 * HOUR);
    await task(out, 'opted out', HOUR);
    await service().scan();
    expect(mailer.messages).toHaveLength(1);
    expect(mailer.messages[0]?.text).toContain('(Asia/Tokyo)');
    expect(mailer.messages[0]?.subject).toBe('Due soon: in 1h');
  });

  it('sends one digest when a user has many reminders at once', async () => {
    const u = await createUser(ctx.platform);
    for (let i = 0; i < 5; i++) await task(u, `t${i}`, (i + 1) * HOUR);
    await service().scan();
    expect(mailer.messages).toHaveLength(1);
    expect(mailer.messages[0]?.subject).toBe('5 tasks need attention');
  });

  it('concurrent scans (two workers) mail each reminder once', async () => {
    const users = await Promise.all([createUser(ctx.platform), createUser(ctx.platform)]);
    for (const u of users) await task(u, 'x', HOUR);
    await Promise.all([service().scan(), service().scan(), service().scan()]);
    expect(mailer.messages).toHaveLength(2);
  });

  it('a failed send is retried by the next scan; the mail then goes out once', async () => {
    const u = await createUser(ctx.platform);
    await task(u, 'flaky', HOUR);
    let fail = true;
    const flaky: Mailer = {
      kind: 'flaky',
      send: async (m) => {
        if (fail) {
          fail = false;
          throw new Error('SMTP 451 try again');
        }
        await mailer.send(m);
      },
    };
    await expect(service(flaky).scan()).rejects.toThrow(/failed/);
    await service(flaky).scan();
    await service(flaky).scan();
    expect(mailer.messages).toHaveLength(1);
  });

  it('a claim left by a worker that died is taken over after the lease, and mailed once', async () => {
    const u = await createUser(ctx.platform);
    await task(u, 'orphan', HOUR);
    const due = new Date(now.getTime() + HOUR);
    // A worker claimed it and was killed before mailing.
    await ctx.database.db.execute(sql`insert into task_reminders (user_id, task_id, kind, due_date, claimed_at)
      select user_id, id, 'due_soon', due_date, ${new Date(now.getTime() - 10_000)} from tasks where user_id = ${u.id}`);
    expect(due.getTime()).toBeGreaterThan(now.getTime());
    await service(mailer, 300).scan(); // within the lease: left alone
    expect(mailer.messages).toHaveLength(0);
    await service(mailer, 5).scan(); // lease over: taken and mailed
    await service(mailer, 5).scan();
    expect(mailer.messages).toHaveLength(1);
  });

  it('a slow mail server never makes a later user’s claim look abandoned: a concurrent scan mails nothing twice', async () => {
    const lease = 100;
    const users = [await createUser(ctx.platform), await createUser(ctx.platform), await createUser(ctx.platform)];
    for (const [i, u] of users.entries()) await task(u, `slow ${i}`, HOUR);
    const sent: string[] = [];
    let concurrent: Promise<unknown> | undefined;
    // Each mail takes 0.6 of the lease on the clock; while the second one is on its way, a second worker scans.
    const slow: Mailer = {
      kind: 'slow',
      async send(message) {
        now = new Date(now.getTime() + 0.6 * lease * 1000);
        sent.push(message.to);
        if (sent.length === 2 && !concurrent) {
          concurrent = service(slow, lease).scan();
          await concurrent;
        }
      },
    };
    await service(slow, lease).scan();
    await concurrent;
    expect(concurrent).toBeDefined();
    expect([...sent].sort()).toEqual(users.map((u) => u.email).sort());
  });

  it("the module's jobs keep one reminder mail in flight per process, however their runs overlap (R5)", async () => {
    const users = await Promise.all([createUser(ctx.platform), createUser(ctx.platform), createUser(ctx.platform)]);
    for (const u of users) await task(u, 'lane', HOUR);
    let inFlight = 0;
    let most = 0;
    const slow: Mailer = {
      kind: 'slow',
      async send(message) {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 30));
        await mailer.send(message);
        inFlight--;
      },
    };
    const { jobs } = createRemindersModule({
      db: ctx.database.db,
      mailer: slow,
      appUrl: 'http://app.test',
      leaseSeconds: 300,
      scanEveryMs: 1000,
      log: { warn() {} },
    });
    const scan = jobs['reminders.scan'] as () => Promise<void>;
    const due = jobs['reminders.due'] as () => Promise<void>;
    // A worker of concurrency 4 picks up the next tick's scan while the first is still mailing.
    await Promise.all([scan(), due(), new Promise((r) => setTimeout(r, 10)).then(scan), scan()]);
    await scan();
    expect(most).toBe(1);
    expect(mailer.messages.map((m) => m.to).sort()).toEqual(users.map((u) => u.email).sort());
  });

  it('delivers over real SMTP', async () => {
    const smtp = await startSmtpServer();
    const u = await createUser(ctx.platform);
    await task(u, 'smtp <b>bold</b>', HOUR);
    const m = new SmtpMailer(smtp.url, 'Primetrade <no-reply@primetrade.test>');
    await service(m).scan();
    m.close();
    await smtp.close();
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]?.to).toEqual([u.email]);
    expect(decodeQP(smtp.mails[0]?.raw ?? '')).toContain('&lt;b&gt;bold&lt;/b&gt;');
  });
});
