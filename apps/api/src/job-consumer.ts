/**
 * The BullMQ job consumer: runs the handlers composeJobs builds, with WORKER_CONCURRENCY, timing each job into the
 * metrics and logging it. `npm run worker` (worker.ts) and a server with ROLES=worker (server.ts) both start it.
 */
import type { Logger } from 'pino';
import type { Config } from './config';
import type { Metrics } from './infra/metrics';
import { startBullWorker } from './infra/queue/bullmq';
import type { JobHandlers } from './infra/queue/queue';
import { createRedis } from './infra/redis/client';

export interface JobConsumer {
  /** Stops taking jobs and waits for the active ones. */
  close(): Promise<void>;
}

export function startJobConsumer(o: {
  config: Config;
  handlers: JobHandlers;
  metrics: Pick<Metrics, 'jobDuration'>;
  log: Pick<Logger, 'info' | 'warn'>;
}): JobConsumer {
  const { config, metrics, log } = o;
  if (!config.redisUrl) throw new Error('the job consumer needs REDIS_URL (in the embedded mode jobs run in-process)');
  const conn = createRedis(
    { url: config.redisUrl, commandTimeoutMs: 30_000 },
    { maxRetriesPerRequest: null, enableOfflineQueue: true, commandTimeout: undefined },
  );
  const worker = startBullWorker(conn, config.redisKeyPrefix, o.handlers, {
    concurrency: config.worker.concurrency,
    lockDurationMs: config.worker.lockDurationMs,
    stalledIntervalMs: config.worker.stalledIntervalMs,
  });
  const seconds = (job: { finishedOn?: number; processedOn?: number }) =>
    Math.max(0, (job.finishedOn ?? Date.now()) - (job.processedOn ?? Date.now())) / 1000;
  worker.on('completed', (job) => {
    metrics.jobDuration.observe({ queue: 'bullmq', outcome: 'completed' }, seconds(job));
    log.info({ job: job.name, id: job.id, ms: Math.round(seconds(job) * 1000) }, 'job done');
  });
  // BullMQ's own errors (a Redis switching masters, a lost lock): logged, the worker goes on by itself.
  worker.on('error', (err) => log.warn({ err: err.message }, 'job worker error'));
  worker.on('failed', (job, err) => {
    if (job) metrics.jobDuration.observe({ queue: 'bullmq', outcome: 'failed' }, seconds(job));
    log.warn({ job: job?.name, id: job?.id, attempt: job?.attemptsMade, err: err.message }, 'job failed');
  });
  return {
    async close() {
      await worker.close();
      conn.disconnect();
    },
  };
}
