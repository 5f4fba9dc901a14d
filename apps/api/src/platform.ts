/**
 * The platform: the infrastructure a process runs on (config, database, reads, cache, domain-event bus, rate-limit
 * store, tokens, mail, job queue, metrics, Redis, cursor key, logger, closers), built once per process (or per
 * test) and handed to the composition root and buildApp. It holds no module: composition.ts builds those from it.
 * In-process implementations by default; Redis-backed ones replace them when REDIS_URL is set.
 */
import { createHmac } from 'node:crypto';
import type { Redis } from 'ioredis';
import { type Logger, pino } from 'pino';
import type { Config } from './config';
import { type Cache, MemoryCache } from './infra/cache/cache';
import { TieredCache } from './infra/cache/tiered';
import type { Database } from './infra/db/client';
import { ReadRouter } from './infra/db/read-router';
import { EventBus } from './infra/events';
import type { Mailer } from './infra/mail/mailer';
import { createMailTransport } from './infra/mail/transport';
import { BullQueue } from './infra/queue/bullmq';
import { InProcessQueue } from './infra/queue/in-process';
import type { JobQueue } from './infra/queue/queue';
import { mailJobKey, QueuedMailer } from './infra/queue/queued-mailer';
import { createMetrics, type Metrics } from './infra/metrics';
import { MemoryRateLimitStore, type RateLimitStore } from './infra/rate-limit';
import { CircuitBreaker, createRedis } from './infra/redis/client';
import { FallbackRateLimitStore, RedisRateLimitStore } from './infra/redis/rate-limit-store';
import { RedisRevocationBus } from './infra/redis/revocation-bus';
import { loadOrCreateSecret } from './infra/secrets';
import type { RevocationBus } from './infra/session-guard';
import { TokenService } from './infra/tokens';
import { loggerOptions } from './lib/logger';

export interface Platform {
  config: Config;
  database: Database;
  tokens: TokenService;
  /** Revoked sessions announced to every instance (Redis); undefined on a single instance. */
  revocationBus: RevocationBus | undefined;
  rateLimitStore: RateLimitStore;
  /** Set when REDIS_URL is: the command connection (shared state) and its circuit breaker. */
  redis: { client: Redis; subscriber: Redis; breaker: CircuitBreaker; prefix: string } | undefined;
  /** Outgoing mail as requests use it: queued in front of `mailTransport` (tests pass a direct one). */
  mailer: Mailer;
  /** What really delivers mail: SMTP when SMTP_URL is set, else the outbox folder (tests pass a MemoryMailer). */
  mailTransport: Mailer;
  /** Background jobs: BullMQ when REDIS_URL is set (run by `npm run worker`), else an in-process runner. */
  queue: JobQueue;
  /** Prometheus registry and typed metric handles, one registry per platform (never the global one). */
  metrics: Metrics;
  /** Cached expensive reads (task stats); in-process by default. */
  cache: Cache;
  /** Domain events (task.created/updated/deleted), published after commit by the tasks module's outbox relay. */
  events: EventBus;
  /** Replica for lag-tolerant reads, primary right after the user's own write. */
  reads: ReadRouter;
  /** HMAC key of list cursors (derived from the signing secret, so every instance accepts every cursor). */
  cursorKey: Buffer;
  /** Seals queued mail at rest (derived from the signing secret, so the worker opens what the API queued). */
  mailJobKey: Buffer;
  /** The process's logger for work outside a request (mail, event fan-out, bookkeeping). */
  log: Logger;
  /** Things to close when the app closes (beyond the database, which the caller owns). */
  closers: Array<() => Promise<void>>;
}

export interface PlatformOverrides {
  rateLimitStore?: RateLimitStore;
  /** The signing secret (else JWT_SECRET, else the one kept in DATA_DIR); tests pass a random one. */
  jwtSecret?: string;
  /** Requests' mail goes straight to this one (not queued); it is also the transport unless that is given. */
  mailer?: Mailer;
  mailTransport?: Mailer;
  metrics?: Metrics;
  cache?: Cache;
  queue?: JobQueue;
}

export function createPlatform(config: Config, database: Database, overrides: PlatformOverrides = {}): Platform {
  const secret = overrides.jwtSecret ?? config.jwtSecret ?? loadOrCreateSecret(config.dataDir);
  const log = pino(loggerOptions(config.logLevel));
  const closers: Array<() => Promise<void>> = [];
  let redis: Platform['redis'];
  let revocationBus: RevocationBus | undefined;
  if (config.redisUrl) {
    const client = createRedis({ url: config.redisUrl });
    const subscriber = createRedis({ url: config.redisUrl, commandTimeoutMs: 5000 }, { enableOfflineQueue: true });
    redis = { client, subscriber, breaker: new CircuitBreaker(), prefix: config.redisKeyPrefix };
    revocationBus = new RedisRevocationBus(client, subscriber, `${config.redisKeyPrefix}revoked`);
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
  const mailTransport = overrides.mailTransport ?? overrides.mailer ?? createMailTransport(config, log);
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
    // The composition root registers the job handlers (the modules that own them are built after the queue).
    queue = new InProcessQueue(
      {},
      {
        onRun: (_name, seconds, outcome) => metrics.jobDuration.observe({ queue: 'inprocess', outcome }, seconds),
      },
    );
    closers.push(() => queue.close());
  }
  // After the queue: its running mail jobs finish before the SMTP pool closes.
  closers.push(async () => mailTransport.close?.());
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
  const mailKey = mailJobKey(secret);
  const mailer = overrides.mailer ?? new QueuedMailer(queue, mailTransport, mailKey);
  return {
    config,
    database,
    tokens: new TokenService(secret, config.accessTokenTtlSec),
    revocationBus,
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
    cursorKey: createHmac('sha256', secret).update('primetrade:list-cursor:v1').digest(),
    mailJobKey: mailKey,
    log,
    closers,
  };
}
