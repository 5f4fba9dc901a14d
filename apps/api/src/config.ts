/**
 * The only module that reads process.env. Every variable of docs/architecture.md's table is validated here
 * once; a bad value stops the start with one message that names every bad key.
 */
import { z } from 'zod';
import { parseRoles, ROLE_NAMES, type Role } from './roles';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Durations like 15m, 7d, 30s, 2h or plain seconds. */
const DURATION_RE = /^(\d+)\s*(ms|s|m|h|d)?$/;
function parseDurationSeconds(v: string): number | null {
  const m = DURATION_RE.exec(v.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  const mult = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[unit] ?? 1;
  return n * mult;
}
const duration = z.string().transform((v, ctx) => {
  const s = parseDurationSeconds(v);
  if (s === null || s <= 0) {
    ctx.addIssue({ code: 'custom', message: 'expected a duration such as 900, 15m, 7d' });
    return z.NEVER;
  }
  return s;
});

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const url = z.url();
const optionalUrl = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v))
  .pipe(z.url().optional());

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(0, 65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  APP_URL: url.optional(),
  DATA_DIR: z.string().min(1).default('./.data'),
  DATABASE_URL: optionalUrl,
  DATABASE_REPLICA_URL: optionalUrl,
  DATABASE_POOL_MAX: int(1, 500).default(20),
  READ_YOUR_WRITES_MS: int(0, 600_000).default(5_000),
  DATABASE_STATEMENT_TIMEOUT_MS: int(100, 600_000).default(10_000),
  DATABASE_CONNECT_TIMEOUT_MS: int(100, 120_000).default(5_000),
  REDIS_URL: optionalUrl,
  REDIS_KEY_PREFIX: z.string().max(64).default('pt:'),
  /**
   * Redis behind Sentinel (docs/operations.md "Redis with Sentinel"), instead of REDIS_URL: the Sentinels as
   * host:port[,host:port…]. Every Redis client (cache, limits, pub/sub, event streams, BullMQ producers and
   * workers) asks them for the current master and follows a failover without a restart.
   */
  REDIS_SENTINELS: z
    .string()
    .max(2048)
    .regex(
      /^\s*([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):\d{1,5}\s*(,\s*([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):\d{1,5}\s*)*$/,
      'expected host:port[,host:port…]',
    )
    .optional(),
  /** The master name the Sentinels monitor (`sentinel monitor <name> …`); read with REDIS_SENTINELS. */
  REDIS_MASTER_NAME: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,128}$/, 'expected letters, digits, ".", "_" or "-"')
    .default('primetrade'),
  JWT_SECRET: z.string().min(32, 'must be at least 32 bytes').optional(),
  ACCESS_TOKEN_TTL: duration.default(15 * 60),
  REFRESH_TOKEN_TTL: duration.default(7 * 86400),
  SESSION_ABSOLUTE_TTL: duration.default(30 * 86400),
  REFRESH_REUSE_GRACE_SECONDS: int(0, 300).default(0),
  RATE_LIMIT_API_MAX: int(1, 1_000_000).default(600),
  RATE_LIMIT_API_WINDOW_SECONDS: int(1, 86400).default(60),
  RATE_LIMIT_AUTH_IP_MAX: int(1, 1_000_000).default(20),
  RATE_LIMIT_LOGIN_FAILURES_MAX: int(1, 1_000_000).default(5),
  RATE_LIMIT_AUTH_WINDOW_SECONDS: int(1, 86400).default(900),
  RATE_LIMIT_TASK_CREATE_MAX: int(1, 1_000_000).default(50),
  RATE_LIMIT_TASK_CREATE_WINDOW_SECONDS: int(1, 86400).default(900),
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === '' || v === 'false' || v === '0' ? false : v === 'true' ? true : v)),
  CORS_ORIGINS: z.string().optional(),
  SMTP_URL: optionalUrl,
  MAIL_FROM: z.string().default('Primetrade Tasks <no-reply@primetrade.local>'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  METRICS_TOKEN: z.string().min(16).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  OTEL_SERVICE_NAME: z.string().default('primetrade-api'),
  SENTRY_DSN: optionalUrl,
  RELEASE: z.string().default('dev'),
  WEB_DIST_DIR: z.string().optional(),
  SERVE_WEB: bool.default(true),
  /** One access-log line per web-app file served (assets, index.html); off by default, API requests always log. */
  LOG_STATIC_REQUESTS: bool.default(false),
  SHUTDOWN_TIMEOUT_MS: int(100, 60_000).default(10_000),
  CLUSTER_WORKERS: int(0, 256).default(0),
  /**
   * What this process runs (src/roles.ts): a comma list of auth, tasks, events, worker, scheduler — or all (the
   * default: every route and background part, jobs as before). Split roles share state through Redis (REDIS_URL).
   */
  ROLES: z.string().max(200).default('all'),
  SSE_HEARTBEAT_MS: int(100, 120_000).default(20_000),
  /** Open SSE streams one user may hold on one instance; the next is 429 (a closed stream frees its slot). */
  SSE_MAX_STREAMS_PER_USER: int(1, 10_000).default(20),
  MAX_EVENT_LOOP_DELAY_MS: int(0, 60_000).default(1000),
  MAX_IN_FLIGHT: int(0, 1_000_000).default(64),
  OUTBOX_POLL_MS: int(50, 600_000).default(1000),
  WORKER_CONCURRENCY: int(1, 256).default(4),
  /** The worker process's /metrics and /health endpoint (0 = none). */
  WORKER_METRICS_PORT: int(0, 65535).default(9464),
  REMINDER_SCAN_INTERVAL_MS: int(1000, 86_400_000).default(60_000),
  REMINDER_LEASE_SECONDS: int(1, 86_400).default(300),
  QUEUE_LOCK_DURATION_MS: int(1000, 600_000).default(30_000),
  QUEUE_STALLED_INTERVAL_MS: int(1000, 600_000).default(30_000),
  /** Test-only routes under /__test (slow responses for the shutdown test); refused in production. */
  TEST_ROUTES: bool.default(false),
  FIELD_ENCRYPTION_KEYS: z.string().optional(),
  /** Days an audit event is kept; an hourly job purges older ones (docs/security.md "Audit log"). */
  AUDIT_RETENTION_DAYS: int(1, 36_500).default(365),
  /** Webhooks (modules/webhooks): allow private, loopback and link-local targets (and http://) — local development only. */
  WEBHOOK_ALLOW_PRIVATE: bool.default(false),
  /** How often the webhook dispatcher looks for due deliveries (a job; also kicked after each new event). */
  WEBHOOK_DISPATCH_INTERVAL_MS: int(100, 600_000).default(5000),
  /** Retry backoff: base, doubled after each failed attempt, capped at the max; given up after the window. */
  WEBHOOK_RETRY_BASE_MS: int(10, 3_600_000).default(30_000),
  WEBHOOK_RETRY_MAX_MS: int(10, 86_400_000).default(3_600_000),
  WEBHOOK_RETRY_WINDOW_MS: int(1000, 7 * 86_400_000).default(86_400_000),
  WEBHOOK_CONNECT_TIMEOUT_MS: int(50, 60_000).default(5000),
  WEBHOOK_TIMEOUT_MS: int(100, 120_000).default(10_000),
  OIDC_ISSUER_URL: optionalUrl,
  OIDC_CLIENT_ID: z.string().max(256).optional(),
  OIDC_CLIENT_SECRET: z.string().max(1024).optional(),
  OIDC_PROVIDER_NAME: z.string().min(1).max(64).default('OpenID Connect'),
  /** Passkeys: the WebAuthn relying party id (a registrable domain); default APP_URL's host name. */
  WEBAUTHN_RP_ID: z.string().min(1).max(253).optional(),
  /** Passkeys: the origins an assertion may come from (comma-separated); default APP_URL's origin. */
  WEBAUTHN_ORIGINS: z.string().max(2048).optional(),
  WEBAUTHN_RP_NAME: z.string().min(1).max(64).default('Primetrade Tasks'),
  /** Web Push (modules/push): the VAPID key pair (base64url, `npx web-push generate-vapid-keys`); unset = push off. */
  VAPID_PUBLIC_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{87}$/, 'expected an uncompressed P-256 public key, base64url (87 characters)')
    .optional(),
  VAPID_PRIVATE_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, 'expected a P-256 private key, base64url (43 characters)')
    .optional(),
  /** The VAPID `sub` claim: a mailto: or https: contact for the push services (RFC 8292). */
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:.+@.+|https:\/\/.+)$/, 'expected mailto:… or https://…')
    .optional(),
  /** Web Push: allow http:// and private, loopback or link-local push endpoints — tests and local development only. */
  PUSH_ALLOW_PRIVATE: bool.default(false),
  /** Web Push: a push service slower than this (connect + answer) is a failed send. */
  PUSH_TIMEOUT_MS: int(100, 120_000).default(10_000),
  TEST_DATABASE_URL: optionalUrl,
  TEST_REDIS_URL: optionalUrl,
  /** A migrated PGlite data-directory tarball tests open their in-memory databases from (the test global setup writes it). */
  TEST_PGLITE_TEMPLATE: z.string().optional(),
});

