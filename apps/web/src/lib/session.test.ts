// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { signIn } from '../test/network';
import { createQueryClient } from './query-client';
import { queryKeys } from './query-keys';
import { endLocalSession } from './session';
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
