/**
 * Silent refresh of the cookie session.
 *
 * The refresh token rotates on every use and a reused one revokes the whole session, so two tabs must never
 * refresh at once. Every refresh runs inside the Web Lock `primetrade-auth-refresh` (shared by all tabs of the
 * origin); inside the lock a tab first reads the time of the last successful refresh (kept in localStorage by
 * whichever tab did it) and skips its own when another tab has just rotated the pair. localStorage reaches other
 * tabs asynchronously (Chromium keeps a copy per renderer process), so a mark that says "not refreshed" is
 * confirmed by asking the server with the cookies as they are now (the browser's cookie jar is authoritative): a
 * session that already works is not rotated again.
 */
import { readCookie } from './cookies';

const LOCK = 'primetrade-auth-refresh';
const LAST_KEY = 'pt.auth.lastRefresh';
/** Access tokens live 15 minutes by default; refresh well before. */
export const PROACTIVE_REFRESH_MS = 10 * 60 * 1000;

let inflight: Promise<boolean> | null = null;

export function lastRefreshAt(): number {
  try {
    return Number(localStorage.getItem(LAST_KEY) ?? 0) || 0;
  } catch {
    return 0;
  }
}

/** Record that the session's tokens were just issued (login, register, refresh). */
export function markSessionFresh(at = Date.now()): void {
  try {
    localStorage.setItem(LAST_KEY, String(at));
  } catch {
    // storage unavailable (private mode): the lock alone still serialises
  }
}

export function clearSessionMark(): void {
  try {
    localStorage.removeItem(LAST_KEY);
  } catch {
    // ignore
  }
}

/** A session may exist only when the readable CSRF cookie is there. */
export const hasSessionCookie = () => readCookie('csrf_token') !== undefined;

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  if (typeof navigator !== 'undefined' && navigator.locks?.request) {
    return navigator.locks.request(LOCK, { mode: 'exclusive' }, fn) as Promise<T>;
  }
  return fn();
}

async function postRefresh(): Promise<boolean> {
  const csrf = readCookie('csrf_token');
  if (csrf === undefined) return false;
  try {
    const res = await fetch('/api/v1/auth/refresh', {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'x-auth-mode': 'cookie',
        'x-csrf-token': csrf,
      },
      body: '{}',
    });
    if (res.ok) {
      markSessionFresh();
      return true;
    }
    return false;
  } catch {
    return false;
  }
}

/** Does the session answer with the cookies the browser holds right now? */
async function sessionWorks(): Promise<boolean> {
  try {
    const res = await fetch('/api/v1/auth/me', {
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
      cache: 'no-store',
    });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Refresh unless another tab already did it after `since` (the moment the failed request started).
 * Concurrent callers in this tab share one attempt. Resolves true when the session is usable.
 */
export function refreshSession(since: number): Promise<boolean> {
  if (!inflight) {
    inflight = withLock(async () => {
      if (lastRefreshAt() > since) return true;
      if (await sessionWorks()) return true;
      return postRefresh();
    }).finally(() => {
      inflight = null;
    });
  }
  return inflight;
}

/** Refresh ahead of expiry when the last rotation (in any tab) is older than the proactive window. */
export function refreshIfDue(): Promise<boolean> {
  if (!hasSessionCookie()) return Promise.resolve(false);
  if (Date.now() - lastRefreshAt() < PROACTIVE_REFRESH_MS) return Promise.resolve(true);
  if (!inflight) {
    inflight = withLock(async () => {
      if (Date.now() - lastRefreshAt() < PROACTIVE_REFRESH_MS) return true;
      return postRefresh();
    }).finally(() => {
      inflight = null;
    });
  }
  return inflight;
}
