/**
 * Waits on conditions for the tests, instead of sleeping a guessed time: a sleep is too short on a loaded machine
 * (a flaky failure) and too long on an idle one, and it proves nothing about the order of events.
 */
import type { EventEmitter } from 'node:events';

/** Resolve once `cond()` holds (checked at once, then every `everyMs`); throw naming `what` after `timeoutMs`. */
export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = 'the condition',
  everyMs = 10,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * The first `event` from `emitter` whose arguments satisfy `match`; rejects after `timeoutMs`. Listen before causing
 * the event (call this, then act, then await the promise).
 */
export function nextEvent<A extends unknown[]>(
  emitter: Pick<EventEmitter, 'on' | 'off'>,
  event: string,
  match: (...args: A) => boolean = () => true,
  timeoutMs = 5000,
): Promise<A> {
  return new Promise<A>((resolve, reject) => {
    const listener = (...args: unknown[]) => {
      if (!match(...(args as A))) return;
      done();
      resolve(args as A);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for '${event}'`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      emitter.off(event, listener);
    };
    emitter.on(event, listener);
  });
}

/** How many clients are subscribed to a Redis channel (PUBSUB NUMSUB), for waiting until SUBSCRIBE has landed. */
export async function subscribers(
  redis: { pubsub(sub: 'NUMSUB', channel: string): Promise<unknown> },
  channel: string,
): Promise<number> {
  const reply = (await redis.pubsub('NUMSUB', channel)) as [string, number | string];
  return Number(reply[1]);
}
