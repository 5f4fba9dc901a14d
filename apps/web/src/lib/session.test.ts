// @vitest-environment happy-dom
import type { User } from '@primetrade/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import { signIn } from '../test/network';
import { createQueryClient } from './query-client';
import { queryKeys } from './query-keys';
import { endLocalSession, startLocalSession } from './session';
import { lastRefreshAt, markSessionFresh } from './session-refresh';

describe('endLocalSession', () => {
  beforeEach(signIn);

  it('forgets the account in this tab: the refresh mark, every cached query, and the user (null = signed out)', () => {
    const qc = createQueryClient();
    qc.setQueryData(queryKeys.me, { id: 'u1', name: 'Ada' });
    qc.setQueryData(queryKeys.tasks.list({}), { pages: [], pageParams: [] });
    qc.setQueryData(queryKeys.sessions, [{ id: 's1' }]);
    markSessionFresh(1_000);

    endLocalSession(qc);

    expect(lastRefreshAt()).toBe(0);
    expect(qc.getQueryData(queryKeys.me)).toBeNull();
    expect(
      qc
        .getQueryCache()
        .getAll()
        .map((q) => q.queryKey),
    ).toEqual([queryKeys.me]);
  });
});

describe('startLocalSession', () => {
  it('records that the tokens were just issued and who is signed in', () => {
    const qc = createQueryClient();
    const before = Date.now();
    startLocalSession(qc, { id: 'u1', name: 'Ada' } as User);
    expect(lastRefreshAt()).toBeGreaterThanOrEqual(before);
    expect(qc.getQueryData(queryKeys.me)).toEqual({ id: 'u1', name: 'Ada' });
  });
});
