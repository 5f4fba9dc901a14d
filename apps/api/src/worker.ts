/**
 * `npm run worker`: the BullMQ job worker (reminders, mail), its own process, scaled separately from the API.
 * Registers the repeatable reminder scan, runs jobs with WORKER_CONCURRENCY, and on SIGTERM/SIGINT stops taking
 * jobs and waits for the active ones to finish before exiting. Needs REDIS_URL: in the embedded mode the API
 * process runs the same handlers in-process. Serves /metrics (job durations and outcomes, queue depth, pool,
 * process) and /health/{live,ready} on WORKER_METRICS_PORT.
 */
import { pino } from 'pino';
import { composeJobs } from './composition';
import { startJobConsumer } from './job-consumer';
import { ConfigError, type Config, loadConfig } from './config';
import { openDatabase } from './infra/db/open';
import { runMigrations } from './infra/db/migrate';
import { createMailTransport } from './infra/mail/transport';
import { collectQueueDepth, createMetrics } from './infra/metrics';
import { startOpsServer } from './infra/ops-server';
import { BullQueue } from './infra/queue/bullmq';
import { mailJobKey } from './infra/queue/queued-mailer';
import { createRedis } from './infra/redis/client';
import { loadOrCreateSecret } from './infra/secrets';
import { loggerOptions } from './lib/logger';

async function startWorker(config: Config) {
  const log = pino({ ...loggerOptions(config.logLevel), name: 'worker' });
  if (!config.redisUrl) throw new Error('the worker needs REDIS_URL (in the embedded mode jobs run inside the API)');
  const database = await openDatabase(config);
  await runMigrations(database);
  const mailTransport = createMailTransport(config, log);
  // The same handlers and schedule as the embedded mode's in-process queue (the composition root builds both).
  // The API seals queued mail with a key from the signing secret: the worker derives the same one.
  const mailKey = mailJobKey(config.jwtSecret ?? loadOrCreateSecret(config.dataDir));
  const jobs = composeJobs({ config, database, mailTransport, log, mailJobKey: mailKey });
  const producerConn = createRedis({ url: config.redisUrl, commandTimeoutMs: 5000 }, { enableOfflineQueue: true });
  const producer = new BullQueue(producerConn, config.redisKeyPrefix);
  // `npm run worker` is both the worker and the scheduler role (a server with ROLES=worker or scheduler splits them).
  await producer.schedule(jobs.schedule);
  const metrics = createMetrics({
    poolStats: () => database.poolStats(),
    poolMax: config.dbPoolMax,
    defaultLabels: { service: 'worker' },
  });
  const worker = startJobConsumer({ config, handlers: jobs.handlers, metrics, log });
  collectQueueDepth(metrics, producer);
  const ops =
    config.worker.metricsPort > 0
      ? await startOpsServer({
          port: config.worker.metricsPort,
          host: config.host,
          metrics,
          metricsToken: config.metricsToken,
          checks: { database: () => database.ping(), redis: () => producerConn.ping() },
        })
      : undefined;
  log.info({ concurrency: config.worker.concurrency, metricsPort: ops?.port }, 'worker ready');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'worker stopping: finishing active jobs');
    const timer = setTimeout(() => process.exit(1), config.shutdownTimeoutMs * 3);
    timer.unref();
    await worker.close();
    ops?.server.close();
    await producer.close();
    producerConn.disconnect();
    await database.close();
    mailTransport.close?.();
    log.info('worker stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  return worker;
}

try {
  await startWorker(loadConfig());
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : `worker failed to start: ${String(err)}`}\n`);
  process.exit(1);
}
