// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import type { Task } from '@primetrade/shared';
import { onlineManager } from '@tanstack/react-query';
import { act, render, screen, waitFor } from '@testing-library/react';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OfflineStatus } from '../../../components/ui/offline-status';
import { PendingMark } from '../../../components/ui/pending-mark';
import { offlineQueue } from '../../../lib/offline';
import { closeOfflineDb } from '../../../lib/offline/db';
import { taskEtag } from '../../../lib/offline/etag';
import { fakeFetch, ok, signIn } from '../../../test/network';
import { aTask, renderHookWithApp } from '../../../test/render';
import { useCreateTask } from './create-task';
import { useDeleteTask } from './delete-task';
import { useTasks } from './list-tasks';
import { useSetTaskStatus, useUpdateTask } from './update-task';

/**
 * The task mutations on top of the offline queue: offline they resolve at once (the dialog never waits), the list
 * shows the queued writes, and the queue holds the right requests with their Idempotency-Key / If-Match.
 */
let server: Task[];
beforeEach(async () => {
  await closeOfflineDb();
  globalThis.indexedDB = new IDBFactory();
  signIn();
  server = [aTask({ title: 'On the server' }), aTask({ title: 'To delete' })];
  fakeFetch(() => ok(server));
  await offlineQueue.setUser('user-1');
});
afterEach(async () => {
  onlineManager.setOnline(true);
  await offlineQueue.clear();
});

function useOfflineScreen() {
  return {
    list: useTasks({}),
    create: useCreateTask(),
    update: useUpdateTask(),
    status: useSetTaskStatus(() => {}),
    remove: useDeleteTask(() => {}),
  };
}

describe('task writes while offline', () => {
  it('queue instead of waiting, show in the list as the user made them, and carry their keys', async () => {
    const { result } = renderHookWithApp(useOfflineScreen);
    await waitFor(() => expect(result.current.list.data?.pages[0]?.data).toHaveLength(2));
    const [onServer, toDelete] = server as [Task, Task];
    act(() => onlineManager.setOnline(false));

    const created = await act(() =>
      result.current.create.mutateAsync({
        body: { title: 'Made offline' } as never,
        idempotencyKey: crypto.randomUUID(),
      }),
    );
    await act(() => result.current.update.mutateAsync({ id: onServer.id, patch: { title: 'Renamed offline' } }));
    await act(() => result.current.status.mutateAsync({ id: created.id, status: 'completed' }));
    await act(() => result.current.remove.mutateAsync(toDelete.id));

    // The list: the new task first (completed: the status folded into its create), the edit applied, the delete gone.
    await waitFor(() =>
      expect(result.current.list.data?.pages[0]?.data.map((t) => [t.title, t.status])).toEqual([
        ['Made offline', 'completed'],
        ['Renamed offline', 'pending'],
      ]),
    );
    // The queue: one POST (with the folded status), one PATCH and one DELETE with the ETag of the version shown.
    const entries = offlineQueue.snapshot();
    expect(entries.map((e) => e.method)).toEqual(['POST', 'PATCH', 'DELETE']);
    expect(entries[0]).toMatchObject({
      idempotencyKey: created.id,
      body: { title: 'Made offline', status: 'completed' },
    });
    expect(entries[1]).toMatchObject({ resourceId: onServer.id, ifMatch: await taskEtag(onServer.id, 1) });
    expect(entries[2]).toMatchObject({ resourceId: toDelete.id, ifMatch: await taskEtag(toDelete.id, 1) });

    // Header and rows.
    render(
      <>
        <OfflineStatus />
        <PendingMark collection="/tasks" id={onServer.id} />
      </>,
    );
    expect(screen.getByTestId('pending-count')).toHaveTextContent('3 changes waiting');
    expect(screen.getByText('Offline')).toBeVisible();
    expect(screen.getByTestId('pending-mark')).toHaveTextContent('Waiting to sync');
  });

  it('online, a write goes to the server and nothing is queued', async () => {
    const net = fakeFetch(({ method, body }) =>
      method === 'POST' ? ok(aTask(body as Partial<Task>), { status: 201 }) : ok(server),
    );
    const { result } = renderHookWithApp(useOfflineScreen);
    await act(() =>
      result.current.create.mutateAsync({ body: { title: 'Online' } as never, idempotencyKey: crypto.randomUUID() }),
    );
    expect(net.calls.some((c) => c.method === 'POST')).toBe(true);
    expect(offlineQueue.snapshot()).toEqual([]);
  });
});
