/**
 * The composition root: every module's factory is called once, here, with only what that module uses. app.ts
 * (HTTP) registers the routes and runs the background parts; worker.ts and cli.ts build from the same factories.
 * Nothing else constructs a module's service.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config';
import type { Platform } from './platform';
import type { Database } from './infra/db/client';
import type { Mailer } from './infra/mail/mailer';
import type { JobHandlers, ScheduledJob } from './infra/queue/queue';
import { mailJobs } from './infra/queue/queued-mailer';
import { createAdminModule } from './modules/admin';
import { authFailureStore, createAuthModule } from './modules/auth';
import { createEventsModule } from './modules/events';
import { createHealthModule } from './modules/health';
import { createOidcModule } from './modules/oidc';
import { createRemindersModule } from './modules/reminders';
import { createTasksModule } from './modules/tasks/index';
import { createUsersModule } from './modules/users';

/** What a module factory returns: its routes (registered under its prefix), background work, job handlers. */
export interface ModuleParts {
  routes?: FastifyPluginAsync;
  /** Started when the app is ready, stopped when it closes (an outbox relay, a subscription). */
  start?(): void | Promise<void>;
  stop?(): void | Promise<void>;
  jobs?: JobHandlers;
  /** Jobs added every so often (the in-process queue's timer, or the worker's BullMQ job scheduler). */
  schedule?: ScheduledJob[];
}

/** What the modules that run jobs need: the worker process has these and no more. */
export interface JobsPlatform {
  config: Config;
  database: Database;
  /** Mail jobs deliver through it directly (they already are the queued step). */
  mailTransport: Mailer;
  /** Opens the sealed mail jobs (mailJobKey of the signing secret). */
  mailJobKey: Buffer;
  log: Logger;
  /** The domain events (absent in the worker: it runs jobs, it holds no subscriptions). */
  events?: Platform['events'];
}

function reminders(p: JobsPlatform) {
  return createRemindersModule({
    db: p.database.db,
    mailer: p.mailTransport,
    events: p.events,
    appUrl: p.config.appUrl,
    leaseSeconds: p.config.worker.reminderLeaseSec,
    scanEveryMs: p.config.worker.reminderScanIntervalMs,
    log: p.log,
  });
}

/** Every job handler and schedule: mail delivery, then each module's. */
function jobsOf(p: JobsPlatform, modules: ModuleParts[]): { handlers: JobHandlers; schedule: ScheduledJob[] } {
  return {
    handlers: Object.assign(mailJobs(p.mailTransport, p.mailJobKey), ...modules.map((m) => m.jobs ?? {})),
    schedule: modules.flatMap((m) => m.schedule ?? []),
  };
}

/** The worker process's jobs: the same handlers and schedule the embedded mode's in-process queue runs. */
export function composeJobs(p: JobsPlatform) {
  return jobsOf(p, [reminders(p)]);
}

export function composeModules(p: Platform) {
  const { redis, config } = p;
  const db = p.database.db;
  // Failed password checks are also kept in the database: a lockout outlives Redis losing its data.
  const authLimits = { store: p.rateLimitStore, config: config.rateLimit, durable: authFailureStore(db) };
  const cookies = {
    secure: config.secureCookies,
    accessTokenTtlSec: config.accessTokenTtlSec,
    origins: config.cookieWriteOrigins,
  };
  const auth = createAuthModule({
    db,
    tokens: p.tokens,
    mailer: p.mailer,
    revocations: p.revocationBus,
    limits: authLimits,
    cookies,
    appUrl: config.appUrl,
    sessions: {
      refreshTokenTtlSec: config.refreshTokenTtlSec,
      sessionAbsoluteTtlSec: config.sessionAbsoluteTtlSec,
      refreshReuseGraceSec: config.refreshReuseGraceSec,
    },
  });
  const modules = {
    health: createHealthModule({
      checks: { database: () => p.database.ping(), ...(redis ? { redis: () => redis.client.ping() } : {}) },
    }),
    auth,
    oidc: createOidcModule({
      db,
      auth: auth.service,
      cookies,
      provider: config.oidc,
      appUrl: config.appUrl,
      fieldEncryptionKeys: config.fieldEncryptionKeys,
      cursorKey: p.cursorKey,
    }),
    users: createUsersModule({
      db,
      auth: auth.service,
      credentials: auth.credentials,
      sessionGuard: auth.sessionGuard,
      cache: p.cache,
      limits: authLimits,
      cookies,
    }),
    admin: createAdminModule({
      db,
      reader: p.database.reader,
      auth: auth.service,
      sessionGuard: auth.sessionGuard,
      queue: p.queue,
    }),
    // The event consumers come before tasks (the producer): started first, stopped last.
    events: createEventsModule({
      events: p.events,
      redis: p.redis,
      heartbeatMs: p.config.sseHeartbeatMs,
      maxStreamsPerUser: p.config.sseMaxStreamsPerUser,
      sessions: auth.sessionGuard,
      metrics: p.metrics,
      log: p.log,
    }),
    reminders: reminders(p),
    tasks: createTasksModule({
      db: p.database.db,
      reads: p.reads,
      cache: p.cache,
      events: p.events,
      limits: {
        store: p.rateLimitStore,
        taskCreateMax: p.config.rateLimit.taskCreateMax,
        taskCreateWindowSec: p.config.rateLimit.taskCreateWindowSec,
      },
      cursorKey: p.cursorKey,
      outboxPollMs: p.config.outboxPollMs,
    }),
  } satisfies Record<string, ModuleParts>;
  // The in-process queue runs the jobs here; with BullMQ the worker process does (composeJobs).
  p.queue.register?.(jobsOf(p, Object.values(modules)).handlers);
  return modules;
}

/** The jobs to add every so often: server.ts runs them on the in-process queue (the worker, on BullMQ). */
export function scheduleOf(modules: Modules): ScheduledJob[] {
  return Object.values(modules as Record<string, ModuleParts>).flatMap((m) => m.schedule ?? []);
}

export type Modules = ReturnType<typeof composeModules>;
