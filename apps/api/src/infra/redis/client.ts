/**
 * Redis connections that fail fast: no offline queue (a command while disconnected fails at once instead of
 * waiting), short command timeouts, endless background reconnection, and a circuit breaker so that a dead
 * Redis costs no latency. Callers always have an in-process fallback.
 */
import { Redis, type RedisOptions } from 'ioredis';

export interface RedisConnOptions {
  url: string;
  /** Key prefix for everything this app stores (tests use a unique one). */
  keyPrefix?: string;
  commandTimeoutMs?: number;
}

export function createRedis(o: RedisConnOptions, extra: RedisOptions = {}): Redis {
  const client = new Redis(o.url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1000,
    commandTimeout: o.commandTimeoutMs ?? 250,
    retryStrategy: (times) => Math.min(times * 100, 1000),
    reconnectOnError: () => false,
    ...extra,
  });
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
