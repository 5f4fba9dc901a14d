// @vitest-environment happy-dom
import type { Task } from '@primetrade/shared';
import { act, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../lib/api-error';
import { createQueryClient } from '../../../lib/query-client';
import { queryKeys } from '../../../lib/query-keys';
import { deferred, fakeFetch, problem, signIn } from '../../../test/network';
import { aTask, renderHookWithApp } from '../../../test/render';
import { useBulkTasks } from './bulk-tasks';
import type { TaskPages } from './cache';
import { useDeleteTask } from './delete-task';
import { useSetTaskStatus } from './update-task';

const ALL = queryKeys.tasks.list({});
const OPEN = queryKeys.tasks.list({ status: 'pending,in_progress' });

const pages = (...tasks: Task[]): TaskPages => ({
  pages: [{ data: tasks, meta: { limit: 50, hasMore: false, nextCursor: null } }],
  pageParams: [undefined],
});

/** Two cached lists, and a server whose answer to the write is held until the test releases it. */
function setup(a: Task, b: Task) {
  const answer = deferred<Response>();
  const net = fakeFetch(() => answer.promise);
  const qc = createQueryClient();
  qc.setQueryData(ALL, pages(a, b));
  qc.setQueryData(OPEN, pages(a, b));
  qc.setQueryData(queryKeys.tasks.detail(a.id), { task: a, etag: '"v1"' });
  const list = (key: readonly unknown[]) =>
    qc.getQueryData<TaskPages>(key)?.pages.flatMap((p) => p.data.map((t) => `${t.title}:${t.status}`));
  const before = { all: qc.getQueryData(ALL), open: qc.getQueryData(OPEN) };
  return { net, qc, list, before, fail: () => answer.resolve(problem(500, 'INTERNAL_ERROR', 'Something broke')) };
}

describe('optimistic task writes', () => {
  beforeEach(signIn);

  it('a status change shows at once and is rolled back (in every list) when the request fails', async () => {
    const a = aTask({ title: 'A', status: 'pending' });
    const b = aTask({ title: 'B' });
    const { net, qc, list, before, fail } = setup(a, b);
    const onError = vi.fn();
    const { result } = renderHookWithApp(() => useSetTaskStatus(onError), qc);

    act(() => result.current.mutate({ id: a.id, status: 'completed' }));

    await waitFor(() => expect(list(ALL)).toEqual(['A:completed', 'B:pending']));
    expect(list(OPEN)).toEqual(['A:completed', 'B:pending']);
    const optimistic = qc.getQueryData<TaskPages>(ALL)?.pages[0]?.data[0];
    expect(optimistic?.completedAt).toEqual(expect.any(String));
    expect(net.calls).toMatchObject([{ method: 'PATCH', url: `/api/v1/tasks/${a.id}`, body: { status: 'completed' } }]);

    fail();

    await waitFor(() => expect(onError).toHaveBeenCalledTimes(1));
    expect(onError.mock.calls[0]![0]).toBeInstanceOf(ApiError);
    expect(qc.getQueryData(ALL)).toEqual(before.all);
    expect(qc.getQueryData(OPEN)).toEqual(before.open);
  });

  it('a delete removes the task at once and puts it back where it was when the request fails', async () => {
    const a = aTask({ title: 'A' });
    const b = aTask({ title: 'B' });
    const { net, qc, list, before, fail } = setup(a, b);
    const onError = vi.fn();
    const { result } = renderHookWithApp(() => useDeleteTask(onError), qc);

    act(() => result.current.mutate(a.id));

    await waitFor(() => expect(list(ALL)).toEqual(['B:pending']));
    expect(list(OPEN)).toEqual(['B:pending']);
    expect(net.calls).toMatchObject([{ method: 'DELETE', url: `/api/v1/tasks/${a.id}` }]);

    fail();

    await waitFor(() => expect(onError).toHaveBeenCalledTimes(1));
    expect(qc.getQueryData(ALL)).toEqual(before.all);
    expect(qc.getQueryData(OPEN)).toEqual(before.open);
    // The failed delete keeps the task's detail too.
    expect(qc.getQueryData(queryKeys.tasks.detail(a.id))).toMatchObject({ task: { id: a.id } });
  });

  it('a bulk change is applied to the selected tasks at once and rolled back when the request fails', async () => {
    const a = aTask({ title: 'A' });
    const b = aTask({ title: 'B' });
    const { qc, list, before, fail } = setup(a, b);
    const onError = vi.fn();
    const { result } = renderHookWithApp(() => useBulkTasks(onError), qc);

    act(() => result.current.mutate({ action: 'update', ids: [b.id], patch: { status: 'cancelled' } }));
    await waitFor(() => expect(list(ALL)).toEqual(['A:pending', 'B:cancelled']));

    fail();

    await waitFor(() => expect(onError).toHaveBeenCalledTimes(1));
    expect(qc.getQueryData(ALL)).toEqual(before.all);
    expect(qc.getQueryData(OPEN)).toEqual(before.open);
  });
});
