/**
 * The application's dependencies, built once per process (or per test) and handed to buildApp.
 * In-process implementations by default; Redis-backed ones replace them when REDIS_URL is set.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import fp from 'fastify-plugin';
import { pino } from 'pino';
import type { Config } from './config';
import { type Cache, MemoryCache } from './infra/cache/cache';
import { TieredCache } from './infra/cache/tiered';
import { type Database } from './infra/db/client';
import { ReadRouter } from './infra/db/read-router';
import { EventBus } from './infra/events';
import { type Mailer, MemoryMailer, OutboxMailer } from './infra/mail/mailer';
import { SmtpMailer } from './infra/mail/smtp';
import { BullQueue } from './infra/queue/bullmq';
import { InProcessQueue } from './infra/queue/in-process';
import { type JobQueue } from './infra/queue/queue';
import { QueuedMailer } from './infra/queue/queued-mailer';
import { createJobHandlers } from './modules/jobs/handlers';
import { TaskEventRelay } from './modules/tasks/tasks.outbox';
import { createMetrics, type Metrics } from './infra/metrics';
import { MemoryRateLimitStore, type RateLimitStore } from './infra/rate-limit';
import { CircuitBreaker, createRedis } from './infra/redis/client';
import { FallbackRateLimitStore, RedisRateLimitStore } from './infra/redis/rate-limit-store';
import { RedisRevocationBus } from './infra/redis/revocation-bus';
import { loadOrCreateSecret } from './infra/secrets';
import { SessionGuard } from './infra/session-guard';
import { TokenService } from './infra/tokens';
import { loggerOptions } from './lib/logger';

export interface Deps {
  config: Config;
  database: Database;
  tokens: TokenService;
  sessionGuard: SessionGuard;
  rateLimitStore: RateLimitStore;
  /** Set when REDIS_URL is: the command connection (shared state) and its circuit breaker. */
  redis: { client: Redis; subscriber: Redis; breaker: CircuitBreaker; prefix: string } | undefined;
  /** Outgoing mail as requests use it: queued in front of `mailTransport` (direct in tests). */
  mailer: Mailer;
  /** What really delivers mail: SMTP when SMTP_URL is set, else the outbox folder (memory in tests). */
  mailTransport: Mailer;
  /** Background jobs: BullMQ when REDIS_URL is set (run by `npm run worker`), else an in-process runner. */
  queue: JobQueue;
  /** Prometheus registry and typed metric handles, one registry per Deps (never the global one). */
  metrics: Metrics;
  /** Cached expensive reads (task stats); in-process by default. */
  cache: Cache;
  /** Domain events (task.created/updated/deleted), published by `relay` from the outbox after commit. */
  events: EventBus;
  /** Publishes committed task changes (the outbox in task_activity) as domain events, at least once. */
  relay: TaskEventRelay;
  /** Replica for lag-tolerant reads, primary right after the user's own write. */
  reads: ReadRouter;
  /** HMAC key of list cursors (derived from the signing secret, so every instance accepts every cursor). */
  cursorKey: Buffer;
  /** Things to close when the app closes (beyond the database, which the caller owns). */
  closers: Array<() => Promise<void>>;
}

export interface DepsOverrides {
  rateLimitStore?: RateLimitStore;
  jwtSecret?: string;
  mailer?: Mailer;
  metrics?: Metrics;
  cache?: Cache;
  queue?: JobQueue;
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: Deps;
  }
}