export type Env = z.input<typeof envSchema>;

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  appUrl: string;
  dataDir: string;
  databaseUrl: string | undefined;
  databaseReplicaUrl: string | undefined;
  dbPoolMax: number;
  /** After a user's write, their lag-tolerant reads use the primary for this long. */
  readYourWritesMs: number;
  dbStatementTimeoutMs: number;
  dbConnectTimeoutMs: number;
  /**
   * The Redis endpoint every client is made from (infra/redis/client.ts createRedis): REDIS_URL, or with
   * REDIS_SENTINELS a `redis-sentinel://host:port,…/<master name>` address that createRedis opens in Sentinel mode.
   */
  redisUrl: string | undefined;
  /** REDIS_SENTINELS + REDIS_MASTER_NAME, parsed; undefined without Sentinel. */
  redisSentinel: { sentinels: Array<{ host: string; port: number }>; masterName: string } | undefined;
  /** Prefix of every Redis key and channel (lets several deployments or test runs share one Redis). */
  redisKeyPrefix: string;
  /** Undefined in embedded mode: a secret is then generated once and kept under DATA_DIR. */
  jwtSecret: string | undefined;
  accessTokenTtlSec: number;
  refreshTokenTtlSec: number;
  sessionAbsoluteTtlSec: number;
  refreshReuseGraceSec: number;
  rateLimit: {
    apiMax: number;
    apiWindowSec: number;
    authIpMax: number;
    loginFailuresMax: number;
    authWindowSec: number;
    taskCreateMax: number;
    taskCreateWindowSec: number;
  };
  trustProxy: boolean | string;
  corsOrigins: string[];
  smtpUrl: string | undefined;
  mailFrom: string;
  logLevel: string;
  metricsToken: string | undefined;
  otlpEndpoint: string | undefined;
  otelServiceName: string;
  sentryDsn: string | undefined;
  release: string;
  webDistDir: string | undefined;
  serveWeb: boolean;
  logStaticRequests: boolean;
  shutdownTimeoutMs: number;
  /** Workers for `npm run start:cluster`; 0 = one per core. */
  clusterWorkers: number;
  /** ROLES: what this process runs (src/roles.ts); ['all'] by default. */
  roles: Role[];
  /** Heartbeat comment interval on SSE streams (the contract asks for at most 25 s). */
  sseHeartbeatMs: number;
  /** Open SSE streams one user may hold on one instance; the next gets 429. */
  sseMaxStreamsPerUser: number;
  /** Load shedding: above this mean event-loop delay (per 0.5 s sample) requests get 503 + Retry-After; 0 = off. */
  maxEventLoopDelayMs: number;
  /** Admission control: requests worked on at once before new ones get 503 (0 = no cap). */
  maxInFlight: number;
  /** How often the event relay looks for unpublished changes (besides being kicked after each write). */
  outboxPollMs: number;
  worker: {
    concurrency: number;
    /** Port of the worker's /metrics and /health endpoint; 0 = none. */
    metricsPort: number;
    reminderScanIntervalMs: number;
    reminderLeaseSec: number;
    lockDurationMs: number;
    stalledIntervalMs: number;
  };
  /** Mount the test-only /__test routes (never in production). */
  testRoutes: boolean;
  fieldEncryptionKeys: string | undefined;
  /** Audit events older than this many days are purged (modules/audit, a job every hour). */
  auditRetentionDays: number;
  /** Webhook delivery (modules/webhooks; docs/security.md "Webhooks and SSRF"). */
  webhooks: {
    allowPrivate: boolean;
    dispatchIntervalMs: number;
    retryBaseMs: number;
    retryMaxMs: number;
    retryWindowMs: number;
    connectTimeoutMs: number;
    timeoutMs: number;
  };
  /** Generic OpenID Connect sign-in (modules/oidc); undefined unless OIDC_ISSUER_URL and OIDC_CLIENT_ID are set. */
  oidc: { issuerUrl: string; clientId: string; clientSecret: string | undefined; providerName: string } | undefined;
  /** Passkeys (WebAuthn): relying party id and name, and the origins assertions may come from. */
  webauthn: { rpId: string; rpName: string; origins: string[] };
  /**
   * Web Push (modules/push; docs/operations.md "Web Push"): the VAPID keys and subject, undefined unless all three
   * are set (push is then off); allowPrivate admits http:// and private endpoints (tests, local development).
   */
  push: {
    vapid: { publicKey: string; privateKey: string; subject: string } | undefined;
    allowPrivate: boolean;
    timeoutMs: number;
  };
  /** Cookies get Secure unless the app is served over plain local http. */
  secureCookies: boolean;
  /** The origins a cookie-authenticated write may come from (Origin/Referer): APP_URL's and CORS_ORIGINS. */
  cookieWriteOrigins: string[];
  testDatabaseUrl: string | undefined;
  testRedisUrl: string | undefined;
  testPgliteTemplate: string | undefined;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Validate an environment (process.env by default) into a typed config, or throw one ConfigError naming every bad key. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const extra: string[] = [];
  if (e.DATABASE_URL && !e.JWT_SECRET) {
    extra.push('JWT_SECRET: required when DATABASE_URL is set');
  }
  if (e.TEST_ROUTES && e.NODE_ENV === 'production') extra.push('TEST_ROUTES: not allowed in production');
  if (e.REDIS_URL && e.REDIS_SENTINELS) extra.push('REDIS_SENTINELS: set REDIS_URL or REDIS_SENTINELS, not both');
  const redisSentinel = e.REDIS_SENTINELS
    ? {
        sentinels: e.REDIS_SENTINELS.split(',').map((s) => {
          const hp = s.trim();
          const i = hp.lastIndexOf(':');
          return { host: hp.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port: Number(hp.slice(i + 1)) };
        }),
        masterName: e.REDIS_MASTER_NAME,
      }
    : undefined;
  if (e.OIDC_ISSUER_URL && !e.OIDC_CLIENT_ID) extra.push('OIDC_CLIENT_ID: required when OIDC_ISSUER_URL is set');
  const vapidSet = [e.VAPID_PUBLIC_KEY, e.VAPID_PRIVATE_KEY, e.VAPID_SUBJECT].filter(Boolean).length;
  if (vapidSet > 0 && vapidSet < 3) {
    extra.push('VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY, VAPID_SUBJECT: set all three (Web Push) or none');
  }
  if (e.PUSH_ALLOW_PRIVATE && e.NODE_ENV === 'production') extra.push('PUSH_ALLOW_PRIVATE: not allowed in production');
  const roles = parseRoles(e.ROLES);
  if (roles.unknown.length) {
    extra.push(
      `ROLES: unknown role ${roles.unknown.map((r) => `'${r}'`).join(', ')} (expected a comma list of ${ROLE_NAMES.join(', ')})`,
    );
  } else if (!roles.roles.includes('all') && !e.REDIS_URL && !e.REDIS_SENTINELS) {
    extra.push(
      `ROLES: ${roles.roles.join(',')} needs REDIS_URL (split roles share events, sessions and jobs through Redis)`,
    );
  }
  if (extra.length) throw new ConfigError(extra);
  const appUrl = (e.APP_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  const corsOrigins = (e.CORS_ORIGINS ?? appUrl)
    .split(',')
    .map((o) => o.trim().replace(/\/$/, ''))
    .filter(Boolean);
  const originOf = (u: string) => URL.parse(u)?.origin;
  const secureCookies = !/^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(appUrl);
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    appUrl,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    databaseReplicaUrl: e.DATABASE_REPLICA_URL,
    dbPoolMax: e.DATABASE_POOL_MAX,
    readYourWritesMs: e.READ_YOUR_WRITES_MS,
    dbStatementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
    dbConnectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS,
    redisUrl: redisSentinel
      ? `redis-sentinel://${e.REDIS_SENTINELS?.split(',')
          .map((s) => s.trim())
          .join(',')}/${redisSentinel.masterName}`
      : e.REDIS_URL,
    redisSentinel,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    jwtSecret: e.JWT_SECRET,
    accessTokenTtlSec: e.ACCESS_TOKEN_TTL,
    refreshTokenTtlSec: e.REFRESH_TOKEN_TTL,
    sessionAbsoluteTtlSec: e.SESSION_ABSOLUTE_TTL,
    refreshReuseGraceSec: e.REFRESH_REUSE_GRACE_SECONDS,
    rateLimit: {
      apiMax: e.RATE_LIMIT_API_MAX,
      apiWindowSec: e.RATE_LIMIT_API_WINDOW_SECONDS,
      authIpMax: e.RATE_LIMIT_AUTH_IP_MAX,
      loginFailuresMax: e.RATE_LIMIT_LOGIN_FAILURES_MAX,
      authWindowSec: e.RATE_LIMIT_AUTH_WINDOW_SECONDS,
      taskCreateMax: e.RATE_LIMIT_TASK_CREATE_MAX,
      taskCreateWindowSec: e.RATE_LIMIT_TASK_CREATE_WINDOW_SECONDS,
    },
    trustProxy: e.TRUST_PROXY,
    corsOrigins,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    logLevel: e.LOG_LEVEL,
    metricsToken: e.METRICS_TOKEN,
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    otelServiceName: e.OTEL_SERVICE_NAME,
    sentryDsn: e.SENTRY_DSN,
    release: e.RELEASE,
    webDistDir: e.WEB_DIST_DIR,
    serveWeb: e.SERVE_WEB,
    logStaticRequests: e.LOG_STATIC_REQUESTS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    clusterWorkers: e.CLUSTER_WORKERS,
    roles: roles.roles,
    sseHeartbeatMs: e.SSE_HEARTBEAT_MS,
    sseMaxStreamsPerUser: e.SSE_MAX_STREAMS_PER_USER,
    maxEventLoopDelayMs: e.MAX_EVENT_LOOP_DELAY_MS,
    maxInFlight: e.MAX_IN_FLIGHT,
    outboxPollMs: e.OUTBOX_POLL_MS,
    worker: {
      concurrency: e.WORKER_CONCURRENCY,
      metricsPort: e.WORKER_METRICS_PORT,
      reminderScanIntervalMs: e.REMINDER_SCAN_INTERVAL_MS,
      reminderLeaseSec: e.REMINDER_LEASE_SECONDS,
      lockDurationMs: e.QUEUE_LOCK_DURATION_MS,
      stalledIntervalMs: e.QUEUE_STALLED_INTERVAL_MS,
    },
    testRoutes: e.TEST_ROUTES,
    fieldEncryptionKeys: e.FIELD_ENCRYPTION_KEYS,
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    webhooks: {
      allowPrivate: e.WEBHOOK_ALLOW_PRIVATE,
      dispatchIntervalMs: e.WEBHOOK_DISPATCH_INTERVAL_MS,
      retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      retryMaxMs: e.WEBHOOK_RETRY_MAX_MS,
      retryWindowMs: e.WEBHOOK_RETRY_WINDOW_MS,
      connectTimeoutMs: e.WEBHOOK_CONNECT_TIMEOUT_MS,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
    },
    oidc:
      e.OIDC_ISSUER_URL && e.OIDC_CLIENT_ID
        ? {
            issuerUrl: e.OIDC_ISSUER_URL,
            clientId: e.OIDC_CLIENT_ID,
            clientSecret: e.OIDC_CLIENT_SECRET,
            providerName: e.OIDC_PROVIDER_NAME,
          }
        : undefined,
    webauthn: {
      rpId: e.WEBAUTHN_RP_ID ?? new URL(appUrl).hostname,
      rpName: e.WEBAUTHN_RP_NAME,
      origins: (e.WEBAUTHN_ORIGINS ?? appUrl)
        .split(',')
        .map((o) => URL.parse(o.trim())?.origin)
        .filter((o): o is string => Boolean(o && o !== 'null')),
    },
    push: {
      vapid:
        e.VAPID_PUBLIC_KEY && e.VAPID_PRIVATE_KEY && e.VAPID_SUBJECT
          ? { publicKey: e.VAPID_PUBLIC_KEY, privateKey: e.VAPID_PRIVATE_KEY, subject: e.VAPID_SUBJECT }
          : undefined,
      allowPrivate: e.PUSH_ALLOW_PRIVATE,
      timeoutMs: e.PUSH_TIMEOUT_MS,
    },
    secureCookies,
    cookieWriteOrigins: [
      ...new Set([appUrl, ...corsOrigins].map(originOf).filter((o): o is string => Boolean(o && o !== 'null'))),
    ],
    testDatabaseUrl: e.TEST_DATABASE_URL,
    testRedisUrl: e.TEST_REDIS_URL,
    testPgliteTemplate: e.TEST_PGLITE_TEMPLATE,
  };
}

