import { createTaskBody, type Task } from '@primetrade/shared';
import { type QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, renderHook } from '@testing-library/react';
import type { ReactElement, ReactNode } from 'react';
import { ToastProvider } from '../components/ui/toast';
import { createQueryClient } from '../lib/query-client';

/** The app's own providers (its QueryClient settings, the toasts) around the element under test. */
function providers(qc: QueryClient) {
  return ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={qc}>
      <ToastProvider>{children}</ToastProvider>
    </QueryClientProvider>
  );
}

export function renderWithApp(ui: ReactElement, qc: QueryClient = createQueryClient()) {
  return { qc, ...render(ui, { wrapper: providers(qc) }) };
}

export function renderHookWithApp<R>(hook: () => R, qc: QueryClient = createQueryClient()) {
  return { qc, ...renderHook(hook, { wrapper: providers(qc) }) };
}

let seq = 0;
/** A task as the API returns it: created with the shared create schema's defaults, then `overrides`. */
export function aTask(overrides: Partial<Task> = {}): Task {
  seq += 1;
  return {
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    ...createTaskBody.parse({ title: `Task ${seq}` }),
    // Issue 15: every task is in a project (the inbox unless told), top level, unassigned, without a board key.
    projectId: '00000000-0000-4000-9000-000000000001',
    assigneeId: null,
    parentId: null,
    position: null,
    subtaskCount: 0,
    subtaskDoneCount: 0,
    completedAt: null,
    createdAt: '2030-01-01T10:00:00.000Z',
    updatedAt: '2030-01-01T10:00:00.000Z',
    version: 1,
    ...overrides,
  };
}
