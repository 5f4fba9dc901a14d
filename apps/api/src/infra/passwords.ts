/**
 * argon2id at OWASP parameters (m = 19 MiB, t = 2, p = 1) via @node-rs/argon2 (no install scripts, ~2x faster
 * than node-argon2 here). Hashes made with weaker parameters are re-hashed at the next successful login.
 *
 * Hashing runs off the event loop (@node-rs/argon2's async API is a napi AsyncTask on libuv's threadpool), through
 * a bounded pool: at most ARGON2_SLOTS hashes at a time (never all of the threadpool, so file reads,
 * zlib and WebCrypto — the access token's HMAC — still find a thread), at most ARGON2_MAX_QUEUED waiting behind
 * them; a burst beyond that is answered 503 with Retry-After at once instead of queueing seconds of work. Many more
 * hashes in flight than cores only time-slice the same CPU (and each holds 19 MiB): no more throughput, longer
 * latency, and a threadpool with no thread left for anything else (bench P7).
 */
import os from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import { AppError, unavailable } from '../lib/errors';

const ARGON2_PARAMS = {
  algorithm: 2 /* Algorithm.Argon2id (a const enum) */,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;
const PARAM_PREFIX = `$argon2id$v=19$m=${ARGON2_PARAMS.memoryCost},t=${ARGON2_PARAMS.timeCost},p=${ARGON2_PARAMS.parallelism}$`;

/**
 * Hashes at a time: one more than the cores (3 on this 2-core box), and at least one thread of libuv's threadpool
 * (4 unless UV_THREADPOOL_SIZE says otherwise; nothing here sets it) always left for other work. One per core
 * would do on a machine of its own; on one shared with other processes the CPU is shared per runnable thread, and
 * 2 slots measured 0.82× the raw rate against 0.91× with 4 in the same bench run (P7, load average 34).
 */
export const ARGON2_SLOTS = Math.max(1, Math.min(os.availableParallelism() + 1, 3));
/** Hashes waiting for a slot; one more is refused (503): ~2 s of queue at ~25 ms a hash on 2 cores. */
export const ARGON2_MAX_QUEUED = 128;

/** A counting semaphore with a bounded FIFO queue. */
export function boundedPool(slots: number, maxQueued: number) {
  let running = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      if (running < slots) running++;
      else if (waiting.length >= maxQueued) throw unavailable('Too many sign-ins at once, try again shortly');
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await work();
      } finally {
        release();
      }
    },
    stats: () => ({ running, queued: waiting.length }),
  };
}

const pool = boundedPool(ARGON2_SLOTS, ARGON2_MAX_QUEUED);
export const argon2PoolStats = pool.stats;

export const hashPassword = (password: string) => pool.run(() => hash(password, ARGON2_PARAMS));

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await pool.run(() => verify(passwordHash, password));
  } catch (err) {
    if (err instanceof AppError) throw err; // the pool is full: 503, not a wrong password
    return false; // a malformed stored hash
  }
}

export const needsRehash = (passwordHash: string) => !passwordHash.startsWith(PARAM_PREFIX);

let dummy: Promise<string> | undefined;
/** Spend the time of a real verification when there is no account, so timing does not reveal which emails exist. */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= hashPassword('dummy-password-for-timing-equalisation');
  await verifyPassword(await dummy, password);
  return false;
}
