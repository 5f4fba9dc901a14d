// @vitest-environment happy-dom
import type { Task } from '@primetrade/shared';
import { waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { TaskPages } from '../features/tasks/api/cache';
import { createQueryClient } from '../lib/query-client';
import { queryKeys } from '../lib/query-keys';
import { deferred, fakeFetch, problem, signIn } from '../test/network';
import { aTask, renderWithApp } from '../test/render';
import { useRealtime } from './realtime';

/** The server's end of GET /api/v1/events: one open text/event-stream the test writes to. */
function eventStream() {
  const encoder = new TextEncoder();
  const opened = deferred<ReadableStreamDefaultController<Uint8Array>>();
  const net = fakeFetch(({ url, signal }) => {
    if (url !== '/api/v1/events') return problem(404, 'NOT_FOUND', 'Not found');
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        signal?.addEventListener('abort', () => controller.error(new DOMException('Aborted', 'AbortError')));
        opened.resolve(controller);
      },
    });
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  });
  return {
    net,
    /** Write raw bytes of the stream (a frame, part of one, or several). */
    write: async (text: string) => (await opened.promise).enqueue(encoder.encode(text)),
  };
}

const frame = (event: string, data: unknown, id?: string) =>
  `${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

const pages = (...tasks: Task[]): TaskPages => ({
  pages: [{ data: tasks, meta: { limit: 50, hasMore: false, nextCursor: null } }],
  pageParams: [undefined],
});

const ALL = queryKeys.tasks.list({});
const PENDING = queryKeys.tasks.list({ status: 'pending' });

function Realtime() {
  useRealtime(true);
  return null;
}

/** A client with two cached lists and one cached detail, connected to the stream. */
async function connected(a: Task, b: Task) {
  const stream = eventStream();
  const qc = createQueryClient();
  qc.setQueryData(ALL, pages(a, b));
  qc.setQueryData(PENDING, pages(a));
  qc.setQueryData(queryKeys.tasks.detail(a.id), { task: a, etag: '"v1"' });
  renderWithApp(<Realtime />, qc);
  await waitFor(() => expect(stream.net.calls).toHaveLength(1));
  expect(stream.net.calls[0]!.headers.get('accept')).toBe('text/event-stream');
  const titles = (key: readonly unknown[]) =>
    qc.getQueryData<TaskPages>(key)?.pages.flatMap((p) => p.data.map((t) => `${t.title}@${t.version}`));
  return { qc, ...stream, titles };
}

describe('realtime events → query cache', () => {
  beforeEach(signIn);

  it('task.updated replaces the task in every cached list and its detail, never with an older copy', async () => {
    const a = aTask({ title: 'Draft', version: 1 });
    const b = aTask({ title: 'Other' });
    const { qc, write, titles } = await connected(a, b);

    await write(frame('task.updated', { ...a, title: 'Final', version: 3 }, '1'));

    await waitFor(() => expect(titles(ALL)).toEqual(['Final@3', 'Other@1']));
    expect(titles(PENDING)).toEqual(['Final@3']);
    expect(qc.getQueryData(queryKeys.tasks.detail(a.id))).toMatchObject({ task: { title: 'Final', version: 3 } });

    // A late, older copy (delivered out of order) changes nothing.
    await write(frame('task.updated', { ...a, title: 'Stale', version: 2 }, '2'));
    await write(frame('task.updated', { ...b, title: 'Other, renamed', version: 2 }, '3'));
    await waitFor(() => expect(titles(ALL)).toEqual(['Final@3', 'Other, renamed@2']));
    expect(titles(PENDING)).toEqual(['Final@3']);
  });

  it('task.deleted removes the task from every list and drops its detail', async () => {
    const a = aTask({ title: 'Doomed' });
    const b = aTask({ title: 'Kept' });
    const { qc, write, titles } = await connected(a, b);

    await write(frame('task.deleted', { id: a.id }));

    await waitFor(() => expect(titles(ALL)).toEqual(['Kept@1']));
    expect(titles(PENDING)).toEqual([]);
    expect(qc.getQueryData(queryKeys.tasks.detail(a.id))).toBeUndefined();
  });

  it('applies a frame split across reads once it is complete, and ignores comments', async () => {
    const a = aTask({ title: 'Draft' });
    const b = aTask({ title: 'Other' });
    const { write, titles } = await connected(a, b);
    const text = `: keep-alive\n\n${frame('task.updated', { ...a, title: 'Final', version: 2 })}`;
    const cut = text.indexOf('Final');

    await write(text.slice(0, cut));
    await new Promise((r) => setTimeout(r, 20));
    expect(titles(ALL)).toEqual(['Draft@1', 'Other@1']);
    await write(text.slice(cut));

    await waitFor(() => expect(titles(ALL)).toEqual(['Final@2', 'Other@1']));
  });

  it('stats.changed marks the stats stale, task.created the lists', async () => {
    const a = aTask();
    const { qc, write } = await connected(a, aTask());
    // Connecting refetches what may have been missed; start from fresh data.
    await waitFor(() => expect(qc.getQueryState(ALL)?.isInvalidated).toBe(true));
    qc.setQueryData(ALL, pages(a));
    qc.setQueryData(queryKeys.tasks.stats(), { total: 1 });
    expect(qc.getQueryState(ALL)?.isInvalidated).toBe(false);

    await write(frame('stats.changed', {}));
    await waitFor(() => expect(qc.getQueryState(queryKeys.tasks.stats())?.isInvalidated).toBe(true));
    expect(qc.getQueryState(ALL)?.isInvalidated).toBe(false);

    await write(frame('task.created', { id: 'new' }));
    await waitFor(() => expect(qc.getQueryState(ALL)?.isInvalidated).toBe(true));
  });

  it('task.updated of a task no cached list holds (restored by Undo elsewhere) marks the lists stale', async () => {
    const a = aTask({ title: 'Listed' });
    const { qc, write } = await connected(a, aTask());
    await waitFor(() => expect(qc.getQueryState(ALL)?.isInvalidated).toBe(true));
    qc.setQueryData(ALL, pages(a));
    qc.setQueryData(PENDING, pages(a));

    await write(frame('task.updated', { ...a, title: 'Listed, renamed', version: 2 }));
    await waitFor(() => expect(qc.getQueryData<TaskPages>(ALL)?.pages[0]?.data[0]?.title).toBe('Listed, renamed'));
    expect(qc.getQueryState(ALL)?.isInvalidated).toBe(false); // in a list: patched in place, no refetch

    await write(frame('task.updated', aTask({ title: 'Restored', version: 2 })));
    await waitFor(() => expect(qc.getQueryState(ALL)?.isInvalidated).toBe(true));
    expect(qc.getQueryState(PENDING)?.isInvalidated).toBe(true);
  });
});
