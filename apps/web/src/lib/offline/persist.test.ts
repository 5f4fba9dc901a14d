// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { QueryClient } from '@tanstack/react-query';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { queryKeys } from '../query-keys';
import { closeOfflineDb } from './db';
import { clearPersistedCache, MAX_AGE_MS, persistQueryCache, restoreQueryCache } from './persist';

/** The persisted query cache: what is written, and when it is (not) given back. */
async function savedCache(me: { id: string } | null, extra: (qc: QueryClient) => void = () => {}) {
  const qc = new QueryClient();
  const p = persistQueryCache(qc);
  qc.setQueryData(queryKeys.me, me);
  qc.setQueryData(queryKeys.tasks.list({}), {
    pages: [{ data: [{ id: 't1', title: 'Cached task' }] }],
    pageParams: [],
  });
  extra(qc);
  await p.flush();
  p.stop();
}
const fresh = () => new QueryClient();

beforeEach(async () => {
  await closeOfflineDb();
  globalThis.indexedDB = new IDBFactory();
});

describe('persisted query cache', () => {
  it('gives the last lists and the user back to a new page of the same session', async () => {
    await savedCache({ id: 'user-a' });
    const qc = fresh();
    expect(await restoreQueryCache(qc, true)).toBe('user-a');
    expect(qc.getQueryData(queryKeys.me)).toEqual({ id: 'user-a' });
    expect(qc.getQueryData(queryKeys.tasks.list({}))).toMatchObject({ pages: [{ data: [{ title: 'Cached task' }] }] });
  });

  it('restores the account as stale, so the page re-reads it from the server (a role changed since is seen)', async () => {
    await savedCache({ id: 'user-a' });
    const qc = fresh();
    await restoreQueryCache(qc, true);
    const me = qc.getQueryCache().find({ queryKey: queryKeys.me, exact: true });
    // me's staleTime is 5 minutes: without the invalidation (planted, run once) the copy saved a moment ago counts
    // as fresh and this is false.
    expect(me?.isStaleByTime(5 * 60_000)).toBe(true);
    expect(qc.getQueryData(queryKeys.me)).toEqual({ id: 'user-a' }); // shown at once, offline too
    // The task lists keep their saved time (their own staleTime decides).
    const list = qc.getQueryCache().find({ queryKey: queryKeys.tasks.list({}), exact: true });
    expect(list?.isStaleByTime(5 * 60_000)).toBe(false);
  });

  it('keeps only me and tasks queries (never sessions or other data)', async () => {
    await savedCache({ id: 'user-a' }, (qc) => qc.setQueryData(queryKeys.sessions, [{ id: 's1' }]));
    const qc = fresh();
    await restoreQueryCache(qc, true);
    expect(qc.getQueryData(queryKeys.sessions)).toBeUndefined();
  });

  it('without a session cookie nothing is restored and the record is deleted', async () => {
    await savedCache({ id: 'user-a' });
    expect(await restoreQueryCache(fresh(), false)).toBeNull();
    // Even with a session afterwards (another sign-in), the old record is gone.
    expect(await restoreQueryCache(fresh(), true)).toBeNull();
  });

  it('a record older than the max age is not shown', async () => {
    await savedCache({ id: 'user-a' });
    const qc = fresh();
    expect(await restoreQueryCache(qc, true, Date.now() + MAX_AGE_MS + 1)).toBeNull();
    expect(qc.getQueryData(queryKeys.tasks.list({}))).toBeUndefined();
  });

  it('signed out (no user in the cache) deletes the record; so does clearPersistedCache', async () => {
    await savedCache(null);
    expect(await restoreQueryCache(fresh(), true)).toBeNull();
    await savedCache({ id: 'user-a' });
    await clearPersistedCache();
    expect(await restoreQueryCache(fresh(), true)).toBeNull();
  });
});
