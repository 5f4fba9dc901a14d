import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { lazyModule } from '../../lib/lazy-module';
import {
  type AddOptions,
  DEDUPE_WINDOW_SEC,
  DEFAULT_RETRY,
  type FailedJob,
  type JobCounts,
  type JobHandlers,
  type JobQueue,
  type RetryPolicy,
  type ScheduledJob,
} from './queue';

/** BullMQ, loaded with the first queue or worker (only with Redis). */
const bullmq = lazyModule<typeof import('bullmq')>('bullmq');

const QUEUE_NAME = 'primetrade';

/** Producer side (API instances): adds jobs; the worker processes run them. */
export class BullQueue implements JobQueue {
  readonly kind = 'bullmq';
  readonly queue: Queue;
  constructor(connection: Redis, prefix: string, retry: RetryPolicy = DEFAULT_RETRY) {
    const { Queue } = bullmq();
    this.queue = new Queue(QUEUE_NAME, {
      connection,
      prefix: `${prefix}bull`,
      defaultJobOptions: {
        attempts: retry.attempts,
        backoff: { type: 'exponential', delay: retry.backoffMs },
        removeOnComplete: { count: 1000, age: DEDUPE_WINDOW_SEC },
        removeOnFail: { count: 5000 },
      },
    });
    this.queue.on('error', () => {});
  }

  async add(name: string, data: unknown, o: AddOptions = {}): Promise<void> {
    await this.queue.add(name, data, {
      ...(o.jobId ? { jobId: o.jobId.replaceAll(':', '_') } : {}),
      ...(o.delayMs ? { delay: o.delayMs } : {}),
    });
  }

  /** One repeatable job per schedule id (BullMQ's job scheduler): idempotent, shared by every worker. */
  async schedule(jobs: ScheduledJob[]): Promise<void> {
    for (const j of jobs) await this.queue.upsertJobScheduler(j.id, { every: j.everyMs }, { name: j.name, data: {} });
  }

  async counts(): Promise<JobCounts> {
    const c = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
    return {
      waiting: c.waiting ?? 0,
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      failed: c.failed ?? 0,
      completed: c.completed ?? 0,
    };
  }

  async failed(limit = 50): Promise<FailedJob[]> {
    const jobs = await this.queue.getFailed(0, limit - 1);
    return jobs.map((j) => ({ id: String(j.id), name: j.name, attempts: j.attemptsMade, error: j.failedReason ?? '' }));
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

export interface WorkerOptions {
  concurrency?: number;
  /** Lower in tests so a killed worker's job is picked up again quickly. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

/** Consumer side (`npm run worker`): runs the handlers; close() waits for the active jobs. */
export function startBullWorker(
  connection: Redis,
  prefix: string,
  handlers: JobHandlers,
  o: WorkerOptions = {},
): Worker {
  const { Worker } = bullmq();
  const worker = new Worker(
    QUEUE_NAME,
    async (job) => {
      const handler = handlers[job.name];
      if (!handler) throw new Error(`no handler for job ${job.name}`);
      await handler(job.data, { attempt: job.attemptsMade + 1, jobId: String(job.id) });
    },
    {
      connection,
      prefix: `${prefix}bull`,
      concurrency: o.concurrency ?? 4,
      lockDuration: o.lockDurationMs ?? 30_000,
      stalledInterval: o.stalledIntervalMs ?? 30_000,
      maxStalledCount: 3,
    },
  );
  worker.on('error', () => {});
  return worker;
}
