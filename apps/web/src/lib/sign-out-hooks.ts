/**
 * Clean-up that must happen on this device when its session ends on purpose (sign out, sign out everywhere,
 * account deletion), registered by the feature that owns the state and run by the feature that signs out — the
 * two never import each other. Example: the profile feature's Web Push subscription is removed, so the next
 * account on this browser does not get the previous one's reminders.
 *
 * `runSignOutHooks` runs every hook at once and waits at most `timeoutMs` for all of them: a failing or hanging
 * hook never blocks (or fails) the sign-out.
 */

export interface SignOutContext {
  /**
   * True when the server session (and the account's server-side data) is already gone — after an account
   * deletion: a hook then only clears what is in the browser.
   */
  sessionEnded: boolean;
}

export type SignOutHook = (ctx: SignOutContext) => unknown;

const hooks = new Set<SignOutHook>();

/** Register a hook; the returned function removes it. */
export function onSignOut(fn: SignOutHook): () => void {
  hooks.add(fn);
  return () => {
    hooks.delete(fn);
  };
}

export const SIGN_OUT_HOOKS_TIMEOUT_MS = 3000;

/** Run every registered hook; resolves when all settled or after `timeoutMs`, never rejects. */
export async function runSignOutHooks(
  ctx: SignOutContext = { sessionEnded: false },
  timeoutMs = SIGN_OUT_HOOKS_TIMEOUT_MS,
): Promise<void> {
  if (hooks.size === 0) return;
  const all = Promise.allSettled(
    [...hooks].map(async (fn) => {
      try {
        await fn(ctx);
      } catch (e) {
        console.warn('sign-out clean-up failed', e);
      }
    }),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  try {
    await Promise.race([all, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
