/**
 * The real worker process (BullMQ on the real Redis, PostgreSQL, a real SMTP server): a reminder is mailed once,
 * and once only after the worker is killed (SIGKILL) in the middle of sending it and another one starts.
 * Runs when TEST_DATABASE_URL and TEST_REDIS_URL are set (CI).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from './config';
import { runMigrations } from './infra/db/migrate';
import { freshPostgres, testPlatform } from './test/context';
import { createUser } from './test/factories';
import { freePort } from './test/server-process';

const { testDatabaseUrl, testRedisUrl } = testConfig();
const here = path.dirname(fileURLToPath(import.meta.url));

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.runIf(testDatabaseUrl && testRedisUrl)('worker process (BullMQ, PostgreSQL, SMTP)', () => {
  let db: Awaited<ReturnType<typeof freshPostgres>>;
  let smtp: SMTPServer;
  let smtpPort = 0;
  const accepted: string[] = [];
  let stallNext = false;
  /** Hold the message that arrives once this many have been accepted (then as stallNext). */
  let stallWhenAccepted: number | null = null;
  let onStall: (() => void) | undefined;
  const workers: ChildProcess[] = [];
  const prefix = `pt-test:${randomUUID()}:`;

  beforeAll(async () => {
    db = await freshPostgres(testDatabaseUrl ?? '');
    await runMigrations(db.database);
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        let raw = '';
        stream.on('data', (c: Buffer) => {
          raw += c.toString('utf8');
        });
        stream.on('end', () => {
          if (stallWhenAccepted !== null && accepted.length >= stallWhenAccepted) {
            stallWhenAccepted = null;
            stallNext = true;
          }
          if (stallNext) {
            // Hold the message without accepting it; the test kills the worker now.
            stallNext = false;
            onStall?.();
            return;
          }
          accepted.push(/^Subject: (.*)$/im.exec(raw)?.[1]?.trim() ?? '');
          callback();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
    smtpPort = (smtp.server.address() as AddressInfo).port;
    opsPort = await freePort();
  });

  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await new Promise<void>((r) => smtp?.close(() => r()));
    await db?.drop();
  });

  let opsPort = 0;
  const METRICS_TOKEN = 'm'.repeat(32);
  const startWorker = () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'worker.ts')], {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        DATABASE_URL: db.url,
        JWT_SECRET: 'w'.repeat(40),
        REDIS_URL: testRedisUrl,
        REDIS_KEY_PREFIX: prefix,
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        REMINDER_SCAN_INTERVAL_MS: '1000',
        REMINDER_LEASE_SECONDS: '2',
        QUEUE_LOCK_DURATION_MS: '2000',
        QUEUE_STALLED_INTERVAL_MS: '1000',
        LOG_LEVEL: 'warn',
        WORKER_METRICS_PORT: String(opsPort),
        METRICS_TOKEN,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    workers.push(child);
    return child;
  };

  async function dueTask(title: string, inHours: number) {
    const platform = testPlatform(testConfig(), db.database);
    const user = await createUser(platform);
    await db.database.db.execute(
      sql`insert into tasks (user_id, title, due_date) values (${user.id}, ${title}, ${new Date(Date.now() + inHours * 3_600_000)})`,
    );
  }

  it('mails a reminder due in 23 h exactly once, none for 25 h', async () => {
    await dueTask('due-in-23h', 23);
    await dueTask('due-in-25h', 25);
    const w = startWorker();
    await until(() => accepted.length >= 1, 30_000);
    await new Promise((r) => setTimeout(r, 3500)); // three more scans
    expect(accepted).toEqual(['Due soon: due-in-23h']);
    // The worker's own /metrics: the jobs it ran (the scans and the reminder), its queue, its dependencies.
    const ops = `http://127.0.0.1:${opsPort}`;
    expect((await fetch(`${ops}/metrics`)).status).toBe(401);
    const scrape = await fetch(`${ops}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scrape.status).toBe(200);
    const text = await scrape.text();
    const completed = text.match(/^job_duration_seconds_count\{[^}]*outcome="completed"[^}]*\} (\d+)/m);
    expect(Number(completed?.[1])).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^queue_depth\{[^}]*queue="bullmq"[^}]*\} \d+/m);
    expect(text).toMatch(/^dependency_up\{[^}]*dependency="redis"[^}]*\} 1/m);
    expect(text).toMatch(/service="worker"/);
    const ready = await fetch(`${ops}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      checks: { database: { status: 'ok' }, redis: { status: 'ok' } },
    });
    expect((await fetch(`${ops}/health/live`)).status).toBe(200);
    w.kill('SIGTERM');
    await new Promise((r) => w.once('exit', r));
  }, 60_000);

  it('mails once after the worker is killed mid-send and another worker takes over', async () => {
    accepted.length = 0;
    const stalled = new Promise<void>((r) => {
      onStall = r;
    });
    stallNext = true;
    await dueTask('killed-mid-send', 2);
    const first = startWorker();
    await stalled; // the worker is inside SMTP DATA for this reminder
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    expect(accepted).toEqual([]);
    const second = startWorker();
    await until(() => accepted.length >= 1, 30_000);
    await new Promise((r) => setTimeout(r, 3500));
    expect(accepted).toEqual(['Due soon: killed-mid-send']);
    second.kill('SIGTERM');
    await new Promise((r) => second.once('exit', r));
  }, 90_000);

  it('per-task reminders (issue 17 item 2): each mailed exactly once although the worker is killed mid-run', async () => {
    accepted.length = 0;
    const stalled = new Promise<void>((r) => {
      onStall = r;
    });
    stallWhenAccepted = 2; // two reminders go out, the third is held inside SMTP DATA, then the kill
    const platform = testPlatform(testConfig(), db.database);
    const user = await createUser(platform);
    const titles = Array.from({ length: 6 }, (_, i) => `rk-${i}`);
    for (const [i, title] of titles.entries()) {
      // Undated (so the due-soon scan leaves them alone), each with a reminder that has just come due.
      const at = new Date(Date.now() - 1000 * (10 - i)).toISOString();
      await db.database.db.execute(
        sql`insert into tasks (user_id, title, reminders) values (${user.id}, ${title}, ${JSON.stringify([{ at }])}::jsonb)`,
      );
    }
    const scheduled = (await db.database.db.execute(
      sql`select count(*)::int as n from task_reminder_schedule where user_id = ${user.id}`,
    )) as unknown as { rows: Array<{ n: number }> };
    expect(scheduled.rows[0]?.n).toBe(6);
    const first = startWorker();
    await stalled;
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    expect(accepted).toHaveLength(2);
    const second = startWorker();
    await until(() => accepted.length >= 6, 30_000);
    await new Promise((r) => setTimeout(r, 3500)); // three more runs: a duplicate would have arrived
    const counts = titles.map((t) => accepted.filter((s) => s === `Reminder: ${t}`).length);
    expect(counts).toEqual([1, 1, 1, 1, 1, 1]);
    const sent = (await db.database.db.execute(
      sql`select count(sent_at)::int as n from task_reminder_schedule where user_id = ${user.id}`,
    )) as unknown as { rows: Array<{ n: number }> };
    expect(sent.rows[0]?.n).toBe(6);
    second.kill('SIGTERM');
    await new Promise((r) => second.once('exit', r));
  }, 90_000);
});
