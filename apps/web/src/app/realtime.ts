/**
 * Real-time updates: one Server-Sent Events stream (GET /api/v1/events, cookie auth) per tab, read with fetch so
 * that the status is visible (a 401 refreshes the session, a 404 — no stream on this server — stops quietly) and
 * `Last-Event-ID` resumes after a drop. Events patch the query cache.
 */
import type { Task } from '@primetrade/shared';
import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { createParser } from 'eventsource-parser';
import { useEffect } from 'react';
import { commentsKey } from '../features/comments/api/comments';
import { removeCachedTask, type TaskPages, upsertCachedTask } from '../features/tasks/api/cache';
import { buildUrl } from '../lib/api-client';
import { projectKeys } from '../lib/projects';
import { queryKeys } from '../lib/query-keys';
import { refreshSession } from '../lib/session-refresh';

interface SseMessage {
  event: string;
  data: string;
  id?: string;
}

export function applyEvent(qc: QueryClient, msg: SseMessage): void {
  let payload: unknown;
  try {
    payload = msg.data ? JSON.parse(msg.data) : undefined;
  } catch {
    return;
  }
  switch (msg.event) {
    case 'task.created':
      void qc.invalidateQueries({ queryKey: queryKeys.tasks.lists() });
      void qc.invalidateQueries({ queryKey: queryKeys.tasks.stats() });
      break;
    case 'task.updated': {
      const task = payload as Task | undefined;
      if (task?.id) {
        // A task no cached list holds (a restored one, after Undo in another tab): the lists refetch to show it.
        const listed = qc
          .getQueriesData<TaskPages>({ queryKey: queryKeys.tasks.lists() })
          .some(([, d]) => d?.pages.some((p) => p.data.some((t) => t.id === task.id)));
        upsertCachedTask(qc, task);
        if (!listed) void qc.invalidateQueries({ queryKey: queryKeys.tasks.lists() });
        void qc.invalidateQueries({ queryKey: queryKeys.tasks.history(task.id) });
      }
      void qc.invalidateQueries({ queryKey: queryKeys.tasks.stats() });
      break;
    }
    case 'task.deleted': {
      const id = (payload as { id?: string } | undefined)?.id;
      if (id) removeCachedTask(qc, id);
      void qc.invalidateQueries({ queryKey: queryKeys.tasks.stats() });
      break;
    }
    case 'stats.changed':
      void qc.invalidateQueries({ queryKey: queryKeys.tasks.stats() });
      break;
    // Comments (issue 15): the task's comment list refetches (its panel may be open in another member's browser).
    case 'comment.created':
    case 'comment.updated':
    case 'comment.deleted': {
      const taskId = (payload as { taskId?: string } | undefined)?.taskId;
      if (taskId) void qc.invalidateQueries({ queryKey: commentsKey(taskId) });
      break;
    }
    // Projects (issue 15): names, members and roles refetch; a removal or deletion also drops its tasks from the lists.
    case 'project.updated':
    case 'project.member.added':
      void qc.invalidateQueries({ queryKey: projectKeys.all });
      break;
    case 'project.deleted':
    case 'project.member.removed':
      void qc.invalidateQueries({ queryKey: projectKeys.all });
      void qc.invalidateQueries({ queryKey: queryKeys.tasks.all });
      break;
  }
}

/** Feed an SSE byte stream to eventsource-parser (the WHATWG "event stream interpretation"; `retry` is ignored). */
async function readStream(
  body: ReadableStream<Uint8Array>,
  onMessage: (m: SseMessage) => void,
  onId: (id: string) => void,
) {
  const parser = createParser({
    onId,
    onEvent: ({ event, data, id }) => onMessage({ event: event || 'message', data, ...(id ? { id } : {}) }),
  });
  const reader = body.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    parser.feed(decoder.decode(value, { stream: true }));
  }
}

export function useRealtime(enabled: boolean): void {
  const qc = useQueryClient();
  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    let lastEventId: string | undefined;
    let attempt = 0;

    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ms);
        controller.signal.addEventListener('abort', () => {
          clearTimeout(t);
          resolve();
        });
      });

    const run = async () => {
      while (!controller.signal.aborted) {
        const startedAt = Date.now();
        try {
          const res = await fetch(buildUrl('/events'), {
            headers: { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
            credentials: 'same-origin',
            signal: controller.signal,
            cache: 'no-store',
            // A never-ending background stream: never compete with the page's own requests.
            priority: 'low',
          });
          if (res.status === 404 || res.status === 405) return; // no stream on this server: stay quiet
          if (res.status === 401) {
            if (!(await refreshSession(startedAt))) return;
            continue;
          }
          if (res.ok && res.body && (res.headers.get('content-type') ?? '').includes('text/event-stream')) {
            attempt = 0;
            // Anything missed while disconnected: refetch once connected.
            if (lastEventId === undefined) void qc.invalidateQueries({ queryKey: queryKeys.tasks.all });
            await readStream(
              res.body,
              (m) => applyEvent(qc, m),
              (id) => {
                lastEventId = id;
              },
            );
          } else if (res.status >= 400 && res.status < 500 && res.status !== 429) {
            return;
          }
        } catch {
          if (controller.signal.aborted) return;
        }
        attempt += 1;
        await sleep(Math.min(1000 * 2 ** attempt, 30_000) + Math.random() * 1000);
      }
    };
    void run();
    return () => controller.abort();
  }, [enabled, qc]);
}
