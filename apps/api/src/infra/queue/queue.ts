/**
 * Background jobs behind one interface: BullMQ on Redis when REDIS_URL is set (run by `npm run worker`
 * processes), an in-process runner otherwise (the embedded mode). Both run the same handlers, retry with
 * exponential backoff, keep a visible failed set and de-duplicate by job id.
 */
export interface JobContext {
  /** 1 on the first run. */
  attempt: number;
  jobId: string;
}

export type JobHandler = (data: unknown, ctx: JobContext) => Promise<void>;
export type JobHandlers = Record<string, JobHandler>;

export interface AddOptions {
  /** Same id while the job is known → not added twice. */
  jobId?: string;
  delayMs?: number;
}

export interface JobCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

export interface FailedJob {
  id: string;
  name: string;
  attempts: number;
  error: string;
}

/** A job added every `everyMs` (the reminder scan); `id` names the schedule, so it is registered once. */
export interface ScheduledJob {
  id: string;
  name: string;
  everyMs: number;
}

export interface JobQueue {
  readonly kind: 'bullmq' | 'inprocess';
  add(name: string, data: unknown, opts?: AddOptions): Promise<void>;
  /**
   * Run these handlers in this process. The in-process queue runs its jobs here; a producer-only queue has no
   * such method (BullMQ: the worker process runs the jobs).
   */
  register?(handlers: JobHandlers): void;
  /** Add each job every `everyMs`, once across all processes sharing the queue. */
  schedule(jobs: ScheduledJob[]): Promise<void>;
  counts(): Promise<JobCounts>;
  failed(limit?: number): Promise<FailedJob[]>;
  close(): Promise<void>;
}

export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, backoffMs: 1000 };

/** How long a job id de-duplicates: the in-process queue remembers ids, BullMQ keeps completed jobs, this long. */
export const DEDUPE_WINDOW_SEC = 86_400;

/** Exponential backoff: base, 2×base, 4×base, … */
export const backoffDelay = (policy: RetryPolicy, attempt: number) => policy.backoffMs * 2 ** (attempt - 1);
