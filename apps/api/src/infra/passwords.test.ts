/**
 * The bounded argon2 pool (issue 20 item 5, bench P7): at most `slots` hashes at a time, the rest queued in order
 * up to `maxQueued`, and one more refused at once with a 503 (Retry-After) rather than queued. Planted fault
 * (inside the test): a pool with no bound lets every hash run at once.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../lib/errors';
import { ARGON2_SLOTS, boundedPool, hashPassword, verifyPassword } from './passwords';

/** Start `n` jobs on `run`; each holds its slot until released. Returns the peak concurrency seen and the outcomes. */
async function burst(run: <T>(work: () => Promise<T>) => Promise<T>, n: number) {
  let now = 0;
  let peak = 0;
  const order: number[] = [];
  const releases: Array<() => void> = [];
  const jobs = Array.from({ length: n }, (_, i) =>
    run(async () => {
      now++;
      peak = Math.max(peak, now);
      order.push(i);
      await new Promise<void>((r) => releases.push(r));
      now--;
      return i;
    }),
  );
  const settled = Promise.allSettled(jobs);
  // Release everything that starts, until every job has run or been refused.
  for (let k = 0; k < 50; k++) {
    await new Promise((r) => setImmediate(r));
    for (const r of releases.splice(0)) r();
  }
  return { peak, order, results: await settled };
}

describe('bounded argon2 pool', () => {
  it('runs at most `slots` at a time, queues in order, refuses past the queue bound with a 503', async () => {
    const pool = boundedPool(2, 3);
    const { peak, order, results } = await burst(pool.run, 7);
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(2);
    const err = (refused[0] as PromiseRejectedResult).reason as AppError;
    expect(err).toBeInstanceOf(AppError);
    expect(err.status).toBe(503);
    expect(err.headers?.['retry-after']).toBeDefined();
    expect(pool.stats()).toEqual({ running: 0, queued: 0 });

    // Planted fault: without the bound every job runs at once.
    const unbounded = boundedPool(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
    expect((await burst(unbounded.run, 7)).peak).toBe(7);
  });

  it('leaves a thread of libuv’s pool free and still hashes and verifies through it', async () => {
    expect(ARGON2_SLOTS).toBeGreaterThanOrEqual(1);
    expect(ARGON2_SLOTS).toBeLessThanOrEqual(3);
    const h = await hashPassword('pool test password');
    const checks = await Promise.all(
      Array.from({ length: 6 }, (_, i) => verifyPassword(h, i % 2 ? 'pool test password' : 'wrong')),
    );
    expect(checks).toEqual([false, true, false, true, false, true]);
  });
});
