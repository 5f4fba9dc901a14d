/**
 * Per-task reminders (issue 17 item 2): each run of the due-reminders job claims the due rows of
 * task_reminder_schedule (atomically, with a lease), mails each one (the existing mail transport) and pushes it to
 * the recipient's subscribed devices (a PushSender), then marks it sent. At least once, and once in effect:
 * a row is held by one run at a time; a mail that fails releases its row for the next run; a worker killed after
 * claiming leaves a claim that the next run takes over after the lease (the mail was not acknowledged, so it had
 * not been sent — R5). Completed, cancelled and deleted tasks have no unsent rows (the trigger removes them) and
 * are never claimed.
 */
import type { Db } from '../../infra/db/client';
import { escapeHtml } from '../../infra/mail/html';
import type { Mailer } from '../../infra/mail/mailer';
import type { KeyedMailMessage } from '../../infra/mail/smtp';
import * as repo from './task-reminders.repo';
import type { DueReminder } from './task-reminders.repo';

/** What a push notification carries (the shape of the shared contract's PushPayload). */
export interface ReminderPushPayload {
  title: string;
  body: string;
  url?: string;
  tag?: string;
}

/**
 * Web Push to every device a user subscribed; implemented by modules/push. Must not throw for a refused or gone
 * subscription (a throw is logged: the reminder's mail still counts as its delivery).
 */
export interface PushSender {
  sendToUser(userId: string, payload: ReminderPushPayload): Promise<void>;
}

/** The sender used when Web Push is not configured (no VAPID keys, or no push module wired): sends nothing. */
export const pushNotConfigured: PushSender = {
  async sendToUser() {},
};

export interface TaskReminderOptions {
  appUrl: string;
  /** A claim older than this without sent_at is taken again (its worker is presumed dead). */
  leaseSeconds: number;
  batchSize?: number;
  now?: () => Date;
  log?: { warn(obj: object, msg: string): void };
}

export interface FireResult {
  claimed: number;
  mailed: number;
  failed: number;
}

const when = (d: Date, timeZone: string) => {
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(d);
  } catch {
    return d.toISOString();
  }
};

export function reminderMessage(r: DueReminder, appUrl: string): { mail: KeyedMailMessage; push: ReminderPushPayload } {
  const due = r.due_date ? `Due ${when(new Date(r.due_date), r.timezone)} (${r.timezone})` : 'No due date';
  const link = `${appUrl}/tasks?task=${encodeURIComponent(r.task_id)}`;
  const fireMs = new Date(r.fire_at).getTime();
  return {
    mail: {
      to: r.email,
      subject: `Reminder: ${r.title}`,
      text: `Hello ${r.name},\n\nReminder: ${r.title}\n${due}\n\nOpen the task: ${link}\n`,
      html: `<p>Hello ${escapeHtml(r.name)},</p><p>Reminder: <strong>${escapeHtml(r.title)}</strong><br>${escapeHtml(due)}</p><p><a href="${escapeHtml(link)}">Open the task</a></p>`,
      // The same (task, fire time) always has the same Message-ID: a receiving side can drop a repeat.
      idempotencyKey: `task-reminder-${r.task_id}-${fireMs}`,
    },
    push: { title: r.title, body: due, url: link, tag: `task-reminder-${r.task_id}-${fireMs}` },
  };
}

export class TaskReminderService {
  constructor(
    private readonly db: Db,
    private readonly mailer: Mailer,
    private readonly push: PushSender,
    private readonly opts: TaskReminderOptions,
  ) {}

  /** Claim, send and mark the due reminders until none are left. Safe to run concurrently and repeatedly. */
  async fireDue(): Promise<FireResult> {
    const out: FireResult = { claimed: 0, mailed: 0, failed: 0 };
    const errors: unknown[] = [];
    const limit = this.opts.batchSize ?? 100;
    for (;;) {
      const now = this.opts.now?.() ?? new Date();
      const batch = await repo.claimDue(this.db, { now, leaseSeconds: this.opts.leaseSeconds, limit });
      out.claimed += batch.length;
      for (const r of batch) {
        const { mail, push } = reminderMessage(r, this.opts.appUrl);
        try {
          await this.mailer.send(mail);
        } catch (err) {
          out.failed++;
          errors.push(err);
          await repo.release(this.db, r).catch(() => {});
          continue;
        }
        out.mailed++;
        await repo.markSent(this.db, r);
        try {
          await this.push.sendToUser(r.recipient_id, push);
        } catch (err) {
          this.opts.log?.warn({ err, taskId: r.task_id }, 'reminder push');
        }
      }
      if (batch.length < limit || errors.length > 0) break;
    }
    if (errors.length > 0) throw new AggregateError(errors, `${errors.length} reminder mail(s) failed`);
    return out;
  }
}
