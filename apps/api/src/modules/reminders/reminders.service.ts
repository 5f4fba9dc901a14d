/**
 * Due-soon and overdue reminders. A scan finds active tasks (pending / in progress) due within each user's lead
 * time (users.reminder_lead_minutes, 24 h by default) or already overdue, for users who have not opted out.
 * Each (task, kind, due date) is claimed atomically in task_reminders before mailing and marked sent after, so
 * a re-run, a duplicate job or a second worker never mails it twice; a claim whose worker died before marking
 * it sent is taken again after the lease. One mail per task, or one digest when a user has many at once.
 */
import type { Db } from '../../infra/db/client';
import { escapeHtml } from '../../infra/mail/html';
import type { KeyedMailMessage } from '../../infra/mail/smtp';
import type { Mailer } from '../../infra/mail/mailer';
import * as repo from './reminders.repo';
import type { ReminderCandidate as Candidate } from './reminders.repo';

export interface ReminderOptions {
  appUrl: string;
  /** A claim older than this without sent_at is taken again (the worker that held it is presumed dead). */
  leaseSeconds?: number;
  /** More reminders than this for one user in one scan → one digest mail. */
  digestThreshold?: number;
  batchSize?: number;
  now?: () => Date;
}

export interface ScanResult {
  claimed: number;
  mailed: number;
  users: number;
}

const fmt = (d: Date, timeZone: string) => {
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(d);
  } catch {
    return d.toISOString();
  }
};

function reminderMail(
  user: { email: string; name: string; timezone: string },
  items: Candidate[],
  appUrl: string,
): KeyedMailMessage {
  const line = (c: Candidate) =>
    `${c.kind === 'overdue' ? 'Overdue' : 'Due soon'}: ${c.title} — due ${fmt(new Date(c.due_date), user.timezone)} (${user.timezone})`;
  const key = items
    .map((c) => `${c.task_id}.${c.kind}.${new Date(c.due_date).getTime()}`)
    .sort()
    .join('|');
  const link = `${appUrl}/tasks`;
  if (items.length === 1) {
    const c = items[0] as Candidate;
    const subject = c.kind === 'overdue' ? `Overdue: ${c.title}` : `Due soon: ${c.title}`;
    return {
      to: user.email,
      subject,
      text: `Hello ${user.name},\n\n${line(c)}\n\nOpen your tasks: ${link}\n\nYou can turn reminders off in your profile.`,
      html: `<p>Hello ${escapeHtml(user.name)},</p><p>${escapeHtml(line(c))}</p><p><a href="${escapeHtml(link)}">Open your tasks</a></p><p>You can turn reminders off in your profile.</p>`,
      idempotencyKey: `reminder-${hashKey(key)}`,
    };
  }
  const overdue = items.filter((c) => c.kind === 'overdue').length;
  return {
    to: user.email,
    subject: `${items.length} tasks need attention${overdue ? ` (${overdue} overdue)` : ''}`,
    text: `Hello ${user.name},\n\n${items.map(line).join('\n')}\n\nOpen your tasks: ${link}\n\nYou can turn reminders off in your profile.`,
    html: `<p>Hello ${escapeHtml(user.name)},</p><ul>${items.map((c) => `<li>${escapeHtml(line(c))}</li>`).join('')}</ul><p><a href="${escapeHtml(link)}">Open your tasks</a></p>`,
    idempotencyKey: `digest-${hashKey(key)}`,
  };
}

function hashKey(s: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  return ((h2 >>> 0).toString(16) + (h1 >>> 0).toString(16)).padStart(16, '0');
}

export class ReminderService {
  constructor(
    private readonly db: Db,
    private readonly mailer: Mailer,
    private readonly opts: ReminderOptions,
  ) {}

  private get lease() {
    return this.opts.leaseSeconds ?? 300;
  }

  /** Find, claim and mail due reminders. Safe to run concurrently and repeatedly. */
  async scan(): Promise<ScanResult> {
    const now = this.opts.now?.() ?? new Date();
    const leaseSeconds = this.lease;
    const candidates = await repo.findDue(this.db, { now, leaseSeconds, limit: this.opts.batchSize ?? 500 });
    const byUser = new Map<string, Candidate[]>();
    for (const c of candidates) byUser.set(c.user_id, [...(byUser.get(c.user_id) ?? []), c]);
    let claimedCount = 0;
    let mailed = 0;
    let users = 0;
    const errors: unknown[] = [];
    for (const due of byUser.values()) {
      // Claim one user's reminders right before mailing them (atomic per row: a row inserted, or a stale claim taken
      // over, by this statement is ours alone). Claiming the whole batch up front let a slow mail server age the
      // later claims past the lease before their mail was even tried, and the next scan mailed them again.
      const claimAt = this.opts.now?.() ?? new Date();
      const items: Candidate[] = [];
      for (const c of due) if (await repo.claim(this.db, c, claimAt, leaseSeconds)) items.push(c);
      if (items.length === 0) continue;
      claimedCount += items.length;
      users++;
      const first = items[0] as Candidate;
      const threshold = this.opts.digestThreshold ?? 3;
      const groups = items.length > threshold ? [items] : items.map((i) => [i]);
      for (const group of groups) {
        try {
          await this.mailer.send(reminderMail(first, group, this.opts.appUrl));
          mailed++;
          await this.mark(group, 'sent');
        } catch (err) {
          errors.push(err);
          await this.mark(group, 'release').catch(() => {});
        }
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, `${errors.length} reminder mail(s) failed`);
    return { claimed: claimedCount, mailed, users };
  }

  private async mark(group: Candidate[], how: 'sent' | 'release'): Promise<void> {
    for (const c of group) await (how === 'sent' ? repo.markSent(this.db, c) : repo.release(this.db, c));
  }
}
