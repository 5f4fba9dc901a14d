import { afterEach, describe, expect, it, vi } from 'vitest';
import { onSignOut, runSignOutHooks } from './sign-out-hooks';

describe('sign-out hooks', () => {
  const off: Array<() => void> = [];
  afterEach(() => {
    for (const f of off.splice(0)) f();
    vi.useRealTimers();
  });

  it('runs every hook with the context and waits for them', async () => {
    const seen: unknown[] = [];
    off.push(
      onSignOut(async (ctx) => {
        await new Promise((r) => setTimeout(r, 5));
        seen.push(['a', ctx]);
      }),
      onSignOut((ctx) => void seen.push(['b', ctx])),
    );
    await runSignOutHooks({ sessionEnded: true });
    expect(seen).toEqual(
      expect.arrayContaining([
        ['a', { sessionEnded: true }],
        ['b', { sessionEnded: true }],
      ]),
    );
  });

  it('a failing hook neither rejects nor stops the others', async () => {
    const other = vi.fn();
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    off.push(
      onSignOut(() => {
        throw new Error('boom');
      }),
      onSignOut(async () => Promise.reject(new Error('async boom'))),
      onSignOut(other),
    );
    await expect(runSignOutHooks()).resolves.toBeUndefined();
    expect(other).toHaveBeenCalledTimes(1);
  });

  it('a hanging hook is given up after the timeout', async () => {
    vi.useFakeTimers();
    off.push(onSignOut(() => new Promise(() => {})));
    let done = false;
    const run = runSignOutHooks({ sessionEnded: false }, 3000).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(2999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await run;
    expect(done).toBe(true);
  });

  it('an unregistered hook no longer runs', async () => {
    const fn = vi.fn();
    onSignOut(fn)();
    await runSignOutHooks();
    expect(fn).not.toHaveBeenCalled();
  });
});
