/**
 * Fixed-window counters behind a pluggable store: in-process here, Redis when REDIS_URL is set (scale-out), and the
 * helpers every limit uses (the API-wide plugin in plugins/rate-limit.ts, auth per IP, login failures per email,
 * task creation per user): count a hit, set the contract's RateLimit-* headers, answer 429 when over.
 */
import type { FastifyReply } from 'fastify';
import { rateLimited } from '../lib/errors';
import { BoundedMap } from './bounded-map';

export interface WindowState {
  count: number;
  /** Milliseconds until this window ends. */
  resetMs: number;
}

export interface RateLimitStore {
  readonly kind: string;
  /** Add `cost` to the key's counter in its current window, opening a window of `windowSec` if none is open. */
  incr(key: string, windowSec: number, cost?: number): Promise<WindowState>;
  /** The counter without changing it (count 0 when no window is open). */
  get(key: string): Promise<WindowState>;
  reset(key: string): Promise<void>;
  close?(): Promise<void>;
}

export interface LimitResult extends WindowState {
  limit: number;
  allowed: boolean;
}

/** Count one hit against `key`; `allowed` is false once the count passes `max`. */
export async function hit(store: RateLimitStore, key: string, max: number, windowSec: number): Promise<LimitResult> {
  const w = await store.incr(key, windowSec);
  return { ...w, limit: max, allowed: w.count <= max };
}

export function setRateLimitHeaders(reply: FastifyReply, r: LimitResult): void {
  reply.header('RateLimit-Limit', String(r.limit));
  reply.header('RateLimit-Remaining', String(Math.max(0, r.limit - r.count)));
  reply.header('RateLimit-Reset', String(Math.max(0, Math.ceil(r.resetMs / 1000))));
}

/** Throw 429 with Retry-After (and the headers) when the result is over its limit. */
export function enforce(reply: FastifyReply, r: LimitResult, message?: string): void {
  setRateLimitHeaders(reply, r);
  if (!r.allowed) throw rateLimited(r.resetMs / 1000, message);
}

interface Entry {
  count: number;
  resetAt: number;
}

/** In-process store: bounded (oldest windows evicted first) and swept periodically. */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly kind = 'memory';
  private readonly windows: BoundedMap<Entry>;
  private readonly timer: NodeJS.Timeout;
  constructor(
    maxKeys = 100_000,
    private readonly now: () => number = Date.now,
  ) {
    this.windows = new BoundedMap<Entry>(maxKeys, (e) => e.resetAt, now);
    this.timer = setInterval(() => this.sweep(), 30_000);
    this.timer.unref();
  }

  async incr(key: string, windowSec: number, cost = 1): Promise<WindowState> {
    const now = this.now();
    let e = this.windows.get(key);
    if (!e) {
      e = { count: 0, resetAt: now + windowSec * 1000 };
      this.windows.set(key, e);
    }
    e.count += cost;
    return { count: e.count, resetMs: e.resetAt - now };
  }

  async get(key: string): Promise<WindowState> {
    const e = this.windows.get(key);
    return e ? { count: e.count, resetMs: e.resetAt - this.now() } : { count: 0, resetMs: 0 };
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  sweep(): void {
    this.windows.sweep();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
  }
}
