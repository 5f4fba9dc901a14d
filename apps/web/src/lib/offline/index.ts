/**
 * Offline-first infrastructure shared by the features: the persisted query cache, the queue of writes made
 * offline and its replay, and the hooks the UI reads them through. Features call `queueWrite` (or
 * `sendOrQueue`) for their writes; they never talk to IndexedDB themselves. See docs/architecture.md, "Offline".
 */
import { onlineManager, type QueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { isApiError } from '../api-error';
import { queryKeys } from '../query-keys';
import { hasSessionCookie } from '../session-refresh';
import { clearPersistedCache, persistQueryCache, restoreQueryCache } from './persist';
import { OfflineQueue } from './queue';
import type { QueuedWrite, QueueEntry, ReplayOutcome } from './types';

export const offlineQueue = new OfflineQueue();

/** Waits between connectivity probes after a request found no network (ms). */
const PROBE_MS = [1_000, 2_000, 4_000, 5_000];
let probing = false;

/**
 * A request could not reach the server although the browser says it is online (a captive portal, a dead Wi-Fi,
 * a server down, or a page loaded offline — the browser's flag can be stale): treat it as offline — queries pause
 * on their cached data instead of failing, writes queue — and probe /health/live until it answers.
 */
export function reportNetworkFailure(): void {
  if (!onlineManager.isOnline()) return;
  onlineManager.setOnline(false);
  if (probing) return;
  probing = true;
  void (async () => {
    for (let i = 0; !onlineManager.isOnline(); i++) {
      await new Promise((r) => setTimeout(r, PROBE_MS[Math.min(i, PROBE_MS.length - 1)]));
      try {
        const res = await fetch('/health/live', { cache: 'no-store' });
        if (res.ok) onlineManager.setOnline(true);
      } catch {
        // still no network
      }
    }
    probing = false;
  })();
}

/** Seconds between replay attempts while writes wait and the server does not answer (doubling, capped). */
const RETRY_MS = [2_000, 5_000, 15_000, 30_000, 60_000];

/**
 * Restore the persisted cache into `qc`, then keep it saved, follow the signed-in user and replay the queue on
 * reconnect. Resolves when the cache is restored (the app renders after that); returns the stop function.
 */
export async function startOffline(qc: QueryClient): Promise<() => void> {
  // TanStack's online manager starts "online" and learns only from online/offline events: a page loaded without a
  // network must say so at once (queries pause on the restored cache, writes queue, the header says Offline).
  if (typeof navigator !== 'undefined' && navigator.onLine === false) onlineManager.setOnline(false);
  else {
    // The flag can say "online" with no network behind it; the restored cache may need no request for a while.
    // One small request finds out at once (never answered by the service worker).
    void fetch('/health/live', { cache: 'no-store' }).catch(() => reportNetworkFailure());
  }
  const session = hasSessionCookie();
  let restoredUser: string | null = null;
  try {
    restoredUser = await restoreQueryCache(qc, session);
    await offlineQueue.setUser(session ? restoredUser : null);
  } catch {
    // IndexedDB unavailable (some private modes): online as before.
  }
  const persistence = persistQueryCache(qc);

  let attempt = 0;
  let retry: ReturnType<typeof setTimeout> | null = null;
  const replay = async () => {
    if (retry) clearTimeout(retry);
    retry = null;
    if (!onlineManager.isOnline() || offlineQueue.snapshot().length === 0) return;
    const r = await offlineQueue.replay().catch(() => ({ applied: 0, interrupted: true }));
    if (r.applied > 0) void qc.invalidateQueries();
    if (r.interrupted && offlineQueue.snapshot().some((e) => e.state === 'queued')) {
      retry = setTimeout(() => void replay(), RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)]);
    } else attempt = 0;
  };

  // The signed-in user: the queue shows and replays only theirs; another account's cache is dropped at once.
  let currentUser = restoredUser;
  const onMe = () => {
    const me = qc.getQueryData<{ id: string } | null>(queryKeys.me);
    const id = me?.id ?? null;
    if (me === undefined || id === currentUser) return;
    const previous = currentUser;
    currentUser = id;
    if (previous && id && previous !== id) {
      qc.removeQueries({ queryKey: queryKeys.tasks.all });
      void clearPersistedCache();
    }
    void offlineQueue.setUser(id).then(replay);
  };
  const unsubscribeCache = qc.getQueryCache().subscribe((e) => {
    if (e.query.queryKey[0] === queryKeys.me[0]) onMe();
    if (
      e.type === 'updated' &&
      e.action.type === 'failed' &&
      isApiError(e.action.error) &&
      e.action.error.status === 0
    ) {
      reportNetworkFailure();
    }
  });
  const unsubscribeOnline = onlineManager.subscribe((online) => {
    if (online) {
      attempt = 0;
      void replay();
    }
  });
  void replay();
  return () => {
    persistence.stop();
    unsubscribeCache();
    unsubscribeOnline();
    if (retry) clearTimeout(retry);
  };
}