export function createDeps(config: Config, database: Database, overrides: DepsOverrides = {}): Deps {
  const secret =
    overrides.jwtSecret ??
    config.jwtSecret ??
    (config.nodeEnv === 'test' ? randomBytes(32).toString('hex') : loadOrCreateSecret(config.dataDir));
  const closers: Array<() => Promise<void>> = [];
  const sessionGuard = new SessionGuard(database.db);
  let redis: Deps['redis'];
  if (config.redisUrl) {
    const client = createRedis({ url: config.redisUrl });
    const subscriber = createRedis({ url: config.redisUrl, commandTimeoutMs: 5000 }, { enableOfflineQueue: true });
    redis = { client, subscriber, breaker: new CircuitBreaker(), prefix: config.redisKeyPrefix };
    sessionGuard.useBus(new RedisRevocationBus(client, subscriber, `${config.redisKeyPrefix}revoked`));
    closers.push(async () => {
      client.disconnect();
      subscriber.disconnect();
    });
  }
  const rateLimitStore =
    overrides.rateLimitStore ??
    (redis
      ? new FallbackRateLimitStore(
          new RedisRateLimitStore(redis.client, redis.prefix),
          new MemoryRateLimitStore(),
          redis.breaker,
        )
      : new MemoryRateLimitStore());
  closers.unshift(async () => rateLimitStore.close?.());
  const mailTransport = overrides.mailer ?? defaultMailer(config);
  const handlers = createJobHandlers({
    db: database.db,
    mailer: mailTransport,
    reminders: { appUrl: config.appUrl, leaseSeconds: config.worker.reminderLeaseSec },
  });
  let queue: JobQueue;
  if (overrides.queue) queue = overrides.queue;
  else if (config.redisUrl && redis) {
    const conn = createRedis({ url: config.redisUrl, commandTimeoutMs: 2000 });
    queue = new BullQueue(conn, redis.prefix);
    closers.push(async () => {
      await queue.close().catch(() => {});
      conn.disconnect();
    });
  } else {
    queue = new InProcessQueue(handlers, {
      onRun: (_name, seconds, outcome) => metrics.jobDuration.observe({ queue: 'inprocess', outcome }, seconds),
    });
    closers.push(() => queue.close());
  }
  const metrics =
    overrides.metrics ??
    createMetrics({
      poolStats: () => database.poolStats(),
      poolMax: database.kind === 'postgres' ? config.dbPoolMax : 1,
    });
  let cache: Cache;
  if (overrides.cache) cache = overrides.cache;
  else if (redis) {
    const tiered = new TieredCache({
      ...redis,
      onHit: (level) => metrics.cacheHitsTotal.inc({ cache: level }),
      onMiss: () => metrics.cacheMissesTotal.inc({ cache: 'all' }),
    });
    closers.push(() => tiered.close());
    cache = tiered;
  } else cache = new MemoryCache();
  const events = new EventBus();
  const mailer =
    overrides.mailer ?? (config.nodeEnv === 'test' ? mailTransport : new QueuedMailer(queue, mailTransport));
  return {
    config,
    database,
    tokens: new TokenService(secret, config.accessTokenTtlSec),
    sessionGuard,
    redis,
    rateLimitStore,
    mailer,
    mailTransport,
    queue,
    metrics,
    cache,
    reads: new ReadRouter(
      database.db,
      database.hasReplica ? database.reader : undefined,
      config.readYourWritesMs,
      redis,
    ),
    events,
    relay: new TaskEventRelay(database.db, events, { pollMs: config.outboxPollMs }),
    cursorKey: createHmac('sha256', secret).update('primetrade:list-cursor:v1').digest(),
    closers,
  };
}

function defaultMailer(config: Config): Mailer {
  const log = config.logLevel === 'silent' ? undefined : pino(loggerOptions(config.logLevel));
  if (config.smtpUrl) return new SmtpMailer(config.smtpUrl, config.mailFrom, log);
  if (config.nodeEnv === 'test') return new MemoryMailer();
  return new OutboxMailer(config.dataDir, config.mailFrom, log);
}

export const depsPlugin = fp(
  async (app: FastifyInstance, opts: { deps: Deps }) => {
    app.decorate('deps', opts.deps);
    app.addHook('onClose', async () => {
      for (const close of opts.deps.closers) await close();
    });
  },
  { name: 'deps' },
);
