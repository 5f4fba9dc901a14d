import { randomUUID } from 'node:crypto';
import {
  type AddOptions,
  backoffDelay,
  DEDUPE_WINDOW_SEC,
  DEFAULT_RETRY,
  type FailedJob,
  type JobCounts,
  type JobHandlers,
  type JobQueue,
  type RetryPolicy,
  type ScheduledJob,
} from './queue';

interface Job {
  id: string;
  name: string;
  data: unknown;
  attempt: number;
}

/**
 * The embedded mode's runner: jobs run in this process with bounded concurrency, retries with exponential
 * backoff, de-duplication by job id (for 24 h), and a bounded failed list. Jobs are in memory: a crash loses
 * queued ones, which is why every handler is idempotent and the reminder scan re-finds unsent reminders.
 */
export class InProcessQueue implements JobQueue {
  readonly kind = 'inprocess';
  private readonly pending: Job[] = [];
  private readonly seen = new Map<string, number>();
  private readonly failedJobs: FailedJob[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly intervals = new Set<NodeJS.Timeout>();
  private activeCount = 0;
  private delayedCount = 0;
  private completedCount = 0;
  private closed = false;
  private idleWaiters: Array<() => void> = [];

  private readonly handlers: JobHandlers = {};

  /** Handlers may be given here or later with register() (the queue exists before the modules that handle jobs). */
  constructor(
    handlers: JobHandlers = {},
    private readonly opts: {
      concurrency?: number;
      retry?: RetryPolicy;
      onError?: (err: unknown, job: FailedJob) => void;
      /** Each run's duration and outcome (the job_duration_seconds histogram). */
      onRun?: (name: string, seconds: number, outcome: 'completed' | 'failed') => void;
    } = {},
  ) {
    this.register(handlers);
  }

  register(handlers: JobHandlers): void {
    Object.assign(this.handlers, handlers);
  }

  /** The embedded mode's scheduler: each job is added every `everyMs` (de-duplicated per interval by its id). */
  async schedule(jobs: ScheduledJob[]): Promise<void> {
    for (const j of jobs) {
      const tick = () =>
        void this.add(j.name, {}, { jobId: `${j.id}-${Math.floor(Date.now() / j.everyMs)}` }).catch(() => {});
      const t = setInterval(tick, j.everyMs);
      t.unref();
      this.intervals.add(t);
    }
  }

  async add(name: string, data: unknown, o: AddOptions = {}): Promise<void> {
    if (this.closed) return;
    const id = o.jobId ?? randomUUID();
    const now = Date.now();
    if (o.jobId) {
      const at = this.seen.get(id);
      if (at !== undefined && now - at < DEDUPE_WINDOW_SEC * 1000) return;
      this.seen.set(id, now);
      if (this.seen.size > 100_000) this.seen.clear();
    }
    const job: Job = { id, name, data, attempt: 0 };
    if (o.delayMs && o.delayMs > 0) this.later(job, o.delayMs);
    else this.enqueue(job);
  }

  private later(job: Job, ms: number) {
    this.delayedCount++;
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.delayedCount--;
      this.enqueue(job);
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  private enqueue(job: Job) {
    this.pending.push(job);
    this.pump();
  }

  private pump() {
    const limit = this.opts.concurrency ?? 4;
    while (!this.closed && this.activeCount < limit && this.pending.length > 0) {
      const job = this.pending.shift() as Job;
      this.activeCount++;
      void this.run(job).finally(() => {
        this.activeCount--;
        this.pump();
        if (this.activeCount === 0 && this.pending.length === 0) for (const w of this.idleWaiters.splice(0)) w();
      });
    }
  }

  private async run(job: Job) {
    const retry = this.opts.retry ?? DEFAULT_RETRY;
    job.attempt++;
    const handler = this.handlers[job.name];
    const started = performance.now();
    try {
      if (!handler) throw new Error(`no handler for job ${job.name}`);
      await handler(job.data, { attempt: job.attempt, jobId: job.id });
      this.completedCount++;
      this.opts.onRun?.(job.name, (performance.now() - started) / 1000, 'completed');
    } catch (err) {
      this.opts.onRun?.(job.name, (performance.now() - started) / 1000, 'failed');
      if (job.attempt < retry.attempts && !this.closed) {
        this.later(job, backoffDelay(retry, job.attempt));
        return;
      }
      const f: FailedJob = {
        id: job.id,
        name: job.name,
        attempts: job.attempt,
        error: err instanceof Error ? err.message : String(err),
      };
      this.failedJobs.push(f);
      if (this.failedJobs.length > 1000) this.failedJobs.shift();
      this.opts.onError?.(err, f);
    }
  }

  /** Resolve when nothing is running or queued (tests; graceful stop). */
  idle(): Promise<void> {
    if (this.activeCount === 0 && this.pending.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  async counts(): Promise<JobCounts> {
    return {
      waiting: this.pending.length,
      active: this.activeCount,
      delayed: this.delayedCount,
      failed: this.failedJobs.length,
      completed: this.completedCount,
    };
  }

  async failed(limit = 50): Promise<FailedJob[]> {
    return this.failedJobs.slice(-limit).reverse();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const t of this.intervals) clearInterval(t);
    this.intervals.clear();
    if (this.activeCount > 0) await this.idle();
  }
}
