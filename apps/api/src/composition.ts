/**
 * The composition root: every module's factory is called once, here, with only what that module uses. app.ts
 * (HTTP) registers the routes and runs the background parts; worker.ts and cli.ts build from the same factories.
 * Nothing else constructs a module's service.
 */
import { createHmac } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config';
import type { Platform } from './platform';
import { FieldCipher, parseFieldKeys } from './infra/crypto/field-cipher';
import type { Database } from './infra/db/client';
import type { EventSink } from './infra/events';
import type { Mailer } from './infra/mail/mailer';
import type { JobHandlers, ScheduledJob } from './infra/queue/queue';
import { mailJobs } from './infra/queue/queued-mailer';
import { createAdminModule } from './modules/admin';
import { createAuditModule } from './modules/audit';
import { createCalendarModule, type TaskLister } from './modules/calendar';
import { authFailureStore, createAuthModule } from './modules/auth';
import { createEventsModule } from './modules/events';
import { createHealthModule } from './modules/health';
import { createOidcModule } from './modules/oidc';
import { createCommentsModule } from './modules/comments';
import { createProjectsModule } from './modules/projects';
import { createPushModule } from './modules/push';
import { createQuickAddModule } from './modules/quick-add';
import { createRemindersModule, type PushSender } from './modules/reminders';
import { createTasksModule, taskPurgeJobs } from './modules/tasks/index';
import { createTokensModule } from './modules/tokens';
import { createUsersModule } from './modules/users';
import { createServerInfoModule } from './modules/server-info';
import { createViewsModule } from './modules/views';
import { createWebhooksModule } from './modules/webhooks';

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

/** The reminders; `push` is the Web Push sender (the worker builds its own from the same config). */
function reminders(p: JobsPlatform, push: PushSender = pushModule(p).sender) {
  return createRemindersModule({
    push,
    db: p.database.db,
    mailer: p.mailTransport,
    events: p.events,
    appUrl: p.config.appUrl,
    leaseSeconds: p.config.worker.reminderLeaseSec,
    scanEveryMs: p.config.worker.reminderScanIntervalMs,
    log: p.log,
  });
}

/**
 * Web Push (issue 17 item 2): the subscriptions' routes and the PushSender the reminders deliver through (the API
 * process's and the worker's: both run the reminder scan). Off without VAPID keys.
 */
export function pushModule(p: Pick<JobsPlatform, 'config' | 'database' | 'log'>) {
  return createPushModule({
    db: p.database.db,
    vapid: p.config.push.vapid,
    allowPrivate: p.config.push.allowPrivate,
    timeoutMs: p.config.push.timeoutMs,
    log: p.log,
  });
}

function audit(p: JobsPlatform) {
  return createAuditModule({ db: p.database.db, retentionDays: p.config.auditRetentionDays, log: p.log });
}

/**
 * The cipher of the TOTP secrets: FIELD_ENCRYPTION_KEYS when set; a key derived from the signing secret stays
 * listed after them, so secrets sealed before the keys were configured still open (and `reencrypt` can move them).
 */
function mfaCipher(p: Platform): FieldCipher {
  const derived = {
    id: 'derived',
    key: createHmac('sha256', p.cursorKey).update('primetrade:totp-secret:v1').digest(),
  };
  const configured = p.config.fieldEncryptionKeys ? parseFieldKeys(p.config.fieldEncryptionKeys) : [];
  return new FieldCipher([...configured, derived]);
}

/**
 * The cipher of the webhook signing secrets (issue 18 item 4): FIELD_ENCRYPTION_KEYS when set, then a key derived
 * from the signing secret (through the mail job key, which the worker derives too: it signs the deliveries).
 */
export function webhookCipher(p: Pick<JobsPlatform, 'config' | 'mailJobKey'>): FieldCipher {
  const derived = {
    id: 'derived',
    key: createHmac('sha256', p.mailJobKey).update('primetrade:webhook-secret:v1').digest(),
  };
  const configured = p.config.fieldEncryptionKeys ? parseFieldKeys(p.config.fieldEncryptionKeys) : [];
  return new FieldCipher([...configured, derived]);
}

/** The webhook dispatcher job (the worker's; the API process's when the queue is in-process). */
function webhookJobs(p: JobsPlatform) {
  return createWebhooksModule({
    db: p.database.db,
    cipher: webhookCipher(p),
    config: p.config.webhooks,
    onError: (err) => p.log.warn({ err }, 'webhook dispatch'),
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
  return jobsOf(p, [reminders(p), audit(p), taskPurgeJobs(p.database.db), webhookJobs(p)]);
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
    mfaCipher: mfaCipher(p),
    webauthn: config.webauthn,
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
  // Comment and project events are written as webhook deliveries in the change's own transaction (at least once).
  // The webhooks module needs the project policy, so projects get a sink that forwards to it once built.
  let webhookSink: EventSink | undefined;
  const eventSink: EventSink = {
    write: (tx, events) => webhookSink?.write(tx, events) ?? Promise.resolve(0),
    committed: () => webhookSink?.committed(),
  };
  // Projects and the project policy (issue 15): tasks and users decide access through it.
  const projects = createProjectsModule({
    db,
    cache: p.cache,
    events: p.events,
    mailer: p.mailer,
    appUrl: config.appUrl,
    sink: eventSink,
  });
  // Webhooks (issue 18 item 4): deliveries written in the writer's transaction — the tasks outbox relay's (its
  // sink), a comment's or project change's (the event sink) — dispatched by the queue's job after the commit
  // (in-process here, or the worker's).
  const webhooks = createWebhooksModule({
    db,
    cipher: webhookCipher(p),
    policy: projects.policy,
    queue: p.queue,
    config: config.webhooks,
    onError: (err) => p.log.warn({ err }, 'webhooks'),
  });
  webhookSink = webhooks.eventSink;
  // Web Push: its sender is the reminders' PushSender (built before them).
  const push = pushModule(p);
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
      projects: projects.service,
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
    reminders: reminders(p, push.sender),
    projects,
    // Comments on tasks (issue 15 item 5), decided by the project policy.
    comments: createCommentsModule({ db, policy: projects.policy, events: p.events, sink: webhooks.eventSink }),
    views: createViewsModule({ db }),
    serverInfo: createServerInfoModule({ smtp: Boolean(config.smtpUrl) }),
    tokens: createTokensModule({ db, revocations: p.revocationBus }),
    // /push: the VAPID key and the devices' Web Push subscriptions (issue 17 item 2).
    push,
    webhooks,
    audit: audit(p),
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
      policy: projects.policy,
      outboxSink: webhooks.outboxSink,
    }),
    // POST /tasks/parse: `+Name` is the caller's project of that name (case-insensitive, not archived) where they
    // may add tasks (owner or editor); none found, the word stays in the title.
    quickAdd: createQuickAddModule({
      db,
      projectByName: async (userId, name) => {
        const wanted = name.toLowerCase();
        const mine = await projects.service.list(userId);
        return mine.find((x) => !x.archived && x.role !== 'viewer' && x.name.toLowerCase() === wanted)?.id ?? null;
      },
    }),
    // The iCal feed (issue 17 item 5) reads through the tasks list (membership, soft delete); unknown tokens
    // are limited per IP like the auth routes.
    calendar: createCalendarModule({
      db,
      tasks: (): TaskLister => modules.tasks.service.reads,
      appUrl: config.appUrl,
      limits: { store: p.rateLimitStore, max: config.rateLimit.authIpMax, windowSec: config.rateLimit.authWindowSec },
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
