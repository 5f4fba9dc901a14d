/**
 * The job handlers, shared by the in-process runner (embedded mode) and the BullMQ worker process.
 * Every handler is idempotent: running a job twice has the effect of running it once (mail jobs carry a stable
 * Message-ID; reminders are claimed in task_reminders).
 */
import type { Db } from '../../infra/db/client';
import type { KeyedMailMessage } from '../../infra/mail/smtp';
import type { Mailer } from '../../infra/mail/mailer';
import type { JobHandlers } from '../../infra/queue/queue';
import { type ReminderOptions, ReminderService } from '../reminders/reminders.service';

export const JOB = {
  mailSend: 'mail.send',
  remindersScan: 'reminders.scan',
} as const;

export const REMINDER_SCAN_EVERY_MS = 60_000;

export function createJobHandlers(o: { db: Db; mailer: Mailer; reminders: ReminderOptions }): JobHandlers {
  const reminders = new ReminderService(o.db, o.mailer, o.reminders);
  return {
    [JOB.mailSend]: async (data) => {
      await o.mailer.send(data as KeyedMailMessage);
    },
    [JOB.remindersScan]: async () => {
      await reminders.scan();
    },
  };
}