/**
 * A config for tests: defaults plus overrides. Of the process environment only TEST_DATABASE_URL and
 * TEST_REDIS_URL (CI sets them to the real services) and TEST_PGLITE_TEMPLATE (the test global setup) are read.
 */
/** What a test may set: any field, and any of the rate limits (the others keep their defaults). */
export type TestConfigOverrides = Partial<Omit<Config, 'rateLimit'>> & { rateLimit?: Partial<Config['rateLimit']> };

export function testConfig(overrides: TestConfigOverrides = {}, env: Record<string, string | undefined> = {}): Config {
  const base = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    SERVE_WEB: 'false',
    // Test processes share two cores with many others: load shedding would turn their scheduling delays into
    // 503s. Its own test turns it on.
    MAX_EVENT_LOOP_DELAY_MS: '0',
    MAX_IN_FLIGHT: '0',
    TEST_DATABASE_URL: process.env.TEST_DATABASE_URL,
    TEST_REDIS_URL: process.env.TEST_REDIS_URL,
    TEST_PGLITE_TEMPLATE: process.env.TEST_PGLITE_TEMPLATE,
    ...env,
  });
  return { ...base, ...overrides, rateLimit: { ...base.rateLimit, ...(overrides.rateLimit ?? {}) } };
}

/**
 * The size of a slow test (fuzz request counts, property runs, bulk rows, fixture runs): `full` in CI (CI=true or
 * CI=1, as .ci/run and the GitHub workflow set it, or TEST_FULL_SIZE=1 to get CI's sizes locally), `local` for a
 * developer's `npm test`, which must stay under 5 minutes on a 2-core box (issue 14 item 7; docs/performance.md
 * "The test suite's own time"). The local size is smaller but still meaningful; the bar's size is CI's. Tests read
 * the variable only through this function (apps/api/src/test/suite-size.test.ts checks that).
 */
export function suiteSize(full: number, local: number, env: Record<string, string | undefined> = process.env): number {
  const on = (v: string | undefined) => v === 'true' || v === '1';
  return on(env.CI) || on(env.TEST_FULL_SIZE) ? full : Math.min(local, full);
}
