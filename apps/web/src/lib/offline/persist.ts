/**
 * The last lists and tasks, kept in IndexedDB so a reload without a network still shows them.
 *
 * What is kept: the successful queries under `me` and `tasks` (lists, details, stats, history) — nothing else
 * (sessions, admin data and exports are never written to disk). The record names its user and its time; it is
 * restored only while a session cookie exists, only within MAX_AGE, only for the same cache format (BUSTER), and
 * deleted on sign-out and when another account turns out to be signed in (runtime.ts).
 */
import { dehydrate, type DehydratedState, hydrate, type Query, type QueryClient } from '@tanstack/react-query';
import { queryKeys } from '../query-keys';
import { offlineDb } from './db';

const KEY = 'query-cache';
/** A cache older than this is not shown (a week: long enough for a trip, short enough not to mislead). */
export const MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
/** Bumped when the shape of cached data changes: an older cache is dropped instead of misread. */
const BUSTER = 'tasks-v1';
const SAVE_DELAY_MS = 400;

interface PersistedCache {
  buster: string;
  userId: string;
  savedAt: number;
  state: DehydratedState;
}

const PERSISTED_ROOTS = new Set<unknown>([queryKeys.me[0], queryKeys.tasks.all[0]]);
const persistable = (q: Query) => q.state.status === 'success' && PERSISTED_ROOTS.has(q.queryKey[0]);

const userIdOf = (qc: QueryClient) => (qc.getQueryData(queryKeys.me) as { id?: string } | null | undefined)?.id;

/**
 * Put the persisted cache back into `qc` when it belongs here; returns its user's id (or null when nothing was
 * restored). `hasSession`: a session cookie exists (without one nothing is restored and the record is deleted).
 */
export async function restoreQueryCache(
  qc: QueryClient,
  hasSession: boolean,
  now = Date.now(),
): Promise<string | null> {
  const db = await offlineDb();
  const record = (await db.get('kv', KEY)) as PersistedCache | undefined;
  if (!record) return null;
  if (!hasSession || record.buster !== BUSTER || now - record.savedAt > MAX_AGE_MS || !record.userId) {
    await db.delete('kv', KEY);
    return null;
  }
  hydrate(qc, record.state);
  // The account (its role, its name) is shown from the copy at once, and re-read from the server on the page's
  // first use: restored with its old time, the copy counted as fresh for me's whole staleTime, so a role changed
  // since it was saved stayed on screen after a reload (e2e/admin.e2e.ts saw the Admin link missing whenever the
  // restore beat the route guard's own read). Offline, the copy stays.
  await qc.invalidateQueries({ queryKey: queryKeys.me, exact: true, refetchType: 'none' });
  return record.userId;
}

export async function clearPersistedCache(): Promise<void> {
  await (await offlineDb()).delete('kv', KEY);
}

/** Write the cache (debounced) whenever it changes; a cache with no signed-in user deletes the record. */
export function persistQueryCache(qc: QueryClient): { flush: () => Promise<void>; stop: () => void } {
  // Restored queries nobody looks at must outlive the default five minutes, or the next save would drop them.
  for (const root of PERSISTED_ROOTS) qc.setQueryDefaults([root], { gcTime: 24 * 60 * 60 * 1000 });
  let timer: ReturnType<typeof setTimeout> | null = null;
  let writing: Promise<void> = Promise.resolve();
  const save = async () => {
    const userId = userIdOf(qc);
    const db = await offlineDb();
    if (!userId) {
      await db.delete('kv', KEY);
      return;
    }
    const state = dehydrate(qc, { shouldDehydrateQuery: persistable, shouldDehydrateMutation: () => false });
    const record: PersistedCache = { buster: BUSTER, userId, savedAt: Date.now(), state };
    await db.put('kv', record, KEY);
  };
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    writing = writing.then(save).catch(() => {
      // Storage full or unavailable: the app works online as before.
    });
    return writing;
  };
  const unsubscribe = qc.getQueryCache().subscribe((event) => {
    if (event.type !== 'added' && event.type !== 'removed' && event.type !== 'updated') return;
    if (event.type === 'updated' && event.action.type !== 'success' && event.action.type !== 'setState') return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void flush(), SAVE_DELAY_MS);
  });
  const onHide = () => {
    if (document.visibilityState === 'hidden') void flush();
  };
  document.addEventListener('visibilitychange', onHide);
  return {
    flush,
    stop: () => {
      unsubscribe();
      document.removeEventListener('visibilitychange', onHide);
      if (timer) clearTimeout(timer);
    },
  };
}
