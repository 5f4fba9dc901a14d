/**
 * The process that listens. Validates config, opens the database, runs migrations, serves, and on SIGTERM/SIGINT
 * stops accepting, lets in-flight requests finish, closes pools and exits within SHUTDOWN_TIMEOUT_MS (10 s).
 */
import path from 'node:path';
import { buildApp } from './app';
import { composeJobs, composeModules, scheduleOf } from './composition';
import { type JobConsumer, startJobConsumer } from './job-consumer';
import { consumesJobs, runsEverything, schedulesJobs } from './roles';
import { ConfigError, type Config, loadConfig } from './config';
import { createPlatform } from './platform';
import { openDatabase } from './infra/db/open';
import { runMigrations } from './infra/db/migrate';
import { waitReady } from './infra/redis/client';
import { backfillInboxes, ensureTaskIndexes } from './modules/projects';

async function startServer(config: Config) {
  const database = await openDatabase(config);
  await runMigrations(database);
  // Tasks older than projects move into their owner's inbox in committed batches before this instance serves
  // (issue 15); once done it is one catalogue read. An instance of the previous release keeps serving meanwhile.
  try {
    const done = await backfillInboxes(database.db);
    if (!done.alreadyDone) {
      const ms = Math.round(done.ms);
      process.stdout.write(`projects backfill: ${done.moved} tasks moved in ${done.batches} batches, ${ms} ms\n`);
    }
  } catch (err) {
    // Another instance running it at the same moment may win the NOT NULL step; the next start finishes it.
    process.stderr.write(`projects backfill: ${(err as Error).message}\n`);
  }
  // The tasks indexes a big table did not get in the migration, built CONCURRENTLY (writes go on) in the background
  // while this instance serves; an INVALID one left by an interrupted build is rebuilt (docs/operations.md).
  void ensureTaskIndexes(database.db, { concurrently: database.kind === 'postgres' }).then(
    (idx) => {
      if (idx.built.length + idx.repaired.length === 0) return;
      const ms = Math.round(idx.ms);
      process.stdout.write(
        `tasks indexes: built ${idx.built.join(', ') || '-'}; rebuilt ${idx.repaired.join(', ') || '-'} (${ms} ms)\n`,
      );
    },
    (err: Error) => process.stderr.write(`tasks indexes: ${err.message} (the next start resumes)\n`),
  );
  const platform = createPlatform(config, database);
  if (platform.redis && !(await waitReady(platform.redis.client, 3000))) {
    // Start anyway: every Redis-backed piece has an in-process fallback, and the client keeps reconnecting.
    process.stderr.write('Redis is not reachable yet; starting degraded (in-process limits, no shared cache)\n');
  }
  const modules = composeModules(platform);
  const app = await buildApp(platform, { modules });

  let consumer: JobConsumer | undefined;
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.shuttingDown = true;
    app.log.info({ signal }, 'shutting down: draining in-flight requests');
    const timer = setTimeout(() => {
      app.log.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    try {
      // A worker role stops taking jobs and finishes the active ones before the pools close.
      await consumer?.close();
      await app.close();
      await database.close();
      if (config.otlpEndpoint) await (await import('./infra/telemetry/tracing')).shutdownTracing();
      app.log.info('shutdown complete');
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.on('unhandledRejection', (reason) => {
    app.log.error({ err: reason }, 'unhandled rejection');
    app.errorReporter?.capture(reason, { mechanism: 'unhandledRejection' });
  });

  // Embedded mode (ROLES=all without Redis): the scheduled jobs (the reminder scan) run in this process; with Redis,
  // `npm run worker` schedules them. The in-process queue's timers stop when it closes with the app.
  if (runsEverything(config.roles) && platform.queue.kind === 'inprocess') {
    await platform.queue.schedule(scheduleOf(modules));
  }
  // The job roles (roles.ts): ROLES=scheduler registers the repeatable jobs (BullMQ job schedulers, once across
  // processes), ROLES=worker consumes the jobs — the same handlers and schedule as `npm run worker`.
  const jobRoles = consumesJobs(config.roles) || schedulesJobs(config.roles);
  const jobs = jobRoles ? composeJobs(platform) : undefined;
  if (jobs && schedulesJobs(config.roles)) await platform.queue.schedule(jobs.schedule);
  consumer =
    jobs && consumesJobs(config.roles)
      ? startJobConsumer({ config, handlers: jobs.handlers, metrics: platform.metrics, log: platform.log })
      : undefined;

  await app.listen({ port: config.port, host: config.host });
  const mail = config.smtpUrl
    ? 'SMTP'
    : `${path.resolve(config.dataDir, 'outbox')} (no SMTP_URL: messages are kept as files there)`;
  app.log.info(
    { url: config.appUrl, database: database.kind, mail, roles: config.roles.join(',') },
    `Primetrade Tasks is ready on ${config.appUrl} — mail goes to ${mail} — first admin: npm run cli -- make-admin <email>`,
  );
  return app;
}

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  try {
    // Tracing starts before the app is built (its instrumentations patch http, pg, ioredis and hook Fastify).
    if (config.otlpEndpoint) await (await import('./infra/telemetry/tracing')).startTracing(config);
    await startServer(config);
  } catch (err) {
    process.stderr.write(`Failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}

void main();
