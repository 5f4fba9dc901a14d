/**
 * The purge of soft-deleted tasks: a deleted task stays restorable for RESTORE_DAYS (POST /tasks/:id/restore),
 * then a scheduled job hard-deletes it in batches. The job runs where the app's jobs run (the in-process queue in
 * embedded mode, the worker with BullMQ); a run removes at most `maxBatches` batches and the next run continues.
 */
import type { Db } from '../../infra/db/client';
import type { JobHandlers, ScheduledJob } from '../../infra/queue/queue';
import { purgeDeletedTasks } from './tasks.repo';

/** How long a deleted task can be restored before the purge removes it. */
export const RESTORE_DAYS = 30;
export const PURGE_JOB = 'tasks.purge-deleted';

export interface PurgeOptions {
  /** The clock (tests set one 30 days ahead); the system clock by default. */
  now?: () => Date;
  /** Rows per DELETE statement (one short statement each: no long lock on a big backlog). */
  batch?: number;
  /** Batches per run at most. */
  maxBatches?: number;
}

/** Hard-delete every task deleted more than RESTORE_DAYS ago (up to batch × maxBatches rows); returns how many. */
export async function purgeDeleted(db: Db, opts: PurgeOptions = {}): Promise<number> {
  const now = (opts.now ?? (() => new Date()))();
  const before = new Date(now.getTime() - RESTORE_DAYS * 86_400_000);
  const batch = opts.batch ?? 1000;
  const maxBatches = opts.maxBatches ?? 100;
  let total = 0;
  for (let i = 0; i < maxBatches; i++) {
    const n = await purgeDeletedTasks(db, before, batch);
    total += n;
    if (n < batch) break;
  }
  return total;
}

/** The purge's job handler and schedule (hourly by default), for the tasks module and the worker process. */
export function taskPurgeJobs(
  db: Db,
  opts: PurgeOptions & { everyMs?: number } = {},
): { jobs: JobHandlers; schedule: ScheduledJob[] } {
  return {
    jobs: {
      [PURGE_JOB]: async () => {
        await purgeDeleted(db, opts);
      },
    },
    schedule: [{ id: 'tasks-purge-deleted', name: PURGE_JOB, everyMs: opts.everyMs ?? 3_600_000 }],
  };
}
