/**
 * The reminders module: the per-task reminders' job (reminders.due, every REMINDER_SCAN_INTERVAL_MS: claims the
 * due rows of task_reminder_schedule, mails them and pushes them through a PushSender; task-reminders.service.ts),
 * the scan (a job, scheduled every REMINDER_SCAN_INTERVAL_MS) that mails due-soon and
 * overdue reminders, and the bookkeeping that drops a deleted task's markers (a domain-event subscription,
 * started with the app). The worker process builds it without `events`: it runs the scan only.
 */
import type { Logger } from 'pino';
import type { Db } from '../../infra/db/client';
import type { EventBus } from '../../infra/events';
import type { Mailer } from '../../infra/mail/mailer';
import type { JobHandlers, ScheduledJob } from '../../infra/queue/queue';
import { jobLane } from '../../lib/job-lane';
import { reminderBookkeeping } from './reminder-bookkeeping';
import { ReminderService } from './reminders.service';
import { type PushSender, pushNotConfigured, TaskReminderService } from './task-reminders.service';

export type { PushSender, ReminderPushPayload } from './task-reminders.service';
export { pushNotConfigured } from './task-reminders.service';

const REMINDERS_SCAN_JOB = 'reminders.scan';
const REMINDERS_DUE_JOB = 'reminders.due';

export interface RemindersDeps {
  db: Db;
  /** Delivers the reminder mails directly (the scan already runs as a job). */
  mailer: Mailer;
  /** The domain events to keep the markers in step with; absent in the worker process. */
  events?: EventBus;
  appUrl: string;
  leaseSeconds: number;
  scanEveryMs: number;
  log: Pick<Logger, 'warn'>;
  /** Web Push of the per-task reminders (modules/push); absent: push is not configured (pushNotConfigured). */
  push?: PushSender;
}

export function createRemindersModule(deps: RemindersDeps) {
  const service = new ReminderService(deps.db, deps.mailer, { appUrl: deps.appUrl, leaseSeconds: deps.leaseSeconds });
  const taskReminders = new TaskReminderService(deps.db, deps.mailer, deps.push ?? pushNotConfigured, {
    appUrl: deps.appUrl,
    leaseSeconds: deps.leaseSeconds,
    log: deps.log,
  });
  // Both jobs mail, and run every scanEveryMs with the worker's concurrency: one lane keeps at most one reminder
  // mail of this process in flight, so a kill mid-mail leaves only that one unconfirmed (lib/job-lane.ts, R5).
  const lane = jobLane();
  const jobs: JobHandlers = {
    [REMINDERS_SCAN_JOB]: async () => {
      await lane.run(REMINDERS_SCAN_JOB, () => service.scan());
    },
    [REMINDERS_DUE_JOB]: async () => {
      await lane.run(REMINDERS_DUE_JOB, () => taskReminders.fireDue());
    },
  };
  const schedule: ScheduledJob[] = [
    { id: 'reminders-scan', name: REMINDERS_SCAN_JOB, everyMs: deps.scanEveryMs },
    { id: 'reminders-due', name: REMINDERS_DUE_JOB, everyMs: deps.scanEveryMs },
  ];
  let off: (() => void) | undefined;
  return {
    service,
    taskReminders,
    jobs,
    schedule,
    start(): void {
      const { events } = deps;
      if (events && !off) {
        off = reminderBookkeeping(events, deps.db, (err) => deps.log.warn({ err }, 'reminder bookkeeping'));
      }
    },
    stop(): void {
      off?.();
      off = undefined;
    },
  };
}