/** Sign-out: forget the persisted cache and every queued write on this device. */
export async function clearOfflineData(): Promise<void> {
  await Promise.allSettled([clearPersistedCache(), offlineQueue.clear()]);
}

/** True when the write should go to the queue instead of the network (offline now). */
export const isOffline = () => !onlineManager.isOnline();

/** Queue a write of the signed-in user. */
export const queueWrite = (write: QueuedWrite) => offlineQueue.enqueue(write);

/**
 * Send now when online; queue when offline or when the request cannot reach the server. Returns `queued: true`
 * when the write waits in the queue (the caller shows it as pending).
 */
export async function sendOrQueue<T>(
  collection: string,
  resourceId: string,
  /** The write to queue (a function: its If-Match may take a moment to compute, and only a queued write needs it). */
  write: () => Promise<QueuedWrite> | QueuedWrite,
  send: () => Promise<T>,
): Promise<{ queued: true } | { queued: false; result: T }> {
  if (isOffline() || hasQueued(collection, resourceId)) {
    await queueWrite(await write());
    return { queued: true };
  }
  try {
    return { queued: false, result: await send() };
  } catch (e) {
    if (isApiError(e) && e.status === 0) {
      reportNetworkFailure();
      await queueWrite(await write());
      return { queued: true };
    }
    throw e;
  }
}

/** A write of this resource waits in the queue (a later one must queue behind it; a conflict does not count). */
export const hasQueued = (collection: string, resourceId: string) =>
  offlineQueue
    .snapshot()
    .some((e) => e.state === 'queued' && e.collection === collection && e.resourceId === resourceId);

// ---- hooks ----

export const usePendingWrites = (): readonly QueueEntry[] =>
  useSyncExternalStore(offlineQueue.subscribe, offlineQueue.snapshot, offlineQueue.snapshot);

/** Ids of the resources of `collection` with a write waiting. */
export function usePendingIds(collection: string): ReadonlySet<string> {
  const entries = usePendingWrites();
  return useMemo(
    () => new Set(entries.filter((e) => e.collection === collection).map((e) => e.resourceId)),
    [entries, collection],
  );
}

export const useReplaying = () =>
  useSyncExternalStore(offlineQueue.subscribe, offlineQueue.isReplaying, offlineQueue.isReplaying);

export const useOnline = () =>
  useSyncExternalStore(
    onlineManager.subscribe.bind(onlineManager),
    () => onlineManager.isOnline(),
    () => true,
  );

/** Calls `fn` for each replay outcome (conflicts, refusals) while mounted. */
export function useReplayOutcomes(fn: (o: ReplayOutcome) => void): void {
  useEffect(() => offlineQueue.onOutcome(fn), [fn]);
}

/** Restore the cache and start the offline layer once; true when the app may render. */
export function useOfflineStart(qc: QueryClient): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let stop: (() => void) | null = null;
    let cancelled = false;
    void startOffline(qc).then((s) => {
      if (cancelled) s();
      else stop = s;
      setReady(true);
    });
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [qc]);
  return ready;
}
