/**
 * The process that listens. Validates config, opens the database, runs migrations, serves, and on SIGTERM/SIGINT
 * stops accepting, lets in-flight requests finish, closes pools and exits within SHUTDOWN_TIMEOUT_MS (10 s).
 */
import { buildApp } from './app';
import { composeModules, scheduleOf } from './composition';
import { ConfigError, type Config, loadConfig } from './config';
import { createPlatform } from './platform';
import { openDatabase } from './infra/db/open';
import { runMigrations } from './infra/db/migrate';
import { waitReady } from './infra/redis/client';

async function startServer(config: Config) {
  const database = await openDatabase(config);
  await runMigrations(database);
  const platform = createPlatform(config, database);
  if (platform.redis && !(await waitReady(platform.redis.client, 3000))) {
    // Start anyway: every Redis-backed piece has an in-process fallback, and the client keeps reconnecting.
    process.stderr.write('Redis is not reachable yet; starting degraded (in-process limits, no shared cache)\n');
  }
  const modules = composeModules(platform);
  const app = await buildApp(platform, { modules });

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

  // Embedded mode: the scheduled jobs (the reminder scan) run in this process; with Redis, `npm run worker`
  // schedules them. The in-process queue's timers stop when it closes with the app.
  if (platform.queue.kind === 'inprocess') await platform.queue.schedule(scheduleOf(modules));

  await app.listen({ port: config.port, host: config.host });
  const mail = config.smtpUrl ? 'SMTP' : `${config.dataDir}/outbox`;
  app.log.info(
    { url: config.appUrl, database: database.kind, mail },
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
