/**
 * Redis connections that fail fast: no offline queue (a command while disconnected fails at once instead of
 * waiting), short command timeouts, endless background reconnection, and a circuit breaker so that a dead
 * Redis costs no latency. Callers always have an in-process fallback.
 *
 * Sentinel: a `redis-sentinel://host:port,host:port/<master name>` address (config.ts builds it from
 * REDIS_SENTINELS + REDIS_MASTER_NAME) opens the client in ioredis' Sentinel mode: it asks the Sentinels for the
 * master, checks the node's role on every connect, reconnects on READONLY (an old master turned replica) and, after
 * the master dies, reconnects to whichever replica the Sentinels promoted — subscribers resubscribe by themselves
 * (autoResubscribe). Every client the app makes goes through createRedis, so all of them follow.
 */
import type { Redis, RedisOptions } from 'ioredis';
import { lazyModule } from '../../lib/lazy-module';

/** ioredis, loaded with the first connection: a process without REDIS_URL never loads it. */
const ioredis = lazyModule<typeof import('ioredis')>('ioredis');

export interface RedisConnOptions {
  /** redis://… or redis-sentinel://host:port,…/<master name>. */
  url: string;
  /** Key prefix for everything this app stores (tests use a unique one). */
  keyPrefix?: string;
  commandTimeoutMs?: number;
}

export interface SentinelEndpoint {
  sentinels: Array<{ host: string; port: number }>;
  name: string;
}

/** The Sentinels and master name of a `redis-sentinel://` address; undefined for any other URL. */
export function parseSentinelUrl(url: string): SentinelEndpoint | undefined {
  const m = /^redis-sentinel:\/\/([^/]+)\/([^/?#]+)$/.exec(url);
  if (!m) return undefined;
  const sentinels = (m[1] as string).split(',').map((hp) => {
    const i = hp.lastIndexOf(':');
    return { host: hp.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port: Number(hp.slice(i + 1)) };
  });
  return { sentinels, name: decodeURIComponent(m[2] as string) };
}

/**
 * A command sent to a node that is a replica now (an old master demoted by Sentinel while this client was still
 * connected) fails with READONLY: drop the connection, so that the next one asks the Sentinels again.
 */
const reconnectOnReadOnly = (err: Error) => (err.message.startsWith('READONLY') ? 1 : false);

export function createRedis(o: RedisConnOptions, extra: RedisOptions = {}): Redis {
  const { Redis } = ioredis();
  const base: RedisOptions = {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1000,
    commandTimeout: o.commandTimeoutMs ?? 250,
    retryStrategy: (times) => Math.min(times * 100, 1000),
    reconnectOnError: () => false,
  };
  const sentinel = parseSentinelUrl(o.url);
  const client = sentinel
    ? new Redis({
        ...base,
        sentinels: sentinel.sentinels,
        name: sentinel.name,
        role: 'master',
        reconnectOnError: reconnectOnReadOnly,
        // While no Sentinel answers: keep asking, at most every second (never give up).
        sentinelRetryStrategy: (times) => Math.min(times * 100, 1000),
        sentinelCommandTimeout: 1000,
        // Learn Sentinels that join later. No failoverDetector: its +switch-master disconnect, arriving while a client
        // has already reconnected to the promoted node, left clients unanswered in R9 under load; a client left on
        // an old master turned replica gets READONLY and reconnects (reconnectOnReadOnly) instead.
        updateSentinels: true,
        failoverDetector: false,
        ...extra,
      })
    : new Redis(o.url, { ...base, ...extra });
  // Errors surface on each command (and through the breaker); the client reconnects by itself.
  client.on('error', () => {});
  return client;
}

/** Opens after `threshold` consecutive failures; while open, calls skip Redis for `coolDownMs`. */
export class CircuitBreaker {
  private failures = 0;
  private openUntil = 0;
  constructor(
    private readonly threshold = 3,
    private readonly coolDownMs = 2000,
    private readonly now: () => number = Date.now,
  ) {}

  get isOpen(): boolean {
    return this.now() < this.openUntil;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.isOpen) throw new Error('circuit open');
    try {
      const v = await fn();
      this.failures = 0;
      return v;
    } catch (err) {
      this.failures += 1;
      if (this.failures >= this.threshold) this.openUntil = this.now() + this.coolDownMs;
      throw err;
    }
  }
}

/** Resolve when the connection is ready, or after `timeoutMs` (false) — never throws, never hangs a start. */
export function waitReady(client: Redis, timeoutMs = 2000): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    client.on('ready', onReady);
  });
}
